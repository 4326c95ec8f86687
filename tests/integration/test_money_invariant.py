"""The books check itself: it passes on consistent books and fails on every kind of drift."""

import copy
import uuid

import pytest
from giftcard_connect_mock.books import book_problems

from .flows import mock_redeem_directly, pending_charge_payment


def money(cents):
    return {"centAmount": cents, "currencyCode": "EUR"}


def redemption(reference, code="CARD-A", cents=3000, cancelled=0, voided=False):
    return {
        "id": f"rdm_{reference}",
        "reference": reference,
        "code": code,
        "amount": money(cents),
        "cancelled": money(cancelled),
        "voided": voided,
    }


def payment(reference, cents=3000, state="Success", *extra):
    return {
        "id": f"pay_{reference}",
        "paymentMethodInfo": {"method": "giftcard", "paymentInterface": "mock"},
        "amountPlanned": money(cents),
        "transactions": [
            {
                "id": f"tx_{reference}",
                "type": "Charge",
                "amount": money(cents),
                "state": state,
                "interactionId": reference,
            },
            *extra,
        ],
    }


def void_refund(reference, cents=3000, state="Success"):
    return {
        "id": f"rf_{reference}",
        "type": "Refund",
        "amount": money(cents),
        "state": state,
        "interactionId": f"{reference}:void",
    }


@pytest.fixture
def consistent():
    """Card A: 3000 charged and kept, 2000 voided; card B: 1000 charged, refunded after a void."""
    ledger = {
        "cards": {"CARD-A": {"amount": money(5000)}, "CARD-B": {"amount": money(4000)}},
        "redemptions": [
            redemption("r1", cents=3000),
            redemption("r2", cents=2000, voided=True),
            redemption("r3", code="CARD-B", cents=1000, voided=True),
        ],
    }
    payments = [
        payment("r1", 3000),
        payment("r2", 2000, "Failure"),
        payment("r3", 1000, "Success", void_refund("r3", 1000)),
        {
            "id": "other",
            "paymentMethodInfo": {"method": "creditCard"},
            "amountPlanned": money(1),
            "transactions": [{"id": "x", "type": "Charge", "amount": money(1), "state": "Success"}],
        },
    ]
    return ledger, payments, {"CARD-A": 8000, "CARD-B": 4000}


def test_consistent_books_pass(consistent):
    assert book_problems(*consistent) == []


def mutate(consistent, change):
    ledger, payments, initial = copy.deepcopy(consistent)
    change(ledger, payments, initial)
    return book_problems(ledger, payments, initial)


@pytest.mark.parametrize(
    "change, expected",
    [
        # A redemption the journal never heard of: money taken without a Success.
        (lambda led, p, i: led["redemptions"].append(redemption("lost", cents=500)), "provider holds"),
        # The charge says Success but the provider voided it: a double refund in waiting.
        (lambda led, p, i: led["redemptions"][0].update(voided=True), "provider holds"),
        # A Success charge recorded twice for one redemption.
        (lambda led, p, i: p.append(payment("r1", 3000) | {"id": "dup"}), "reference r1"),
        # The void Refund missing after a Success charge was voided.
        (lambda led, p, i: p[2]["transactions"].pop(), "provider holds"),
        # A Success charge with no provider redemption at all.
        (lambda led, p, i: p.append(payment("ghost", 700)), "no provider redemption"),
        # A balance that moved without any redemption.
        (lambda led, p, i: led["cards"]["CARD-B"].update(amount=money(3999)), "balance 3999"),
        # A charge left Pending.
        (lambda led, p, i: p.append(payment("r9", 100, "Pending")), "Pending"),
        # A card whose starting balance nobody knows.
        (lambda led, p, i: i.pop("CARD-A"), "initial balance unknown"),
        # Partially cancelled but commercetools still says everything was kept.
        (lambda led, p, i: led["redemptions"][0].update(cancelled=money(1000)), "provider holds 2000"),
    ],
)
def test_inconsistent_books_fail(consistent, change, expected):
    problems = mutate(consistent, change)
    assert problems and any(expected in problem for problem in problems), problems


def test_pending_is_tolerated_only_when_asked(consistent):
    ledger, payments, initial = consistent
    payments = [*payments, payment("r9", 100, "Pending")]
    assert book_problems(ledger, payments, initial, allow_pending=True) == []
    assert book_problems(ledger, payments, initial)


def test_magic_and_seeded_cards_know_their_initial_balance():
    ledger = {
        "cards": {
            "Valid-5000-EUR": {"amount": money(2000)},
            "PIN-5000-EUR": {"amount": money(5000)},
        },
        "redemptions": [redemption("r1", code="Valid-5000-EUR", cents=3000)],
    }
    assert book_problems(ledger, [payment("r1", 3000)]) == []
    assert book_problems(ledger, [payment("r1", 2999)])


def test_live_check_catches_an_unrecorded_redemption(merchant, mock_provider, books):
    """Against the real services: a provider redemption without a Success charge fails the check."""
    reference = str(uuid.uuid4())
    mock_redeem_directly(mock_provider.url, "Valid-5000-EUR", 1200, reference)
    with pytest.raises(AssertionError, match="provider holds 1200 but commercetools records 0"):
        books()
    pending_charge_payment(merchant, reference, 1200)
    with pytest.raises(AssertionError, match="Pending"):
        books()
    with pytest.raises(AssertionError, match="provider holds 1200"):
        books(allow_pending=True)
