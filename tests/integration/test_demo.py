"""The demo command end to end: a subprocess, its info file, the checkout page's walkthrough
over HTTP as a browser does it, and then the printed curl walkthrough, run as printed."""

import json
import logging
import re
import signal
import subprocess
import sys
import time

import pytest
import requests
from giftcard_connect.demo import OPERATIONS_HEADING, start_demo


class BearerAuth(requests.auth.AuthBase):
    """The demo merchant's own token, to read what the walkthroughs recorded."""

    def __init__(self, info):
        self.token = requests.post(
            f"{info['emulatorUrl']}/oauth/token", auth=(info["clientId"], info["clientSecret"]),
            data={"grant_type": "client_credentials"}, timeout=5,
        ).json()["access_token"]

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class Demo:
    """A running ``giftcard-connect demo`` and its printed banner."""

    def __init__(self, process, info):
        self.process = process
        self.info = info
        self.lines: list[str] = []

    def banner(self) -> list[str]:
        """Every printed line up to the walkthrough's last one (the status view)."""
        while not self.lines or "/operations/status" not in self.lines[-1]:
            line = self.process.stdout.readline()
            assert line, "the demo ended before printing its walkthrough:\n" + "".join(self.lines)
            self.lines.append(line)
        return self.lines

    def single_commands(self) -> list[str]:
        """The walkthrough's one-line curl commands, before the operations block."""
        lines = self.banner()
        return [line for line in lines[: lines.index(OPERATIONS_HEADING + "\n")]
                if line.startswith("curl ")]

    def operations_block(self) -> str:
        lines = self.banner()
        return "".join(lines[lines.index(OPERATIONS_HEADING + "\n") + 1:])

    def payment(self, payment_id: str) -> dict:
        return requests.get(
            f"{self.info['emulatorUrl']}/{self.info['projectKey']}/payments/{payment_id}",
            auth=BearerAuth(self.info), timeout=5,
        ).json()


def bash(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)


def transactions(payment: dict) -> list[tuple]:
    return [(t["type"], t["state"], t["amount"]["centAmount"]) for t in payment["transactions"]]


@pytest.fixture
def demo(tmp_path):
    info_file = tmp_path / "demo.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "giftcard_connect.cli", "demo", "--info-file", str(info_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 30
    while not info_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.stdout.read()
            process.wait(10)
            process.stdout.close()
            pytest.fail("demo did not start:\n" + output)
        time.sleep(0.1)
    yield Demo(process, json.loads(info_file.read_text()))
    if process.poll() is None:
        process.kill()
    process.wait(10)
    process.stdout.close()


def pay_the_page_cart(storefront_url: str, processor_url: str) -> dict:
    """What the README asks of the checkout page, over HTTP: the 40.00 card, then the
    50.00 card for the 20.00 left. Returns the page's state afterwards."""
    page = requests.Session()
    state = page.get(f"{storefront_url}/api/checkout", timeout=5).json()
    forty, fifty, with_pin = state["demoCards"]
    assert (forty["amount"]["centAmount"], fifty["amount"]["centAmount"]) == (4000, 5000)
    assert with_pin["pin"] == "1234"
    headers = {"X-Session-Id": state["sessionId"]}
    for card, cents in ((forty, 4000), (fifty, 2000)):
        balance = requests.post(f"{processor_url}/balance", json={"code": card["code"]},
                                headers=headers, timeout=10).json()
        assert balance["amount"]["centAmount"] == card["amount"]["centAmount"]
        redeemed = requests.post(
            f"{processor_url}/redeem", headers={**headers, "Idempotency-Key": card["code"]},
            json={"code": card["code"],
                  "redeemAmount": {"centAmount": cents, "currencyCode": "EUR"}},
            timeout=10,
        ).json()
        assert redeemed["result"] == "Success", redeemed
    return page.get(f"{storefront_url}/api/checkout", timeout=5).json()


def test_demo_info_file_describes_running_stack(demo):
    info = demo.info
    for key in ("storefrontUrl", "processorUrl", "providerUrl", "emulatorUrl", "projectKey",
                "clientId", "clientSecret"):
        assert info[key], key
    assert info["provider"] == "mock"
    walkthrough = info["walkthrough"]
    assert walkthrough["cartId"] and walkthrough["sessionId"]
    assert walkthrough["card"]["amount"] == {"centAmount": 5000, "currencyCode": "EUR"}
    assert requests.get(info["processorUrl"] + "/healthz", timeout=5).json() == {"status": "ok"}


