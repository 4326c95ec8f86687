"""The demo command end to end: a subprocess, its info file, and its printed curl walkthrough."""

import json
import signal
import subprocess
import sys
import time

import pytest
import requests
from giftcard_connect.demo import OPERATIONS_HEADING


class BearerAuth(requests.auth.AuthBase):
    """The demo merchant's own token, to read what the walkthrough recorded."""

    def __init__(self, info):
        self.token = requests.post(
            f"{info['emulatorUrl']}/oauth/token", auth=(info["clientId"], info["clientSecret"]),
            data={"grant_type": "client_credentials"}, timeout=5,
        ).json()["access_token"]

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


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
    while not info_file.exists() or not info_file.read_text().strip().endswith("}"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.stdout.read()
            process.wait(10)
            process.stdout.close()
            pytest.fail("demo did not start:\n" + output)
        time.sleep(0.1)
    yield process, json.loads(info_file.read_text())
    if process.poll() is None:
        process.kill()
    process.wait(10)
    process.stdout.close()


def test_demo_info_file_describes_running_stack(demo):
    _, info = demo
    for key in ("processorUrl", "providerUrl", "emulatorUrl", "projectKey", "clientId",
                "clientSecret", "cartId", "sessionId"):
        assert info[key], key
    assert requests.get(info["processorUrl"] + "/healthz", timeout=5).json() == {"status": "ok"}


def test_demo_curl_walkthrough_returns_valid_balance(demo):
    process, info = demo
    # The banner is printed after the info file is written: wait for the walkthrough.
    lines = []
    while not any(line.startswith("# An expired card") for line in lines):
        lines.append(process.stdout.readline())
    commands = [line for line in lines if line.startswith("curl ")]
    outputs = [
        subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30).stdout
        for command in commands
    ]
    assert json.loads(outputs[0])["currency"] == "EUR"
    assert json.loads(outputs[1]) == {
        "status": {"state": "Valid"},
        "amount": {"centAmount": 5000, "currencyCode": "EUR"},
    }
    redeemed = json.loads(outputs[2])
    assert redeemed["result"] == "Success" and redeemed["paymentReference"]
    assert json.loads(outputs[3])["amount"]["centAmount"] == 3000
    # The walkthrough's redeem is idempotent: running it again charges nothing more.
    again = subprocess.run(["bash", "-c", commands[2]], capture_output=True, text=True, timeout=30)
    assert json.loads(again.stdout) == redeemed

    # The operations block runs as one shell script: a refund, then the status view.
    while not lines[-1].startswith("curl -s http") or "/operations/status" not in lines[-1]:
        lines.append(process.stdout.readline())
    block = lines[lines.index(OPERATIONS_HEADING + "\n") + 1:]
    result = subprocess.run(["bash", "-c", "set -e\n" + "".join(block)], capture_output=True,
                            text=True, timeout=60)
    refund_answer, status_answer = (json.loads(line) for line in result.stdout.splitlines())
    assert refund_answer == {"outcome": "approved"}
    assert status_answer["status"] == "OK"
    payment = requests.get(
        f"{info['emulatorUrl']}/{info['projectKey']}/payments/{redeemed['paymentReference']}",
        auth=BearerAuth(info), timeout=5,
    ).json()
    assert [(t["type"], t["state"], t["amount"]["centAmount"]) for t in payment["transactions"]] == [
        ("Charge", "Success", 2000), ("Refund", "Success", 500)]


def test_demo_stops_cleanly_on_ctrl_c(demo):
    process, info = demo
    process.send_signal(signal.SIGINT)
    assert process.wait(15) == 0
    assert "demo stopped" in process.stdout.read()
    with pytest.raises(requests.ConnectionError):
        requests.get(info["processorUrl"] + "/healthz", timeout=2)
