"""Every hook of plugin.py, with the provider's API stubbed by `responses`, and the install."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
import requests
import responses
from click.testing import CliRunner
from example_api import CURRENCY
from giftcard_connect import (
    Cancellation,
    ConfigurationError,
    GiftCard,
    GiftCardError,
    HealthCheck,
    Money,
    ProviderContext,
    ProviderUnavailable,
    Redemption,
    VoidResult,
)
from giftcard_connect.cli import cli

from giftcard_connect_voucherify import plugin

BASE_URL = "https://api.voucherify.io".rstrip("/")
CARD = GiftCard("6001234567890123")


def sent(call) -> dict:
    return json.loads(call.request.body)


def test_hook_giftcard_provider_info():
    info = plugin.giftcard_provider_info(config={"BASE_URL": BASE_URL, "API_KEY": "k"})
    assert info.name == "voucherify"
    assert info.display_name == "Voucherify"
    assert info.currencies == ("EUR",)
    assert info.pin == "none"
    assert info.supports_partial_cancel is False


def test_hook_giftcard_provider_info_names_every_missing_setting():
    with pytest.raises(ConfigurationError) as caught:
        plugin.giftcard_provider_info(config={})
    assert "GIFTCARD_VOUCHERIFY_BASE_URL" in str(caught.value)
    assert "GIFTCARD_VOUCHERIFY_API_KEY" in str(caught.value)


@responses.activate
def test_hook_giftcard_balance(context):
    responses.post(f"{BASE_URL}/v1/balance-inquiries", json={"balance": 4200, "currency": CURRENCY})
    balance = plugin.giftcard_balance(card=CARD, context=context)
    assert (balance.amount, balance.state) == (Money(4200, CURRENCY), "Valid")
    request = responses.calls[0].request
    assert sent(responses.calls[0])["cardNumber"] == CARD.code
    assert request.headers["Authorization"] == "Bearer example-api-key"
    assert request.req_kwargs["timeout"] == context.timeout


@responses.activate
def test_hook_giftcard_balance_decline(context):
    responses.post(
        f"{BASE_URL}/v1/balance-inquiries", status=404,
        json={"error": {"code": "card_not_found", "message": "No such card."}},
    )
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_balance(card=CARD, context=context)
    assert caught.value.state == "NotFound"


@responses.activate
def test_hook_giftcard_redeem(context):
    responses.post(
        f"{BASE_URL}/v1/redemptions", status=201,
        json={"id": "rdm_1", "amount": 1500, "currency": CURRENCY, "merchantTransactionId": "p-1"},
    )
    result = plugin.giftcard_redeem(
        card=CARD, amount=Money(1500, CURRENCY), reference="p-1", context=context
    )
    assert result == Redemption("rdm_1", Money(1500, CURRENCY))
    assert responses.calls[0].request.headers["Idempotency-Key"] == "p-1"
    assert sent(responses.calls[0])["merchantTransactionId"] == "p-1"


@responses.activate
def test_hook_giftcard_redeem_unknown_outcome(context):
    responses.post(f"{BASE_URL}/v1/redemptions", body=requests.ReadTimeout("timed out"))
    with pytest.raises(ProviderUnavailable):
        plugin.giftcard_redeem(
            card=CARD, amount=Money(1500, CURRENCY), reference="p-1", context=context
        )


@responses.activate
def test_hook_giftcard_cancel(context):
    responses.post(
        f"{BASE_URL}/v1/redemptions/rdm_1/refunds", status=201,
        json={"id": "rfd_1", "redemptionId": "rdm_1", "amount": 1500, "currency": CURRENCY},
    )
    result = plugin.giftcard_cancel(
        redemption_id="rdm_1", amount=Money(1500, CURRENCY), reference="c-1", context=context
    )
    assert result == Cancellation("rfd_1", Money(1500, CURRENCY))
    assert responses.calls[0].request.headers["Idempotency-Key"] == "c-1"


@responses.activate
def test_hook_giftcard_cancel_refused(context):
    responses.post(
        f"{BASE_URL}/v1/redemptions/rdm_1/refunds", status=422,
        json={"error": {"code": "amount_exceeds_redemption", "message": "Too much."}},
    )
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_cancel(
            redemption_id="rdm_1", amount=Money(9999, CURRENCY), reference="c-1", context=context
        )
    assert caught.value.code == "AmountExceedsRedemption"


@responses.activate
def test_hook_giftcard_void(context):
    responses.post(
        f"{BASE_URL}/v1/voids",
        json={"merchantTransactionId": "p-1", "voided": True, "amount": 1500, "currency": CURRENCY},
    )
    result = plugin.giftcard_void(reference="p-1", context=context)
    assert result == VoidResult("p-1", True, Money(1500, CURRENCY))


@responses.activate
def test_hook_giftcard_health(context):
    responses.get(f"{BASE_URL}/v1/health", json={"status": "ok"})
    assert plugin.giftcard_health(context=context) == HealthCheck(
        "Voucherify API", "UP"
    )


@responses.activate
def test_hook_giftcard_health_down(context):
    responses.get(f"{BASE_URL}/v1/health", status=500, body="<html>down</html>")
    assert plugin.giftcard_health(context=context).status == "DOWN"


def test_hook_giftcard_health_down_when_unconfigured(http):
    context = ProviderContext(config={}, http=http, timeout=(1, 1), currency=CURRENCY)
    assert plugin.giftcard_health(context=context).status == "DOWN"


def test_hook_giftcard_enabler_directory():
    directory = Path(plugin.giftcard_enabler_directory())
    enabler = (directory / "enabler.js").read_text(encoding="utf-8")
    assert 'from "../enabler.js"' in enabler
    assert "export class Enabler extends BaseEnabler" in enabler


def test_plugin_entry_point_resolves():
    (entry_point,) = metadata.entry_points(group="giftcard_connect", name=plugin.NAME)
    assert entry_point.load() is plugin
    assert entry_point.dist.name == "giftcard-connect-voucherify"


def test_plugin_is_listed_by_giftcard_connect_plugins(monkeypatch):
    monkeypatch.setenv("GIFTCARD_PROVIDER", plugin.NAME)
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    (listed,) = [p for p in json.loads(result.output) if p["name"] == plugin.NAME]
    assert listed["active"] is True
    assert listed["distribution"] == "giftcard-connect-voucherify"
    assert "giftcard_enabler_directory" in listed["hooks"]
