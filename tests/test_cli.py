"""The command line: serve refuses bad settings and serves with gunicorn; emulator options."""

import os
import socket
import subprocess
import sys
import time

import requests
from click.testing import CliRunner

from giftcard_connect.cli import cli

from .conftest import processor_config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_refuses_missing_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("CTP_", "GIFTCARD_")):
            monkeypatch.delenv(name)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "CTP_PROJECT_KEY" in result.output and "GIFTCARD_PROVIDER" in result.output


def test_serve_refuses_unknown_provider(monkeypatch, tmp_path, emulator):
    monkeypatch.chdir(tmp_path)
    config = processor_config(emulator.url, GIFTCARD_PROVIDER="acme")
    for name, value in config.items():
        if isinstance(value, str):
            monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "'acme' is not installed" in result.output and "mock" in result.output


def test_serve_runs_gunicorn(tmp_path, emulator, mock_provider):
    port = free_port()
    env = {
        **os.environ,
        **{k: v for k, v in processor_config(emulator.url).items() if isinstance(v, str)},
        "GIFTCARD_MOCK_URL": mock_provider.url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "giftcard_connect.cli", "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
                time.sleep(0.2)
        assert response.json() == {"status": "ok"}
        assert response.headers["X-Correlation-ID"]
    finally:
        process.terminate()
        process.wait(15)
        process.stderr.close()


def test_emulator_rejects_bad_fault():
    result = CliRunner().invoke(cli, ["emulator", "--fault", '{"route": "*", "status": "x"}'])
    assert result.exit_code == 2
    assert "--fault" in result.output