def test_printed_walkthrough_after_the_page_walkthrough(demo):
    info = demo.info
    page = pay_the_page_cart(info["storefrontUrl"], info["processorUrl"])
    assert page["stillToPay"]["centAmount"] == 0 and page["paid"]["centAmount"] == 6000
    assert page["sessionId"] != info["walkthrough"]["sessionId"]

    commands = demo.single_commands()
    runs = [bash(command) for command in commands]
    assert all(run.returncode == 0 and not run.stderr for run in runs), runs
    config, before, redeemed, after, declined = (json.loads(run.stdout) for run in runs)
    assert config["currency"] == "EUR"
    assert before == {"status": {"state": "Valid"},
                      "amount": {"centAmount": 5000, "currencyCode": "EUR"}}
    assert redeemed["result"] == "Success" and redeemed["paymentReference"]
    assert after["amount"]["centAmount"] == 3000
    assert declined["status"]["state"] == "Expired"
    # The walkthrough's redeem is idempotent: running it again charges nothing more.
    assert json.loads(bash(commands[2]).stdout) == redeemed

    result = bash("set -e\n" + demo.operations_block())
    assert result.returncode == 0, result.stderr
    refund_answer, status_answer = (json.loads(line) for line in result.stdout.splitlines())
    assert refund_answer == {"outcome": "approved"}
    assert status_answer["status"] == "OK"
    assert transactions(demo.payment(redeemed["paymentReference"])) == [
        ("Charge", "Success", 2000), ("Refund", "Success", 500)]

    # The terminal's refund never touches the page's cart.
    after_walkthrough = requests.get(f"{info['storefrontUrl']}/api/checkout", timeout=5).json()
    assert after_walkthrough["paid"] == page["paid"]
    assert [p["netPaid"] for p in after_walkthrough["payments"]] == [
        p["netPaid"] for p in page["payments"]]


def test_page_walkthrough_after_the_printed_walkthrough(demo):
    """The other order: the terminal pays its own cart first; the page's still works."""
    assert bash("set -e\n" + demo.operations_block()).returncode == 0
    page = pay_the_page_cart(demo.info["storefrontUrl"], demo.info["processorUrl"])
    assert page["stillToPay"]["centAmount"] == 0
    assert [p["netPaid"]["centAmount"] for p in page["payments"]] == [4000, 2000]


def test_walkthrough_on_a_paid_cart_fails_politely(demo):
    """The operations block against a cart that is paid in full: the redeem is refused, and
    the block says so in plain words instead of a traceback or a refund of nothing."""
    page = pay_the_page_cart(demo.info["storefrontUrl"], demo.info["processorUrl"])
    block = demo.operations_block().replace(demo.info["walkthrough"]["sessionId"],
                                             page["sessionId"])
    result = bash(block)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "no paymentReference in the answer:" in result.stderr
    assert "InvalidOperation" in result.stderr
    assert "PAYMENT: no payment id, see the message above" in result.stderr
    assert "/operations/payment-intents/" not in result.stdout


def test_walkthrough_after_the_demo_stopped_fails_politely(demo):
    commands, block = demo.single_commands(), demo.operations_block()
    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(15) == 0
    for command in commands:
        run = bash(command)
        assert run.returncode != 0 and "Failed to connect" in run.stderr, run
    run = bash(block)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert "no access_token in the answer: none (is the server running?)" in run.stderr


def test_demo_stops_cleanly_on_ctrl_c(demo):
    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(15) == 0
    assert "demo stopped" in demo.process.stdout.read()
    with pytest.raises(requests.ConnectionError):
        requests.get(demo.info["processorUrl"] + "/healthz", timeout=2)


def test_demo_stops_cleanly_when_ctrl_c_comes_twice(demo):
    """A wrapper such as tox passes the terminal's Ctrl-C on again: still a clean stop."""
    demo.banner()
    demo.process.send_signal(signal.SIGINT)
    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(15) == 0
    output = demo.process.stdout.read()
    assert output.endswith("demo stopped\n")
    assert "Aborted" not in output and "Traceback" not in output


def test_access_log_names_each_server_and_is_off_by_default(caplog):
    caplog.set_level(logging.INFO, logger="giftcard_connect.access")
    caplog.set_level(logging.INFO, logger="giftcard_connect.requests")
    quiet = start_demo()
    try:
        requests.get(quiet.info["processorUrl"] + "/healthz", timeout=5)
    finally:
        quiet.stop()
    assert not [r for r in caplog.records
                if r.name in ("giftcard_connect.access", "giftcard_connect.requests")]
    stack = start_demo(access_log=True)
    try:
        requests.get(stack.info["processorUrl"] + "/healthz", timeout=5)
        requests.get(stack.info["storefrontUrl"] + "/api/checkout", timeout=5)
    finally:
        stack.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "giftcard_connect.access"]
    servers = {line.split()[0] for line in lines}
    assert {"processor", "storefront", "emulator", "mock-provider"} <= servers, lines
    assert any(re.fullmatch(r"processor +GET /healthz 200 \(\d+ ms\)", line) for line in lines)
