"""POST /redeem over loopback HTTP: what is charged, what is recorded, and that it is once.

Every test ends with the books check (``books``): provider ledger and commercetools agree.
"""


import pytest
import requests
from giftcard_connect.journal import payment_key
from giftcard_connect_mock.books import fetch_ledger, initial_balance

from .flows import (
    balance_of,
    charge_of,
    giftcard_payments,
    mock_faults,
    redeem,
    redemptions,
    run_concurrently,
    seed_card,
)

# --- success -------------------------------------------------------------------------


def test_success_records_one_success_charge_on_the_cart(
    processor, checkout, merchant, mock_provider, books
):
    cart = checkout.cart(10_000)
    response = redeem(processor.url, checkout.session(cart), "Valid-5000-EUR", 3000)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"] == "Success"
    payment_id, redemption_id = body["paymentReference"], body["redemptionId"]
    assert payment_id and redemption_id

    cart = merchant.get_cart(cart["id"])
    assert [ref["id"] for ref in cart["paymentInfo"]["payments"]] == [payment_id]

    payment = merchant.get_payment(payment_id)
    assert len(payment["transactions"]) == 1
    charge = charge_of(payment)
    assert charge["state"] == "Success"
    assert charge["amount"]["centAmount"] == 3000 and charge["amount"]["currencyCode"] == "EUR"
    assert payment["amountPlanned"]["centAmount"] == 3000
    assert payment["interfaceId"] == redemption_id
    assert payment["paymentMethodInfo"]["method"] == "giftcard"
    assert payment["paymentMethodInfo"]["paymentInterface"] == "mock"
    assert payment["anonymousId"] == cart["anonymousId"] == "shopper-1"

    [redemption] = redemptions(mock_provider.url)
    assert redemption["reference"] == charge["interactionId"]
    assert redemption["id"] == redemption_id
    assert redemption["amount"] == {"centAmount": 3000, "currencyCode": "EUR"}
    assert not redemption["voided"]
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000
    assert [p["id"] for p in giftcard_payments(merchant)] == [payment_id]
    books()


# --- declines ------------------------------------------------------------------------

DECLINES = [
    # code, pin, state recorded (NotFound is answered as Invalid, like a wrong PIN)
    ("Expired", None, "Expired"),
    ("NotFound", None, "NotFound"),
    ("Valid-005000-EUR", None, "Expired"),  # balance passes, redeem is Expired
    ("Valid-0-EUR", None, "ZeroBalance"),
    ("Something-Else", None, "Invalid"),
    ("PIN-5000-EUR", "0000", "Invalid"),
    ("PIN-5000-EUR", None, "Invalid"),
    ("Valid-1000-EUR", None, "Invalid"),  # insufficient balance for 3000
    ("Valid-5000-USD", None, "CurrencyNotMatch"),  # the card's currency is not the cart's
]


@pytest.mark.parametrize("code, pin, state", DECLINES)
def test_decline_records_failure_and_moves_no_money(
    processor, checkout, merchant, mock_provider, books, code, pin, state
):
    """Every decline is a definite answer: 200 ``result: "Failure"``, whatever the state."""
    cart = checkout.cart(10_000)
    response = redeem(processor.url, checkout.session(cart), code, 3000, pin=pin)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["result"] == "Failure"
    assert body["status"]["state"] == ("Invalid" if state == "NotFound" else state)
    [payment] = giftcard_payments(merchant)
    assert body["paymentReference"] == payment["id"]
    assert charge_of(payment)["state"] == "Failure"
    assert payment["paymentStatus"]["interfaceCode"] == state
    assert "interfaceId" not in payment

    ledger = fetch_ledger(mock_provider.url)
    assert ledger["redemptions"] == []
    card = ledger["cards"].get(code)
    if card is not None:  # the provider knows the card: its balance did not move
        assert card["amount"]["centAmount"] == initial_balance(code, {})
    books()


def test_provider_error_on_redeem_is_voided_and_recorded_as_failure(
    processor, checkout, merchant, mock_provider, books
):
    """``GenericError`` answers 500: outcome unknown, so the framework voids by reference."""
    response = redeem(processor.url, checkout.session(), "GenericError", 3000)

    assert response.status_code == 200, response.text  # voided: nothing was charged
    assert response.json()["result"] == "Failure"
    assert response.json()["status"]["state"] == "GenericError"
    assert response.json()["status"]["errors"][0]["code"] == "ProviderUnavailable"
    [payment] = giftcard_payments(merchant)
    assert charge_of(payment)["state"] == "Failure"
    ledger = fetch_ledger(mock_provider.url)
    assert ledger["redemptions"] == []
    assert [v["reference"] for v in ledger["voids"]] == [charge_of(payment)["interactionId"]]
    books()


