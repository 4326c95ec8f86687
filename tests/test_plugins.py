import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from giftcard_connect import hookimpl, hookspecs
from giftcard_connect.cli import cli
from giftcard_connect.errors import ConfigurationError
from giftcard_connect.plugins import get_plugin_manager


def test_plugin_manager_loads_installed_mock_provider():
    pm = get_plugin_manager("mock")
    assert pm.get_plugin("mock") is not None
    (record,) = [r for r in pm.list_plugins() if r["name"] == "mock"]
    assert record["distribution"] == "giftcard-connect-mock"
    assert record["version"]
    assert record["role"] == "provider"
    assert set(hookspecs.PROVIDER_HOOKS) <= set(record["hooks"])


def test_plugin_manager_unknown_provider_names_installed_ones():
    with pytest.raises(ConfigurationError, match=r"'nope' is not installed.*mock"):
        get_plugin_manager("nope")


def test_plugin_manager_requires_provider_choice():
    with pytest.raises(ConfigurationError, match="GIFTCARD_PROVIDER is not set.*mock"):
        get_plugin_manager("")


def test_plugin_manager_reports_missing_provider_hooks():
    class Half:
        @hookimpl
        def giftcard_balance(self, card, context):
            raise AssertionError

    with pytest.raises(ConfigurationError) as info:
        get_plugin_manager("half", {"half": Half()}, load_entrypoints=False)
    assert "giftcard_redeem" in str(info.value) and "giftcard_void" in str(info.value)
    assert "giftcard_balance" not in str(info.value)


def test_plugin_manager_rejects_misspelled_hook(fake_provider):
    class Typo:
        @hookimpl
        def giftcard_payment_recordd(self, payment, transaction):
            raise AssertionError

    with pytest.raises(Exception, match="giftcard_payment_recordd"):
        get_plugin_manager("fake", {"fake": fake_provider, "typo": Typo()}, load_entrypoints=False)


def test_plugin_manager_keeps_other_providers_inactive(fake_provider):
    pm = get_plugin_manager("fake", {"fake": fake_provider})
    roles = {r["name"]: r["role"] for r in pm.list_plugins()}
    assert roles["fake"] == "provider"
    assert roles["mock"] == "inactive provider"
    assert pm.get_plugin("mock") is None


def test_each_app_gets_its_own_manager(app, emulator, fake_provider):
    from giftcard_connect.app import create_app

    from .conftest import processor_config

    other = create_app(
        processor_config(emulator.url, GIFTCARD_PROVIDER="fake", PLUGINS={"fake": fake_provider},
                         LOAD_ENTRYPOINTS=False)
    )
    assert other.extensions["giftcard_connect_plugins"] is not app.extensions["giftcard_connect_plugins"]


def test_observer_failure_never_escapes(app, caplog):
    seen = []

    class Audit:
        @hookimpl
        def giftcard_payment_recorded(self, transaction):
            seen.append(transaction["id"])
            raise RuntimeError("audit sink down")

    class Second:
        @hookimpl
        def giftcard_payment_recorded(self, payment, transaction):
            seen.append(payment["id"])

    provider = app.extensions["giftcard_connect"].provider
    provider.pm.register(Audit(), name="audit")
    provider.pm.register(Second(), name="second")
    provider.payment_recorded({"id": "p1"}, {"id": "t1"})
    assert sorted(seen) == ["p1", "t1"]
    assert "audit failed" in caplog.text


def test_cli_plugins_lists_active_provider(monkeypatch):
    monkeypatch.setenv("GIFTCARD_PROVIDER", "mock")
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    plugins = json.loads(result.output)
    (mock,) = [p for p in plugins if p["name"] == "mock"]
    assert mock["active"] is True and mock["distribution"] == "giftcard-connect-mock"


def test_every_hook_is_documented_with_its_signature():
    docs = (Path(__file__).parent.parent / "docs" / "plugin-hooks.md").read_text()
    for name in dir(hookspecs):
        if name.startswith("giftcard_"):
            spec = getattr(hookspecs, name)
            args = ", ".join(spec.__code__.co_varnames[: spec.__code__.co_argcount])
            assert re.search(rf"`{name}\({re.escape(args)}\)`", docs), name
