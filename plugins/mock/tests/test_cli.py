"""The ``giftcard-connect-mock`` command builds the service from its options."""

import pytest
from click.testing import CliRunner
from giftcard_connect_mock import cli


@pytest.fixture
def started(monkeypatch):
    calls = []

    class Recorded:
        def __init__(self, *args, **kwargs):
            calls.append((args, kwargs))

        def serve_forever(self):
            pass

    monkeypatch.setattr(cli, "KeepAliveServer", Recorded)
    return calls


def test_cli_starts_the_server_with_the_options(started):
    result = CliRunner().invoke(
        cli.main,
        [
            "--host",
            "0.0.0.0",
            "--port",
            "9000",
            "--api-key",
            "k",
            "--latency",
            "0.5",
            "--error-rate",
            "0.25",
        ],
    )
    assert result.exit_code == 0, result.output
    (app, host, port), kwargs = started[0]
    assert (host, port, kwargs) == ("0.0.0.0", 9000, {"name": "mock-provider"})
    assert app.config["API_KEY"] == "k"
    faults = app.extensions["mock_faults"].to_dict()
    assert (faults["latency"], faults["error_rate"]) == (0.5, 0.25)


def test_cli_defaults_to_loopback_8081_without_key(started, monkeypatch):
    monkeypatch.delenv("GIFTCARD_MOCK_API_KEY", raising=False)
    assert CliRunner().invoke(cli.main, []).exit_code == 0
    (app, host, port), _ = started[0]
    assert (host, port, app.config["API_KEY"]) == ("127.0.0.1", 8081, None)


def test_cli_rejects_an_error_rate_above_one(started):
    result = CliRunner().invoke(cli.main, ["--error-rate", "1.5"])
    assert result.exit_code == 2
    assert started == []
