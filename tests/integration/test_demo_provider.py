"""``giftcard-connect demo --provider NAME`` with a provider installed as any plugin is: an
entry point in a distribution's metadata, its settings only in ``.env``."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests

ACME_PLUGIN = '''
from giftcard_connect import (
    Balance, Cancellation, GiftCardError, HealthCheck, Money, ProviderInfo, Redemption,
    VoidResult, hookimpl,
)


@hookimpl
def giftcard_provider_info(config):
    return ProviderInfo(name="acme", display_name=config["DISPLAY_NAME"], currencies=("USD",))


@hookimpl
def giftcard_balance(card, context):
    if card.code != "ACME-SANDBOX-1":
        raise GiftCardError("NotFound", "NotFound", "No such card in the sandbox")
    return Balance(Money(int(context.config["SANDBOX_BALANCE"]), "USD"))


@hookimpl
def giftcard_redeem(card, amount, reference, context):
    return Redemption("r-" + reference, amount)


@hookimpl
def giftcard_cancel(redemption_id, amount, reference, context):
    return Cancellation("c-" + reference, amount)


@hookimpl
def giftcard_void(reference, context):
    return VoidResult(reference, voided=False)


@hookimpl
def giftcard_health(context):
    return HealthCheck(name="Acme sandbox", status="UP")
'''


@pytest.fixture
def acme_installed(tmp_path):
    """A site directory holding the ``acme`` provider and its distribution metadata."""
    site = tmp_path / "site"
    dist_info = site / "giftcard_connect_acme-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (site / "giftcard_connect_acme.py").write_text(ACME_PLUGIN)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: giftcard-connect-acme\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(
        "[giftcard_connect]\nacme = giftcard_connect_acme\n")
    return site


def start(tmp_path, site, *args) -> tuple[subprocess.Popen, dict]:
    info_file = tmp_path / "demo.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIFTCARD_", "CTP_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "giftcard_connect.cli", "demo", "--info-file", str(info_file),
         *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
        env={**env, "PYTHONPATH": str(site)},
    )
    deadline = time.monotonic() + 30
    while not info_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.communicate(timeout=10)[0]
            return process, {"output": output}
        time.sleep(0.1)
    return process, json.loads(info_file.read_text())


def stop(process) -> str:
    process.terminate()
    return process.communicate(timeout=15)[0]


def test_demo_runs_an_installed_provider_with_its_dotenv_settings(tmp_path, acme_installed):
    (tmp_path / ".env").write_text(
        "GIFTCARD_CURRENCY=USD\nGIFTCARD_ACME_DISPLAY_NAME=Acme Gift\n"
        "GIFTCARD_ACME_SANDBOX_BALANCE=2500\n")
    process, info = start(tmp_path, acme_installed, "--provider", "acme")
    try:
        assert info.get("provider") == "acme", info
        assert "providerUrl" not in info  # no mock provider service
        session = {"X-Session-Id": info["walkthrough"]["sessionId"]}
        config = requests.get(f"{info['processorUrl']}/operations/config", headers=session,
                              timeout=5).json()
        assert (config["provider"], config["displayName"], config["currency"]) == (
            "acme", "Acme Gift", "USD")
        balance = requests.post(f"{info['processorUrl']}/balance", headers=session, timeout=5,
                                json={"code": "ACME-SANDBOX-1"}).json()
        assert balance["amount"] == {"centAmount": 2500, "currencyCode": "USD"}
        page = requests.get(f"{info['storefrontUrl']}/api/checkout", timeout=5).json()
        assert page["demoCards"] == [] and page["total"]["currencyCode"] == "USD"
        html = requests.get(info["storefrontUrl"], timeout=5).text
        assert 'id="declined-codes"' not in html and 'id="any-balance"' not in html
    finally:
        output = stop(process)
    assert "mock provider:" not in output
    assert "Use your provider's test cards on the checkout page." in output
    assert "YOUR-TEST-CARD" in output and "DEMO-" not in output


def test_demo_names_the_installed_providers_when_one_is_missing(tmp_path, acme_installed):
    process, info = start(tmp_path, acme_installed, "--provider", "nosuch")
    assert process.returncode == 1
    assert "Error: gift card provider 'nosuch' is not installed; installed providers:" in (
        info["output"])
    assert "acme" in info["output"] and "mock" in info["output"]
    assert "Traceback" not in info["output"]