@pytest.mark.parametrize(
    "body_change, headers, code",
    [
        ({"redeemAmount": {"centAmount": 3000, "currencyCode": "USD"}}, {}, "InvalidField"),
        ({"redeemAmount": {"centAmount": 0, "currencyCode": "EUR"}}, {}, "InvalidField"),
        ({"redeemAmount": {"centAmount": -100, "currencyCode": "EUR"}}, {}, "InvalidField"),
        ({"redeemAmount": {"centAmount": 30.5, "currencyCode": "EUR"}}, {}, "InvalidField"),
        ({"redeemAmount": {"centAmount": "3000", "currencyCode": "EUR"}}, {}, "InvalidField"),
        ({"redeemAmount": None}, {}, "RequiredField"),
        ({"code": None}, {}, "RequiredField"),
        ({"code": ""}, {}, "InvalidField"),
        ({"redeemAmount": {"centAmount": 10_001, "currencyCode": "EUR"}}, {}, "InvalidOperation"),
        ({}, {"Idempotency-Key": "has space"}, "InvalidField"),
        ({}, {"Idempotency-Key": "k" * 256}, "InvalidField"),
    ],
)
def test_invalid_request_writes_nothing(
    processor, checkout, merchant, mock_provider, books, body_change, headers, code
):
    body = {"code": "Valid-5000-EUR", "redeemAmount": {"centAmount": 3000, "currencyCode": "EUR"}}
    body.update(body_change)
    body = {k: v for k, v in body.items() if v is not None}
    session = checkout.session(checkout.cart(10_000))
    response = requests.post(
        f"{processor.url}/redeem",
        json=body,
        headers={"X-Session-Id": session, **headers},
        timeout=10,
    )

    assert response.status_code == 400, response.text
    error = response.json()
    assert error["statusCode"] == 400 and error["message"]
    assert error["errors"][0]["code"] == code
    assert giftcard_payments(merchant) == []
    assert fetch_ledger(mock_provider.url)["cards"].get("Valid-5000-EUR") is None  # never asked
    books()


def test_cart_in_another_currency_writes_nothing(
    processor, checkout, merchant, mock_provider, books
):
    session = checkout.session(checkout.cart(10_000, currency="USD"))
    response = redeem(processor.url, session, "Valid-5000-USD", 3000, currency="USD")

    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["code"] == "InvalidField"
    assert giftcard_payments(merchant) == []
    assert fetch_ledger(mock_provider.url)["redemptions"] == []
    books()


# --- idempotency ---------------------------------------------------------------------


def test_same_key_twice_charges_once(processor, checkout, merchant, mock_provider, books):
    cart = checkout.cart(10_000)
    session = checkout.session(cart)
    first = redeem(processor.url, session, "Valid-5000-EUR", 3000, key="order-1")
    second = redeem(processor.url, session, "Valid-5000-EUR", 3000, key="order-1")

    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.json() == second.json()
    assert len(redemptions(mock_provider.url)) == 1
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000
    [payment] = giftcard_payments(merchant)
    assert payment["key"] == payment_key(cart["id"], "order-1")
    assert payment["id"] == first.json()["paymentReference"]
    assert len(merchant.get_cart(cart["id"])["paymentInfo"]["payments"]) == 1
    books()


def test_same_key_replays_a_decline_without_asking_again(
    processor, checkout, merchant, mock_provider, books
):
    session = checkout.session()
    first = redeem(processor.url, session, "Expired", 3000, key="order-1")
    second = redeem(processor.url, session, "Expired", 3000, key="order-1")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["result"] == "Failure"
    assert first.json()["status"]["state"] == "Expired"
    assert len(giftcard_payments(merchant)) == 1
    books()


def test_same_key_concurrently_charges_once(processor, checkout, merchant, mock_provider, books):
    cart = checkout.cart(10_000)
    session = checkout.session(cart)
    mock_faults(mock_provider.url, latency=0.3)  # the first redeem stays Pending for a while

    results = run_concurrently(
        20, lambda i: redeem(processor.url, session, "Valid-5000-EUR", 3000, key="order-1")
    )

    assert all(not isinstance(r, Exception) for r in results), results
    successes = [r for r in results if r.status_code == 200]
    in_progress = [r for r in results if r.status_code == 409]
    assert len(successes) + len(in_progress) == 20, [(r.status_code, r.text) for r in results]
    assert successes, "the redeem that created the payment must answer its Success"
    assert {r.json()["result"] for r in successes} == {"Success"}
    assert len({r.json()["paymentReference"] for r in successes}) == 1
    for response in in_progress:
        assert response.json()["errors"][0]["code"] == "RedeemInProgress"
        assert response.headers["Retry-After"] == "1"

    mock_faults(mock_provider.url)
    final = redeem(processor.url, session, "Valid-5000-EUR", 3000, key="order-1")
    assert final.status_code == 200 and final.json() == successes[0].json()
    assert len(redemptions(mock_provider.url)) == 1
    keyed = [
        p for p in giftcard_payments(merchant) if p.get("key") == payment_key(cart["id"], "order-1")
    ]
    assert len(keyed) == 1 and len(giftcard_payments(merchant)) == 1
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 2000
    books()


