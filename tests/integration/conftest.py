"""Money-safety fixtures: the books check, processor factories, a gunicorn processor."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import giftcard_connect_mock.plugin
import pytest
import requests
from giftcard_connect.app import create_app
from giftcard_connect.servers import BackgroundServer
from giftcard_connect_mock.books import assert_books_balance

from ..conftest import processor_config


@pytest.fixture
def books(merchant, mock_provider) -> Callable:
    """``books(initial_balances=None, allow_pending=False)``: assert the invariant now."""

    def check(initial_balances=None, *, allow_pending=False):
        return assert_books_balance(
            merchant, mock_provider.url, initial_balances, allow_pending=allow_pending
        )

    return check


@pytest.fixture
def config_for(emulator, mock_provider) -> Callable[..., dict]:
    """Processor config against the session's emulator and mock provider, with overrides."""

    def make(**overrides) -> dict:
        return processor_config(emulator.url, GIFTCARD_MOCK_URL=mock_provider.url, **overrides)

    return make


@pytest.fixture
def runtime_for(config_for):
    """``runtime_for(*observers)``: a processor runtime (mock provider) for ``reconcile``."""

    def make(*observers):
        plugins = {"mock": giftcard_connect_mock.plugin}
        plugins.update({f"observer-{i}": o for i, o in enumerate(observers)})
        return create_app(config_for(PLUGINS=plugins)).extensions["giftcard_connect"]

    return make


@pytest.fixture
def make_processor(config_for):
    """``make_processor(**overrides)`` → a running processor (BackgroundServer), stopped after."""
    servers: list[BackgroundServer] = []

    def make(**overrides) -> BackgroundServer:
        server = BackgroundServer(create_app(config_for(**overrides)), name="processor").start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def processor_env(config_for) -> dict[str, str]:
    """The environment of a processor (or reconcile) run as its own process."""
    config = config_for(GIFTCARD_PROVIDER_TIMEOUT="30", GIFTCARD_LOG_FORMAT="text")
    return {**os.environ, **{k: v for k, v in config.items() if isinstance(v, str)}}


class ProcessorProcess:
    """``giftcard-connect serve`` with gunicorn, in its own process group."""

    def __init__(self, env: dict[str, str], cwd, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "giftcard_connect.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    "1",
                ],
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail("processor did not start:\n" + self.log_path.read_text())
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the gunicorn master and its worker at once: a crash, not a shutdown."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(15)


@pytest.fixture
def processor_process(processor_env, tmp_path):
    """A gunicorn-served processor (provider timeout 30 s) that a test may kill -9."""
    server = ProcessorProcess(processor_env, tmp_path, tmp_path / "processor.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.kill()
