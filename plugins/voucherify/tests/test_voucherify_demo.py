"""``giftcard-connect demo --provider voucherify`` against the fake, and the fake's own
command, as README.md ("Try it without an account") says to run them."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
import voucherify_fixtures as fx
from giftcard_connect_voucherify.fake import APP_ID, APP_TOKEN
from giftcard_connect_voucherify.fake.__main__ import main as fake_main


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("GIFTCARD_", "CTP_"))}


def wait_for(path, process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(process.communicate(timeout=10)[0])
        time.sleep(0.1)


def test_the_demo_pays_with_a_voucherify_card(tmp_path, voucherify):
    code = fx.random_code("VF-DEMO")
    voucherify.state.issue(3000, code=code)
    (tmp_path / ".env").write_text(
        "".join(f"{name}={value}\n" for name, value in voucherify.settings().items()))
    info_file = tmp_path / "demo.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "giftcard_connect.cli", "demo", "--provider", "voucherify",
         "--info-file", str(info_file)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
        env=clean_environment(),
    )
    try:
        wait_for(info_file, process)
        info = json.loads(info_file.read_text())
        assert info["provider"] == "voucherify"
        session = {"X-Session-Id": info["walkthrough"]["sessionId"]}
        processor = info["processorUrl"]
        config = requests.get(f"{processor}/operations/config", headers=session, timeout=5)
        assert (config.json()["provider"], config.json()["pin"]) == ("voucherify", "none")
        balance = requests.post(f"{processor}/balance", headers=session, timeout=10,
                                json={"code": code})
        assert balance.json()["amount"] == {"centAmount": 3000, "currencyCode": "EUR"}
        redeem = requests.post(f"{processor}/redeem", headers=session, timeout=10, json={
            "code": code, "redeemAmount": {"centAmount": 1000, "currencyCode": "EUR"}})
        assert redeem.json()["result"] == "Success", redeem.text
        assert voucherify.state.balance_of(code) == 2000
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0]
    assert code not in output and APP_TOKEN in (tmp_path / ".env").read_text()


# `python -m giftcard_connect_voucherify.fake` as a terminal starts it, Ctrl-C included:
# a test run started with SIGINT ignored (a background job of a non-interactive shell
# is) would pass the ignoring on, and Python then never turns Ctrl-C into an interrupt.
FAKE_FROM_A_TERMINAL = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'giftcard_connect_voucherify.fake'; "
    "runpy.run_module('giftcard_connect_voucherify.fake', run_name='__main__', alter_sys=True)"
)


def test_the_fake_command_prints_its_settings_and_cards():
    process = subprocess.Popen(
        [sys.executable, "-c", FAKE_FROM_A_TERMINAL, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=clean_environment(),
    )
    try:
        lines = [process.stdout.readline() for _ in range(8)]
        settings = dict(line.strip().split("=", 1) for line in lines if "=" in line)
        url = settings["GIFTCARD_VOUCHERIFY_BASE_URL"]
        assert settings["GIFTCARD_VOUCHERIFY_APP_ID"] == APP_ID
        assert settings["GIFTCARD_VOUCHERIFY_APP_TOKEN"] == APP_TOKEN
        assert settings["GIFTCARD_VOUCHERIFY_CURRENCIES"] == "EUR"
        voucher = requests.get(f"{url}/v1/vouchers/VF-DEMO-5000", timeout=5,
                               headers={"X-App-Id": APP_ID, "X-App-Token": APP_TOKEN})
        assert voucher.json()["gift"]["balance"] == 5000
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=15)[0]
    assert process.returncode == 0 and "Voucherify fake stopped" in output


class InterruptedOutput(io.StringIO):
    """The fake's standard output; Ctrl-C arrives once, while ``interrupt_at`` is written."""

    def __init__(self, interrupt_at: str):
        super().__init__()
        self.interrupt_at = interrupt_at

    def write(self, text: str) -> int:
        if self.interrupt_at and self.interrupt_at in text:
            self.interrupt_at = ""
            raise KeyboardInterrupt
        return super().write(text)


def test_ctrl_c_while_the_fake_still_prints_its_cards_stops_it_cleanly():
    output = InterruptedOutput(interrupt_at="VF-DEMO-2500")
    with contextlib.redirect_stdout(output):
        try:
            fake_main(["--port", "0"])
        except KeyboardInterrupt:
            pytest.fail("Ctrl-C escaped the fake: it ended with a traceback")
    assert output.getvalue().endswith("Voucherify fake stopped\n")
    assert "VF-DEMO-5000" in output.getvalue() and "VF-DEMO-EMPTY" not in output.getvalue()


def test_ctrl_c_landing_on_the_server_thread_still_stops_the_fake():
    """A process-wide signal may be delivered to any thread; Python runs its handler only
    when the main thread wakes up, so the fake's main thread must not sleep untimed."""
    output = io.StringIO()
    fallback = threading.Event()  # ends the wait if Ctrl-C is lost, so the test cannot hang
    returned = threading.Event()
    problems = []

    def interrupt_on_the_server_thread():
        try:
            deadline = time.monotonic() + 30
            while "VF-DEMO-EMPTY" not in output.getvalue() and time.monotonic() < deadline:
                time.sleep(0.01)
            servers = [t for t in threading.enumerate() if t.name == "voucherify-fake"]
            signal.pthread_kill(servers[0].ident, signal.SIGINT)
            if not returned.wait(10):
                problems.append("Ctrl-C was lost: the fake stopped only when told to")
        except (IndexError, OSError) as exc:  # reported by the test below, never a hang
            problems.append(repr(exc))
        finally:
            fallback.set()

    interrupter = threading.Thread(target=interrupt_on_the_server_thread)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a new process
    try:
        interrupter.start()
        with contextlib.redirect_stdout(output):
            fake_main(["--port", "0"], stop=fallback)
        returned.set()
        interrupter.join()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert problems == []
    assert output.getvalue().endswith("Voucherify fake stopped\n")