def test_same_key_other_amount_is_refused(processor, checkout, merchant, mock_provider, books):
    session = checkout.session()
    assert redeem(processor.url, session, "Valid-5000-EUR", 3000, key="order-1").status_code == 200
    response = redeem(processor.url, session, "Valid-5000-EUR", 2000, key="order-1")

    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["code"] == "InvalidOperation"
    assert len(redemptions(mock_provider.url)) == 1
    assert len(giftcard_payments(merchant)) == 1
    books()


# --- several cards, one cart -----------------------------------------------------------


def test_two_cards_split_a_cart_and_nothing_more_fits(
    processor, checkout, merchant, mock_provider, books
):
    cart = checkout.cart(10_000)
    session = checkout.session(cart)
    first = redeem(processor.url, session, "Valid-6000-EUR", 6000)
    second = redeem(processor.url, session, "Valid-4000-EUR", 4000)
    assert first.json()["result"] == second.json()["result"] == "Success", (first.text, second.text)

    ledger_before = fetch_ledger(mock_provider.url)
    payments_before = giftcard_payments(merchant)
    extra = redeem(processor.url, session, "Valid-5000-EUR", 1)

    assert extra.status_code == 400, extra.text
    assert extra.json()["errors"][0]["code"] == "InvalidOperation"
    assert giftcard_payments(merchant) == payments_before
    assert fetch_ledger(mock_provider.url) == ledger_before
    assert len(merchant.get_cart(cart["id"])["paymentInfo"]["payments"]) == 2
    assert balance_of(mock_provider.url, "Valid-6000-EUR") == 0
    assert balance_of(mock_provider.url, "Valid-4000-EUR") == 0
    books()


def test_concurrent_cards_never_overpay_the_cart(
    processor, checkout, merchant, mock_provider, books
):
    cart = checkout.cart(10_000)
    session = checkout.session(cart)
    codes = [f"SPLIT-CARD-{i}" for i in range(8)]
    for code in codes:
        seed_card(mock_provider.url, code, 5000)

    results = run_concurrently(
        8, lambda i: redeem(processor.url, session, codes[i], 3000, key=f"split-{i}")
    )

    assert all(not isinstance(r, Exception) for r in results), results
    outcomes = sorted(
        (r.status_code, (r.json().get("result") or r.json()["errors"][0]["code"])) for r in results
    )
    assert outcomes == [(200, "Success")] * 3 + [(400, "InvalidOperation")] * 5, outcomes
    payments = giftcard_payments(merchant)
    charged = sum(
        charge_of(p)["amount"]["centAmount"] for p in payments if charge_of(p)["state"] == "Success"
    )
    assert charged == 9000  # three fit in 10000, a fourth would not
    attached = {ref["id"] for ref in merchant.get_cart(cart["id"])["paymentInfo"]["payments"]}
    successful = {p["id"] for p in payments if charge_of(p)["state"] == "Success"}
    assert successful <= attached
    # Each loser's provider call overlapped its cart update, and was voided.
    assert len([r for r in redemptions(mock_provider.url) if not r["voided"]]) == 3
    books({code: 5000 for code in codes})


def test_one_card_many_carts_never_goes_below_zero(
    processor, checkout, merchant, mock_provider, books
):
    sessions = [checkout.session(checkout.cart(10_000)) for _ in range(6)]

    results = run_concurrently(
        6, lambda i: redeem(processor.url, sessions[i], "Valid-5000-EUR", 2000)
    )

    assert all(not isinstance(r, Exception) for r in results), results
    outcomes = sorted((r.status_code, r.json()["result"]) for r in results)
    assert outcomes == [(200, "Failure")] * 4 + [(200, "Success")] * 2, outcomes
    assert balance_of(mock_provider.url, "Valid-5000-EUR") == 1000
    assert len(redemptions(mock_provider.url)) == 2
    books()


def test_session_of_another_payment_interface_writes_nothing(
    processor, checkout, merchant, mock_provider, books
):
    """Such a payment would escape reconcile (it only looks at its own interface)."""
    session = checkout.session(checkout.cart(10_000), paymentInterface="someone-else")
    response = redeem(processor.url, session, "Valid-5000-EUR", 3000)

    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["code"] == "InvalidOperation"
    assert giftcard_payments(merchant) == []
    assert fetch_ledger(mock_provider.url)["redemptions"] == []
    books()
