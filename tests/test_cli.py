"""The command line: serve refuses bad settings and serves with gunicorn; emulator options."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from giftcard_connect.cli import cli
from giftcard_connect.testing.services import PROCESSOR_SCOPES as TEST_CLIENT_SCOPES

from .conftest import MERCHANT, processor_config


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


def test_serve_logs_one_json_access_line_per_request(tmp_path, emulator, mock_provider):
    port = free_port()
    env = {
        **os.environ,
        **{k: v for k, v in processor_config(emulator.url).items() if isinstance(v, str)},
        "GIFTCARD_MOCK_URL": mock_provider.url,
    }
    log_path = tmp_path / "stderr.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "giftcard_connect.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "1"],
            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
        response = requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5,
                                headers={"X-Correlation-ID": "corr-cli-1"})
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(15)
    lines = [line for line in log_path.read_text().splitlines() if "/openapi.json" in line]
    assert len(lines) == 1, lines  # ours only: gunicorn's access log is off
    entry = json.loads(lines[0])
    assert entry["logger"] == "giftcard_connect.requests"
    assert (entry["method"], entry["route"], entry["status"]) == ("GET", "/openapi.json", 200)
    assert entry["correlation_id"] == "corr-cli-1"


def test_emulator_rejects_bad_fault():
    result = CliRunner().invoke(cli, ["emulator", "--fault", '{"route": "*", "status": "x"}'])
    assert result.exit_code == 2
    assert "--fault" in result.output


def use_settings(monkeypatch, tmp_path, settings: dict) -> None:
    """Only these CTP_/GIFTCARD_ settings, in an empty working directory (no .env)."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("CTP_", "GIFTCARD_")) or name in ("PORT", "WEB_CONCURRENCY", "HOST"):
            monkeypatch.delenv(name)
    for name, value in settings.items():
        if isinstance(value, str):
            monkeypatch.setenv(name, value)


@pytest.mark.parametrize("name, value, message", [
    ("PORT", "http", "PORT must be a port number from 1 to 65535, got 'http'"),
    ("WEB_CONCURRENCY", "auto", "WEB_CONCURRENCY must be a whole number of at least 1, got 'auto'"),
    ("GIFTCARD_LOG_FORMAT", "xml", "GIFTCARD_LOG_FORMAT must be one of json, text, got 'xml'"),
])
def test_serve_names_a_malformed_setting(monkeypatch, tmp_path, emulator, mock_provider,
                                         name, value, message):
    use_settings(monkeypatch, tmp_path, processor_config(
        emulator.url, GIFTCARD_MOCK_URL=mock_provider.url, **{name: value}))
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


def test_serve_check_passes_with_a_client_holding_every_scope(monkeypatch, tmp_path, emulator,
                                                              mock_provider):
    use_settings(monkeypatch, tmp_path, processor_config(
        emulator.url, GIFTCARD_MOCK_URL=mock_provider.url,
        CTP_CLIENT_ID=MERCHANT[0], CTP_CLIENT_SECRET=MERCHANT[1]))
    result = CliRunner().invoke(cli, ["serve", "--check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "ok    commercetools token", "ok    commercetools scopes", "ok    commercetools API",
        "ok    provider mock"]
    assert lines[-1] == "ready to serve"


def test_serve_check_names_the_wrong_secret(monkeypatch, tmp_path, emulator, mock_provider):
    use_settings(monkeypatch, tmp_path, processor_config(
        emulator.url, GIFTCARD_MOCK_URL=mock_provider.url, CTP_CLIENT_SECRET="not-the-secret"))
    result = CliRunner().invoke(cli, ["serve", "--check"])
    assert result.exit_code == 1
    assert (f"FAIL  commercetools token: {emulator.url} refused the client 'processor' (HTTP 401): "
            "check CTP_CLIENT_ID and CTP_CLIENT_SECRET") in result.output
    assert "not-the-secret" not in result.output
    assert "commercetools scopes" not in result.output  # nothing more to learn without a token
    assert "ok    provider mock" in result.output
    assert result.output.endswith("Error: the processor is not ready to serve: see FAIL above\n")


def test_serve_check_lists_missing_scopes(monkeypatch, tmp_path, emulator, mock_provider):
    # The shared test client lacks view_api_clients and manage_checkout_payment_intents.
    use_settings(monkeypatch, tmp_path, processor_config(
        emulator.url, GIFTCARD_MOCK_URL=mock_provider.url))
    result = CliRunner().invoke(cli, ["serve", "--check"])
    assert result.exit_code == 1
    lacking = [f"{s}:test" for s in ("view_api_clients", "manage_checkout_payment_intents")]
    assert f"FAIL  commercetools scopes: the client lacks {' '.join(lacking)}" in result.output
    assert "view_sessions:test" not in result.output.split("lacks")[1].split("(")[0]
    assert set(TEST_CLIENT_SCOPES.split()) <= set(s.split(":")[0] for s in
                                                  result.output.split("all of ")[1].split())


def test_serve_check_names_an_unreachable_provider_and_api(monkeypatch, tmp_path, emulator):
    use_settings(monkeypatch, tmp_path, processor_config(
        emulator.url, GIFTCARD_MOCK_URL=f"http://127.0.0.1:{free_port()}",
        CTP_CLIENT_ID=MERCHANT[0], CTP_CLIENT_SECRET=MERCHANT[1],
        CTP_API_URL=f"http://127.0.0.1:{free_port()}", CTP_TIMEOUT="1"))
    result = CliRunner().invoke(cli, ["serve", "--check"])
    assert result.exit_code == 1
    assert "ok    commercetools token" in result.output
    assert "FAIL  commercetools API: http://127.0.0.1:" in result.output
    assert "could not be reached for project 'test' (CTP_API_URL, CTP_PROJECT_KEY)" in result.output
    assert "FAIL  provider mock: mock provider API is DOWN" in result.output


def test_serve_check_names_an_unreachable_auth_url(monkeypatch, tmp_path, mock_provider):
    auth_url = f"http://127.0.0.1:{free_port()}"
    use_settings(monkeypatch, tmp_path, processor_config(
        auth_url, GIFTCARD_MOCK_URL=mock_provider.url, CTP_TIMEOUT="1"))
    result = CliRunner().invoke(cli, ["serve", "--check"])
    assert result.exit_code == 1
    assert f"FAIL  commercetools token: {auth_url} could not be reached (CTP_AUTH_URL)" in result.output


def test_plugins_reads_the_provider_from_dotenv(monkeypatch, tmp_path):
    use_settings(monkeypatch, tmp_path, {})
    (tmp_path / ".env").write_text("GIFTCARD_PROVIDER=mock\n")
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0
    (mock,) = [p for p in json.loads(result.output) if p["name"] == "mock"]
    assert mock["active"] is True and mock["role"] == "provider"
    (tmp_path / ".env").write_text("GIFTCARD_PROVIDER=other\n")
    (mock,) = [p for p in json.loads(CliRunner().invoke(cli, ["plugins"]).output)
               if p["name"] == "mock"]
    assert mock["active"] is False
