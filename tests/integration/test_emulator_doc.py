"""docs/emulator.md's "Pay a cart with curl", run as written: the emulator, the mock
provider and ``giftcard-connect serve`` as separate processes, then the curl block."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from giftcard_connect.demo.banner import JSON_FIELD

DOC = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"
DOC_PORTS = ("8090", "8081", "8080")  # emulator, mock provider, processor


def free_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


def doc_blocks() -> list[str]:
    section = DOC.read_text().split("## Pay a cart with curl", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


@pytest.fixture
def terminals(tmp_path):
    """The doc's three terminals, on free ports, in a clean environment; yields the blocks
    with the ports replaced and the processor's URL."""
    ports = {doc: free_port() for doc in DOC_PORTS}
    blocks = doc_blocks()
    for doc, port in ports.items():
        blocks = [block.replace(f":{doc}", f":{port}").replace(f"--port {doc}", f"--port {port}")
                  for block in blocks]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTP_", "GIFTCARD_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    processes = [
        subprocess.Popen(["bash", "-c", block], cwd=tmp_path, env=env, start_new_session=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for block in blocks[:3]
    ]
    processor = f"http://127.0.0.1:{ports['8080']}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{processor}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    for process in processes:
                        os.killpg(process.pid, signal.SIGTERM)
                    pytest.fail("the doc's terminals did not start:\n" + "\n".join(
                        process.communicate(timeout=15)[0] for process in processes))
                time.sleep(0.2)
        yield blocks, env, ports
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        outputs = [process.communicate(timeout=15)[0] for process in processes]
    assert "ready to serve" in outputs[2], outputs[2]
    assert re.search(r"emulator +POST /oauth/token 200 \(\d+ ms\)", outputs[0]), outputs[0]
    assert "\x1b[" not in outputs[0]


def test_the_doc_pays_a_cart_with_curl_alone(terminals, tmp_path):
    blocks, env, ports = terminals
    run = subprocess.run(["bash", "-c", "set -e\n" + blocks[3]], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path, env=env)
    assert run.returncode == 0 and not run.stderr, run
    balance, redeemed, payment_info = run.stdout.strip().splitlines()
    assert json.loads(balance) == {"status": {"state": "Valid"},
                                   "amount": {"centAmount": 9000, "currencyCode": "EUR"}}
    redeemed = json.loads(redeemed)
    assert redeemed["result"] == "Success"
    assert json.loads(payment_info) == {
        "payments": [{"typeId": "payment", "id": redeemed["paymentReference"]}]}
    emulator = f"http://127.0.0.1:{ports['8090']}"
    token = requests.post(f"{emulator}/oauth/token", auth=("admin", "admin-secret"),
                          data={"grant_type": "client_credentials"}, timeout=5).json()
    payment = requests.get(f"{emulator}/demo/payments/{redeemed['paymentReference']}", timeout=5,
                           headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert [(t["type"], t["state"], t["amount"]["centAmount"]) for t in payment["transactions"]] == [
        ("Charge", "Success", 3000)]
    assert payment["paymentMethodInfo"]["paymentInterface"] == "mock"


def test_the_doc_and_the_demo_share_one_json_reader():
    assert JSON_FIELD in doc_blocks()[3]
