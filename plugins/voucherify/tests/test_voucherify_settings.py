"""Settings: each one read and checked; a missing or malformed one stops the processor at
start, named; the Secret Key never in a repr or message."""

from __future__ import annotations

from datetime import timezone
from importlib import metadata

import pytest
import requests
from giftcard_connect import ConfigurationError, ProviderInfo
from giftcard_connect.app import create_app
from giftcard_connect.testing.services import processor_config
from giftcard_connect_voucherify import plugin
from giftcard_connect_voucherify.client import VoucherifyApi
from giftcard_connect_voucherify.settings import read_settings
from giftcard_connect_voucherify.transport import Transport

SECRET = "sk_live-very-secret-token"
CONFIG = {"APP_ID": "app-1", "APP_TOKEN": SECRET, "CURRENCIES": "EUR"}


def refused(**changes: str | None) -> str:
    config = {**CONFIG, **changes}
    with pytest.raises(ConfigurationError) as caught:
        plugin.giftcard_provider_info(config={k: v for k, v in config.items() if v is not None})
    message = str(caught.value)
    assert SECRET not in message
    return message


def test_provider_info_describes_voucherify():
    assert plugin.giftcard_provider_info(config=CONFIG) == ProviderInfo(
        name="voucherify", currencies=("EUR",), pin="none", supports_partial_cancel=False,
        display_name="Voucherify")


def test_currencies_are_upper_cased_and_listed_once():
    info = plugin.giftcard_provider_info(config={**CONFIG, "CURRENCIES": " eur, chf ,EUR"})
    assert info.currencies == ("EUR", "CHF")


@pytest.mark.parametrize("name", ["APP_ID", "APP_TOKEN", "CURRENCIES"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_setting_is_named(name, value):
    assert f"GIFTCARD_VOUCHERIFY_{name}" in refused(**{name: value})


def test_every_missing_setting_is_named_at_once():
    with pytest.raises(ConfigurationError) as caught:
        plugin.giftcard_provider_info(config={})
    for name in ("APP_ID", "APP_TOKEN", "CURRENCIES"):
        assert f"GIFTCARD_VOUCHERIFY_{name}" in str(caught.value)


def test_defaults_europe_utc_and_a_minute_of_health_cache():
    settings = read_settings(CONFIG)
    assert settings.base_url == "https://api.voucherify.io"
    assert settings.zone is timezone.utc and settings.health_ttl == 60.0


def test_region_time_zone_and_cache_are_settings():
    settings = read_settings({**CONFIG, "BASE_URL": "https://us1.api.voucherify.io/",
                              "TIMEZONE": "America/New_York", "HEALTH_TTL": "300"})
    assert settings.base_url == "https://us1.api.voucherify.io"
    assert str(settings.zone) == "America/New_York" and settings.health_ttl == 300.0


@pytest.mark.parametrize(
    "changes, variable",
    [
        ({"BASE_URL": "api.voucherify.io"}, "GIFTCARD_VOUCHERIFY_BASE_URL"),
        ({"BASE_URL": "ftp://api.voucherify.io"}, "GIFTCARD_VOUCHERIFY_BASE_URL"),
        ({"BASE_URL": "https://api.voucherify.io?x=1"}, "GIFTCARD_VOUCHERIFY_BASE_URL"),
        ({"CURRENCIES": "EURO"}, "GIFTCARD_VOUCHERIFY_CURRENCIES"),
        ({"CURRENCIES": ","}, "GIFTCARD_VOUCHERIFY_CURRENCIES"),
        ({"CURRENCIES": "EUR,JPY"}, "GIFTCARD_VOUCHERIFY_CURRENCIES"),
        ({"TIMEZONE": "Mars/Olympus"}, "GIFTCARD_VOUCHERIFY_TIMEZONE"),
        ({"HEALTH_TTL": "0"}, "GIFTCARD_VOUCHERIFY_HEALTH_TTL"),
        ({"HEALTH_TTL": "soon"}, "GIFTCARD_VOUCHERIFY_HEALTH_TTL"),
        ({"HEALTH_TTL": "nan"}, "GIFTCARD_VOUCHERIFY_HEALTH_TTL"),
    ],
)
def test_a_malformed_setting_is_named(changes, variable):
    assert variable in refused(**changes)


def test_the_secret_key_is_in_no_repr():
    settings = read_settings(CONFIG)
    with requests.Session() as http:
        api = VoucherifyApi(settings, http=http, timeout=(1, 1))
        transport = Transport(settings, http=http, timeout=(1, 1))
        for shown in (repr(settings), str(settings), repr(api), repr(transport)):
            assert SECRET not in shown


@pytest.mark.parametrize("missing", ["APP_ID", "APP_TOKEN", "CURRENCIES"])
def test_the_processor_refuses_to_start_naming_the_variable(missing):
    settings = {f"GIFTCARD_VOUCHERIFY_{name}": value for name, value in CONFIG.items()
                if name != missing}
    with pytest.raises(ConfigurationError) as caught:
        create_app(processor_config("http://127.0.0.1:9", "voucherify", **settings))
    assert f"GIFTCARD_VOUCHERIFY_{missing}" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_the_processor_refuses_a_currency_the_project_does_not_hold():
    settings = {f"GIFTCARD_VOUCHERIFY_{name}": value for name, value in CONFIG.items()}
    with pytest.raises(ConfigurationError) as caught:
        create_app(processor_config("http://127.0.0.1:9", "voucherify", GIFTCARD_CURRENCY="USD",
                                    **settings))
    assert "does not support USD" in str(caught.value)


def test_the_entry_point_is_installed_as_giftcard_connect_voucherify():
    (entry_point,) = metadata.entry_points(group="giftcard_connect", name="voucherify")
    assert entry_point.load() is plugin
    assert entry_point.dist.name == "giftcard-connect-voucherify"
