"""Finding codes and PINs in log records, and what a plugin's test cards may be."""

import logging
import sys

import pytest
from giftcard_connect.testing import CardSample, ProviderUnderTest
from giftcard_connect.testing.logcheck import leaks


def record(message, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("acme", logging.DEBUG, "acme.py", 7, message, args, exc_info, "redeem")


def test_leaks_finds_a_code_and_a_pin_and_names_them_masked():
    card = CardSample("ACME-1111-2222", "482913")
    found = leaks([record("card %s", card.code), record("pin=%s", card.pin)], [card])
    assert found == [
        "the code ****2222 in a DEBUG record of logger 'acme' (logged in redeem, acme.py:7)",
        "the PIN of ****2222 in a DEBUG record of logger 'acme' (logged in redeem, acme.py:7)",
    ]


def test_leaks_reads_the_traceback_of_a_record():
    card = CardSample("ACME-1111-2222")
    try:
        raise ValueError(f"unknown card {card.code}")
    except ValueError:
        exc_info = sys.exc_info()
    assert leaks([record("redeem failed", exc_info=exc_info)], [card])


def test_leaks_matches_whole_words_only():
    card = CardSample("ACME-1", "1234")
    assert leaks([record("listening on 127.0.0.1:51234, ACME-12 redeemed")], [card]) == []
    assert len(leaks([record("pin 1234 for ACME-1.")], [card])) == 2


def test_leaks_does_not_search_for_codes_that_are_state_names():
    assert leaks([record("GiftCardError(state='NotFound')")], [CardSample("NotFound")]) == []


def test_card_sample_repr_masks_code_and_pin():
    assert repr(CardSample("ACME-1111-2222", "482913")) == "CardSample(****2222, pin=****)"


def test_provider_under_test_rejects_unknown_decline_states():
    with pytest.raises(ValueError, match="declined_cards has states that are no decline: Valid"):
        ProviderUnderTest(
            name="acme",
            currency="EUR",
            new_card=lambda cents: CardSample("x"),
            balance_at_provider=lambda card: 0,
            declined_cards={"Valid": CardSample("x")},
        )
