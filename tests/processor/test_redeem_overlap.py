"""The redeem's critical path: which commercetools calls it makes, and the provider call
overlapped with adding the payment to the cart, with both of that overlap's failure paths."""

import threading
import time

import requests

from giftcard_connect import GiftCardError, ProviderUnavailable
from giftcard_connect.models import Money, Redemption, VoidResult

from .test_redeem import only_charge, payments_of, redeem


def emulator_calls(emulator) -> dict[str, int]:
    return requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()["requests"]


def reset_stats(emulator) -> None:
    requests.post(f"{emulator.url}/_emulator/stats/reset", timeout=5).raise_for_status()


def fault(emulator, **spec) -> None:
    requests.put(f"{emulator.url}/_emulator/faults", json=[spec], timeout=5).raise_for_status()


def cart_payment_ids(merchant, cart_id) -> list[str]:
    return [ref["id"] for ref in (merchant.get_cart(cart_id).get("paymentInfo") or {}).get("payments", [])]


def test_first_redeem_on_a_known_session_makes_four_commercetools_calls(
    client, checkout, emulator, fake_provider
):
    session = checkout.session(checkout.cart(10_000))
    assert client.get("/operations/config", headers={"X-Session-Id": session}).status_code == 200
    reset_stats(emulator)

    response = redeem(client, session, key="submit-1")

    assert response.json["result"] == "Success"
    calls = {route: n for route, n in emulator_calls(emulator).items() if not route.startswith("POST /oauth")}
    assert calls == {
        "GET /<projectKey>/carts/<id>": 1,  # the cart with its payments
        "POST /<projectKey>/payments": 1,  # the Pending payment, created with its key
        "POST /<projectKey>/carts/<id>": 1,  # added to the cart, beside the provider call
        "POST /<projectKey>/payments/<id>": 1,  # the final state
    }


def test_provider_is_asked_while_the_payment_is_added_to_the_cart(
    client, checkout, merchant, fake_provider
):
    """The provider answers only once it sees the payment on the cart: had the processor
    waited for the provider before updating the cart, this redeem would time out."""
    cart = checkout.cart(10_000)

    def redeem_once_attached(card, amount, reference):
        deadline = time.monotonic() + 5
        while not cart_payment_ids(merchant, cart["id"]):
            assert time.monotonic() < deadline, "the cart was not updated during the provider call"
            time.sleep(0.02)
        return Redemption(f"r-{reference}", amount)

    fake_provider.redeem_result = redeem_once_attached
    response = redeem(client, checkout.session(cart))

    assert response.status_code == 200 and response.json["result"] == "Success", response.json
    assert cart_payment_ids(merchant, cart["id"]) == [response.json["paymentReference"]]


def redeem_while_the_cart_fills_up(client, checkout, merchant, emulator):
    """A redeem whose payment no longer fits by the time it reaches the cart: another
    payment fills the cart while the redeem's own payment is being created."""
    cart = checkout.cart(10_000)
    session = checkout.session(cart)
    other = merchant.create_payment({
        "amountPlanned": {"centAmount": 10_000, "currencyCode": "EUR"},
        "paymentMethodInfo": {"paymentInterface": "card-psp", "method": "card"},
        "transactions": [{"type": "Charge", "state": "Success",
                          "amount": {"centAmount": 10_000, "currencyCode": "EUR"}}],
    })
    fault(emulator, route="POST /<projectKey>/payments", delay=1.0, times=1)
    answers = []
    thread = threading.Thread(target=lambda: answers.append(redeem(client.application.test_client(), session)))
    thread.start()
    time.sleep(0.4)  # the redeem has read the cart and is creating its payment
    current = merchant.get_cart(cart["id"])
    merchant.update_cart(cart["id"], current["version"],
                         [{"action": "addPayment", "payment": {"typeId": "payment", "id": other["id"]}}])
    thread.join(15)
    [response] = answers
    ours = [p for p in payments_of(merchant) if p["id"] != other["id"]]
    return response, cart, ours


def test_cart_refuses_while_the_provider_charged_voids_the_charge(
    client, checkout, merchant, emulator, fake_provider
):
    fake_provider.void_result = lambda reference: VoidResult(reference, True, Money(2500, "EUR"))
    response, cart, [payment] = redeem_while_the_cart_fills_up(client, checkout, merchant, emulator)

    assert response.status_code == 400, response.json
    assert response.json["errors"][0]["code"] == "InvalidOperation"
    assert [c[0] for c in fake_provider.calls] == ["redeem", "void"]
    (redeemed, voided) = fake_provider.calls
    assert voided[1]["reference"] == redeemed[1]["reference"]
    assert only_charge(payment)["state"] == "Failure"
    assert payment["id"] not in cart_payment_ids(merchant, cart["id"])


def test_cart_refuses_while_the_provider_declined_records_the_decline(
    client, checkout, merchant, emulator, fake_provider
):
    fake_provider.redeem_result = GiftCardError("Expired", "Expired", "Card has expired")
    response, cart, [payment] = redeem_while_the_cart_fills_up(client, checkout, merchant, emulator)

    assert response.status_code == 400, response.json
    assert response.json["errors"][0]["code"] == "InvalidOperation"
    assert [c[0] for c in fake_provider.calls] == ["redeem"]  # nothing to undo
    assert only_charge(payment)["state"] == "Failure"
    assert payment["paymentStatus"]["interfaceCode"] == "Expired"


def test_cart_refuses_while_the_outcome_is_unknown_says_so(
    client, checkout, merchant, emulator, fake_provider
):
    """The void is not confirmed: the card may be charged, so "does not fit" would be a lie."""
    fake_provider.redeem_result = ProviderUnavailable("read timeout")
    fake_provider.void_result = ProviderUnavailable("still down")
    response, cart, [payment] = redeem_while_the_cart_fills_up(client, checkout, merchant, emulator)

    assert response.status_code == 502, response.json
    assert response.json["status"]["errors"][0]["code"] == "OutcomeUnknown"
    assert only_charge(payment)["state"] == "Pending"
    assert payment["paymentStatus"]["interfaceCode"] == "Voiding"  # reconcile will void it


def test_provider_declines_while_the_cart_accepted(client, checkout, merchant, fake_provider):
    fake_provider.redeem_result = GiftCardError("NotFound", "NotFound", "No such card")
    cart = checkout.cart(10_000)
    response = redeem(client, checkout.session(cart))

    # Answered like any unknown card (state Invalid); the payment keeps the provider's NotFound.
    assert response.json["result"] == "Failure" and response.json["status"]["state"] == "Invalid"
    (payment,) = payments_of(merchant)
    assert cart_payment_ids(merchant, cart["id"]) == [payment["id"]]  # counts as a failed attempt
    assert only_charge(payment)["state"] == "Failure"
    assert [c[0] for c in fake_provider.calls] == ["redeem"]


def test_a_repeated_key_of_a_payment_on_the_cart_costs_no_lookup(client, checkout, emulator, fake_provider):
    session = checkout.session(checkout.cart(10_000))
    first = redeem(client, session, key="k")
    reset_stats(emulator)

    again = redeem(client, session, key="k")

    assert again.json == first.json
    calls = {route: n for route, n in emulator_calls(emulator).items() if not route.startswith("POST /oauth")}
    assert calls == {"GET /<projectKey>/carts/<id>": 1}
