"""examples/storefront/README.md's "Run it locally", run as written: the emulator, the mock
provider, ``giftcard-connect serve`` and the shop as separate processes, on free ports."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ..test_cli import free_port
from .storefront import EXAMPLE

ROOT = EXAMPLE.parents[1]
DOC_PORTS = ("8090", "8081", "8080", "8000")  # emulator, mock provider, processor, shop


def readme_blocks() -> list[str]:
    section = (EXAMPLE / "README.md").read_text().split("## Run it locally", 1)[1]
    return re.findall(r"```sh\n(.*?)```", section.split("\n## ", 1)[0], re.DOTALL)


def wait_for(url: str, processes: list[subprocess.Popen], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                stop(processes)
                pytest.fail(f"{url} did not answer:\n" + "\n".join(
                    p.communicate(timeout=15)[0] for p in processes))
            time.sleep(0.2)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)


@pytest.fixture
def terminals():
    """The README's four terminals, each a process group; yields the URLs by role."""
    ports = {doc: str(free_port()) for doc in DOC_PORTS}
    blocks = readme_blocks()
    assert len(blocks) == 4, blocks
    for doc, port in ports.items():
        blocks = [b.replace(f":{doc}", f":{port}").replace(f"--port {doc}", f"--port {port}")
                  for b in blocks]
    settings = ("CTP_", "GIFTCARD_", "FLASK_", "PROCESSOR_URL", "PAYMENT_INTERFACE", "SHOP_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(settings)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    roles = ("emulator", "provider", "processor", "shop")
    urls = {role: f"http://127.0.0.1:{ports[doc]}"
            for role, doc in zip(roles, DOC_PORTS, strict=True)}
    processes: list[subprocess.Popen] = []

    def start(block: str) -> None:
        processes.append(subprocess.Popen(
            ["bash", "-c", block], cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))

    try:
        for block in blocks[:3]:
            start(block)
        wait_for(f"{urls['processor']}/healthz", processes)
        start(blocks[3])  # its first line registers the shop's client with the emulator
        wait_for(urls["shop"], processes)
        yield urls
    finally:
        stop(processes)
        outputs = [process.communicate(timeout=15)[0] for process in processes]
    assert "ready to serve" in outputs[2], outputs[2]
    assert re.search(r'"clientId": ?"shop"', outputs[3]), outputs[3]


def test_the_readme_runs_the_shop_and_its_session_pays_through_the_processor(terminals):
    shop, processor = terminals["shop"], terminals["processor"]
    page = requests.get(shop, timeout=5)
    assert page.status_code == 200
    assert f"script-src 'self' {processor};" in page.headers["Content-Security-Policy"]
    assert "shop-secret" not in page.text

    checkout = requests.post(f"{shop}/api/checkout-session", json={}, timeout=10)
    assert checkout.status_code == 201, checkout.text
    body = checkout.json()
    assert body["processorUrl"] == processor
    assert body["cart"]["stillToPay"]["centAmount"] == 6000
    assert "shop-secret" not in checkout.text

    # What the page's Enabler does, from the shop's origin; the processor allows it.
    enabler = requests.get(f"{processor}/enabler/enabler.js", headers={"Origin": shop}, timeout=5)
    assert enabler.headers["Access-Control-Allow-Origin"] == shop
    elsewhere = requests.get(f"{processor}/enabler/enabler.js", timeout=5,
                             headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in elsewhere.headers
    headers = {"X-Session-Id": body["sessionId"], "Origin": shop, "Idempotency-Key": "readme"}
    redeemed = requests.post(f"{processor}/redeem", headers=headers, timeout=10, json={
        "code": "Valid-10000-EUR", "redeemAmount": body["cart"]["stillToPay"]})
    assert redeemed.status_code == 200 and redeemed.json()["result"] == "Success", redeemed.text
    assert redeemed.headers["Access-Control-Allow-Origin"] == shop

    paid = requests.post(f"{shop}/api/checkout-session", timeout=10,
                         json={"cartId": body["cart"]["id"]})
    assert paid.status_code == 400
    assert paid.json()["message"] == "The cart is paid in full."
