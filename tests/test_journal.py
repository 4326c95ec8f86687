"""The journal's rules for what a cart has paid and what a payment may still give back."""

import pytest

from giftcard_connect.journal import amount_paid, amount_still_to_pay, net_paid, refundable
from giftcard_connect.models import Money


def tx(kind, state, cents, currency="EUR"):
    return {"type": kind, "state": state, "amount": {"centAmount": cents, "currencyCode": currency}}


def payment(*transactions):
    return {"amountPlanned": {"centAmount": 99_999, "currencyCode": "EUR"},
            "transactions": list(transactions)}


CART = {"totalPrice": {"centAmount": 6000, "currencyCode": "EUR"},
        "taxedPrice": {"totalGross": {"centAmount": 6000, "currencyCode": "EUR"}}}


@pytest.mark.parametrize(
    "transactions, paid",
    [
        ([tx("Charge", "Success", 6000)], 6000),
        ([tx("Charge", "Pending", 6000)], 6000),  # may still succeed
        ([tx("Charge", "Failure", 6000)], 0),
        ([tx("Charge", "Initial", 6000)], 0),
        ([tx("Authorization", "Success", 2500)], 2500),
        ([tx("Charge", "Success", 6000), tx("Refund", "Success", 1)], 5999),
        ([tx("Charge", "Success", 6000), tx("Refund", "Pending", 2000)], 6000),  # may still fail
        ([tx("Charge", "Success", 6000), tx("Refund", "Failure", 2000)], 6000),
        ([tx("Authorization", "Success", 6000), tx("CancelAuthorization", "Success", 6000)], 0),
        ([tx("Charge", "Success", 6000), tx("Refund", "Success", 7000)], 0),  # never below zero
        ([tx("Charge", "Success", 6000, "USD")], 0),  # another currency pays nothing here
        ([tx("Charge", "Success", 3000), tx("Chargeback", "Success", 3000)], 3000),
    ],
)
def test_net_paid_counts_transactions_not_the_planned_amount(transactions, paid):
    assert net_paid(payment(*transactions), "EUR") == paid


def test_still_to_pay_is_the_total_minus_every_payment_net_and_never_negative():
    payments = [
        payment(tx("Charge", "Success", 6000), tx("Refund", "Success", 500)),
        payment(tx("Charge", "Failure", 6000)),
    ]
    assert amount_paid(CART, payments) == Money(5500, "EUR")
    assert amount_still_to_pay(CART, payments) == Money(500, "EUR")
    overpaid = payments + [payment(tx("Charge", "Success", 9000))]
    assert amount_paid(CART, overpaid) == Money(14_500, "EUR")
    assert amount_still_to_pay(CART, overpaid) == Money(0, "EUR")


@pytest.mark.parametrize(
    "transactions, left",
    [
        ([tx("Charge", "Success", 6000)], 6000),
        ([tx("Charge", "Success", 6000), tx("Refund", "Pending", 2000)], 4000),  # held back
        ([tx("Charge", "Success", 6000), tx("Refund", "Success", 2000)], 4000),
        ([tx("Charge", "Success", 6000), tx("Refund", "Failure", 2000)], 6000),
        ([tx("Charge", "Pending", 6000)], 0),
        ([tx("Charge", "Failure", 6000)], 0),
    ],
)
def test_refundable_holds_back_pending_refunds(transactions, left):
    assert refundable(payment(*transactions)) == left
