"""The plugin's hooks against a real mock service on loopback, and its installation."""

from importlib import metadata

import pytest
from giftcard_connect import (
    ConfigurationError,
    GiftCard,
    GiftCardError,
    HealthCheck,
    Money,
    ProviderUnavailable,
    VoidResult,
)
from giftcard_connect.plugins import get_plugin_manager
from giftcard_connect.provider import Provider
from giftcard_connect_mock import plugin
from giftcard_connect_mock.faults import FaultSettings


def test_hook_giftcard_provider_info_defaults():
    info = plugin.giftcard_provider_info(config={"URL": "http://127.0.0.1:1"})
    assert info.name == "mock"
    assert info.currencies == ("EUR", "USD", "GBP", "CZK")
    assert info.pin == "optional"
    assert info.supports_partial_cancel is True


def test_hook_giftcard_provider_info_currencies_from_config():
    config = {"URL": "http://127.0.0.1:1", "CURRENCIES": "eur, CHF"}
    assert plugin.giftcard_provider_info(config=config).currencies == ("EUR", "CHF")


def test_hook_giftcard_provider_info_requires_url():
    with pytest.raises(ConfigurationError, match="GIFTCARD_MOCK_URL"):
        plugin.giftcard_provider_info(config={})


@pytest.mark.parametrize("url", ["127.0.0.1:8081", "ftp://mock.example", "http://", "http://h/?x=1"])
def test_hook_giftcard_provider_info_refuses_a_url_that_is_no_base_url(url):
    with pytest.raises(ConfigurationError, match="GIFTCARD_MOCK_URL must be an http"):
        plugin.giftcard_provider_info(config={"URL": url})


def test_hook_giftcard_balance(live, make_context):
    balance = plugin.giftcard_balance(
        card=GiftCard("Valid-1500-EUR"), context=make_context(live.url)
    )
    assert balance.amount == Money(1500, "EUR")
    assert balance.state == "Valid"


@pytest.mark.parametrize(
    "code, state",
    [
        ("Expired", "Expired"),
        ("NotFound", "NotFound"),
        ("Valid-0-EUR", "ZeroBalance"),
        ("Valid-100-USD", "CurrencyNotMatch"),
        ("Nonsense", "Invalid"),
        ("GenericError", "GenericError"),
    ],
)
def test_hook_giftcard_balance_declines(live, make_context, code, state):
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_balance(card=GiftCard(code), context=make_context(live.url))
    assert caught.value.state == state


def test_hook_giftcard_balance_pin_card(live, make_context):
    context = make_context(live.url)
    card = GiftCard("PIN-5000-EUR", "1234")
    assert plugin.giftcard_balance(card=card, context=context).amount == Money(5000, "EUR")
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_balance(card=GiftCard("PIN-5000-EUR", "1111"), context=context)
    assert (caught.value.state, caught.value.code) == ("Invalid", "InvalidPin")


def test_hook_giftcard_redeem_is_idempotent_by_reference(live, make_context):
    context = make_context(live.url)
    card = GiftCard("Valid-1000-EUR")
    first = plugin.giftcard_redeem(
        card=card, amount=Money(250, "EUR"), reference="p-1", context=context
    )
    again = plugin.giftcard_redeem(
        card=card, amount=Money(250, "EUR"), reference="p-1", context=context
    )
    assert first == again
    assert live.ledger.snapshot()["cards"]["Valid-1000-EUR"]["amount"]["centAmount"] == 750


def test_hook_giftcard_redeem_expired_on_redeem(live, make_context):
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_redeem(
            card=GiftCard("Valid-00900-EUR"),
            amount=Money(100, "EUR"),
            reference="p-2",
            context=make_context(live.url),
        )
    assert caught.value.state == "Expired"


def test_hook_giftcard_cancel_partial_then_over(live, make_context):
    context = make_context(live.url)
    redemption = plugin.giftcard_redeem(
        card=GiftCard("Valid-1000-EUR"), amount=Money(600, "EUR"), reference="p-3", context=context
    )
    cancellation = plugin.giftcard_cancel(
        redemption_id=redemption.redemption_id,
        amount=Money(200, "EUR"),
        reference="c-1",
        context=context,
    )
    assert cancellation.amount == Money(200, "EUR")
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_cancel(
            redemption_id=redemption.redemption_id,
            amount=Money(401, "EUR"),
            reference="c-2",
            context=context,
        )
    assert caught.value.code == "AmountExceedsRedemption"
    assert live.ledger.snapshot()["cards"]["Valid-1000-EUR"]["amount"]["centAmount"] == 600


def test_hook_giftcard_void(live, make_context):
    context = make_context(live.url)
    plugin.giftcard_redeem(
        card=GiftCard("Valid-1000-EUR"), amount=Money(600, "EUR"), reference="p-4", context=context
    )
    assert plugin.giftcard_void(reference="p-4", context=context) == VoidResult(
        "p-4", True, Money(600, "EUR")
    )
    assert plugin.giftcard_void(reference="none", context=context) == VoidResult("none", False)


def test_hook_giftcard_health(live, make_context):
    assert plugin.giftcard_health(context=make_context(live.url)) == HealthCheck(
        "mock provider API", "UP"
    )


def test_hook_giftcard_health_down_when_unreachable_or_unconfigured(live, make_context):
    live.faults.configure(FaultSettings(error_rate=1))
    assert plugin.giftcard_health(context=make_context(live.url)).status == "DOWN"
    assert plugin.giftcard_health(context=make_context(None)).status == "DOWN"


def test_hook_api_key_from_config(serve, make_context):
    server = serve({"API_KEY": "k-1"})
    assert plugin.giftcard_health(context=make_context(server.url, API_KEY="k-1")).status == "UP"
    assert plugin.giftcard_health(context=make_context(server.url)).status == "DOWN"
    with pytest.raises(ProviderUnavailable):
        plugin.giftcard_balance(
            card=GiftCard("Valid-1-EUR"), context=make_context(server.url, API_KEY="wrong")
        )


def test_hook_missing_url_names_the_variable(make_context):
    with pytest.raises(ConfigurationError, match="GIFTCARD_MOCK_URL"):
        plugin.giftcard_void(reference="r", context=make_context(None))


def test_plugin_entry_point_resolves():
    (entry_point,) = metadata.entry_points(group="giftcard_connect", name="mock")
    assert entry_point.load() is plugin
    assert entry_point.dist.name == "giftcard-connect-mock"


def test_plugin_manager_accepts_the_mock_provider(live, make_context):
    pm = get_plugin_manager("mock")
    assert pm.get_plugin("mock") is plugin
    record = next(r for r in pm.list_plugins() if r["name"] == "mock")
    assert (record["role"], record["version"]) == ("provider", "0.1.0")
    provider = Provider(pm, "mock", {"URL": live.url}, lambda: make_context(live.url))
    assert provider.info.name == "mock"
    assert provider.balance(GiftCard("Valid-700-EUR")).amount == Money(700, "EUR")
