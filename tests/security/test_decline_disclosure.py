"""An unknown code, a missing PIN and a wrong PIN get the same answer (real mock provider).

The answer still tells the shopper what to do (check the code and the PIN), and the
merchant's payment keeps the provider's real reason.
"""

from __future__ import annotations

import pytest
import requests

from ..integration.flows import giftcard_payments, redeem

UNUSABLE = [
    ("Something-Else", None),  # no such code at the mock: Invalid
    ("NotFound", None),  # the mock's NotFound
    ("PIN-5000-EUR", None),  # a PIN card without its PIN
    ("PIN-5000-EUR", "0000"),  # with a wrong one
]


def balance(url, session, code, pin):
    body = {"code": code, **({"pin": pin} if pin else {})}
    return requests.post(f"{url}/balance", json=body, headers={"X-Session-Id": session}, timeout=10)


def test_balance_answers_are_identical(processor, checkout):
    answers = [balance(processor.url, checkout.session(), code, pin) for code, pin in UNUSABLE]
    assert {a.status_code for a in answers} == {400}
    assert {a.content for a in answers} == {
        b'{"status":{"errors":[{"code":"Invalid","message":"No usable gift card matches this '
        b'code and PIN."}],"state":"Invalid"}}\n'}
    headers = {tuple(sorted((k, v) for k, v in a.headers.items()
                            if k not in ("Date", "X-Correlation-ID"))) for a in answers}
    assert len(headers) == 1


def test_redeem_answers_are_identical_but_the_payments_say_why(processor, checkout, merchant):
    bodies = []
    for code, pin in UNUSABLE:
        response = redeem(processor.url, checkout.session(), code, 1000, pin=pin)
        assert response.status_code == 200
        body = response.json()
        body.pop("paymentReference")
        bodies.append(body)
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["status"]["state"] == "Invalid"
    reasons = sorted(p["paymentStatus"]["interfaceCode"] for p in giftcard_payments(merchant))
    assert reasons == ["Invalid", "Invalid", "Invalid", "NotFound"]


@pytest.mark.parametrize("code, pin, state", [
    ("Expired", None, "Expired"),
    ("Valid-0-EUR", None, "ZeroBalance"),
    ("PIN-5000-EUR", "1234", "Valid"),
])
def test_a_card_that_exists_is_named_once_code_and_pin_are_right(
    processor, checkout, code, pin, state
):
    assert balance(processor.url, checkout.session(), code, pin).json()["status"]["state"] == state
