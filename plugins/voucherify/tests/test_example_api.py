"""The plugin against the example API fake over loopback HTTP: the rules the fake keeps,
so that the conformance suite tests the plugin against an API that behaves."""

from __future__ import annotations

import pytest
from example_api import API_KEY, CURRENCY
from giftcard_connect import GiftCard, GiftCardError, Money, ProviderContext, VoidResult

from giftcard_connect_voucherify import plugin


@pytest.fixture
def live(example_api, http) -> ProviderContext:
    return ProviderContext(
        config={"BASE_URL": example_api.url, "API_KEY": API_KEY},
        http=http,
        timeout=(1.5, 4.0),
        currency=CURRENCY,
    )


def card_of(issued) -> GiftCard:
    return GiftCard(issued.number, issued.pin)


def redeem(context, card, cents, reference):
    return plugin.giftcard_redeem(
        card=card, amount=Money(cents, CURRENCY), reference=reference, context=context
    )


def test_redeem_is_idempotent_by_reference(example_api, live):
    card = card_of(example_api.state.issue_card(1000))
    first = redeem(live, card, 300, "p-1")
    assert redeem(live, card, 300, "p-1") == first
    assert example_api.state.balance_of(card.code) == 700


def test_a_reference_reused_for_another_amount_is_refused(example_api, live):
    card = card_of(example_api.state.issue_card(1000))
    redeem(live, card, 300, "p-1")
    with pytest.raises(GiftCardError) as caught:
        redeem(live, card, 400, "p-1")
    assert caught.value.code == "ReferenceConflict"
    assert example_api.state.balance_of(card.code) == 700


def test_void_gives_the_money_back_and_blocks_the_reference(example_api, live):
    card = card_of(example_api.state.issue_card(1000))
    redeem(live, card, 300, "p-1")
    voided = VoidResult("p-1", True, Money(300, CURRENCY))
    assert plugin.giftcard_void(reference="p-1", context=live) == voided
    assert plugin.giftcard_void(reference="p-1", context=live) == voided
    assert example_api.state.balance_of(card.code) == 1000
    with pytest.raises(GiftCardError) as caught:
        redeem(live, card, 300, "p-1")
    assert caught.value.code == "Voided"


def test_void_of_an_unknown_reference_succeeds_and_blocks_it(example_api, live):
    card = card_of(example_api.state.issue_card(1000))
    assert plugin.giftcard_void(reference="p-9", context=live) == VoidResult("p-9", False)
    with pytest.raises(GiftCardError):
        redeem(live, card, 100, "p-9")
    assert example_api.state.balance_of(card.code) == 1000


def test_a_cancel_gives_back_once_per_reference(example_api, live):
    card = card_of(example_api.state.issue_card(1000))
    redemption = redeem(live, card, 600, "p-1")
    for _ in range(2):
        plugin.giftcard_cancel(redemption_id=redemption.redemption_id,
                               amount=Money(600, CURRENCY), reference="c-1", context=live)
    assert example_api.state.balance_of(card.code) == 1000


def test_partial_cancel(example_api, live):
    card = card_of(example_api.state.issue_card(1000))
    redemption = redeem(live, card, 600, "p-1")
    # This provider gives back whole redemptions only (supports_partial_cancel is False).
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_cancel(redemption_id=redemption.redemption_id,
                               amount=Money(200, CURRENCY), reference="c-1", context=live)
    assert caught.value.code == "PartialCancelNotSupported"
    assert example_api.state.balance_of(card.code) == 400


def test_more_than_was_redeemed_is_never_given_back(example_api, live):
    card = card_of(example_api.state.issue_card(1000))
    redemption = redeem(live, card, 600, "p-1")
    with pytest.raises(GiftCardError) as caught:
        plugin.giftcard_cancel(redemption_id=redemption.redemption_id,
                               amount=Money(601, CURRENCY), reference="c-1", context=live)
    assert caught.value.code == "AmountExceedsRedemption"
    assert example_api.state.balance_of(card.code) == 400


@pytest.mark.parametrize(
    "issue, state",
    [
        ({"cents": 1000, "expired": True}, "Expired"),
        ({"cents": 1000, "blocked": True}, "Invalid"),
        ({"cents": 0}, "ZeroBalance"),
        ({"cents": 1000, "currency": "USD" if CURRENCY != "USD" else "EUR"}, "CurrencyNotMatch"),
    ],
)
def test_redeem_declines(example_api, live, issue, state):
    card = card_of(example_api.state.issue_card(**issue))
    with pytest.raises(GiftCardError) as caught:
        redeem(live, card, 100, "p-1")
    assert caught.value.state == state
