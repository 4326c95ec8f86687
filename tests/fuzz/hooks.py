"""schemathesis hooks for the fuzz run: real credentials, real cards and payments.

Loaded by ``st run`` through ``SCHEMATHESIS_HOOKS``; the runner (``run.py``) passes the
emulator's address and the payments it made in ``GIFTCARD_FUZZ_*`` variables.
"""

from __future__ import annotations

import os

import requests
import schemathesis
from hypothesis import strategies as st

from giftcard_connect.testing.services import Checkout, merchant_client, merchant_token

EMULATOR = os.environ["GIFTCARD_FUZZ_EMULATOR_URL"]
PAYMENTS = [p for p in os.environ.get("GIFTCARD_FUZZ_PAYMENTS", "").split(",") if p]
CHECKOUT = Checkout(merchant_client(EMULATOR), "mock")
# Cards the mock provider knows, so that a share of the cases reach the success paths.
CARDS = [{"code": "Valid-1000000-EUR"}, {"code": "PIN-5000-EUR", "pin": "1234"}]
CARD_PATHS = ("/balance", "/redeem")


def _jwt() -> str:
    response = requests.post(f"{EMULATOR}/_emulator/jwt", json={}, timeout=10)
    response.raise_for_status()
    return response.json()["token"]


@schemathesis.auth(refresh_interval=1, cache_by_key=lambda case, context: context.operation.path)
class ProcessorAuth:
    """The credential each operation asks for: a shopper's session (renewed every second,
    as new checkouts are), Checkout's bearer token or a Merchant Center JWT."""

    def get(self, case, context):
        path = context.operation.path
        if path.startswith("/operations/payment-intents"):
            return {"Authorization": f"Bearer {merchant_token(EMULATOR)}"}
        if path == "/operations/status":
            return {"Authorization": f"Bearer {_jwt()}"}
        if path in (*CARD_PATHS, "/operations/config"):
            return {"X-Session-Id": CHECKOUT.session(CHECKOUT.cart(50_000))}
        return {}

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), **data}


def _with_card(case, card: dict, cents: int):
    body = {key: value for key, value in case.body.items() if key != "pin"}
    body.update(card)
    if case.operation.path == "/redeem":
        body["redeemAmount"] = {"centAmount": cents, "currencyCode": "EUR"}
    case.body = body
    return case


@schemathesis.hook
def flatmap_case(context, case):
    """A third of the valid balance and redeem cases use a card that exists; negative
    cases are left as generated, so the server must still refuse them."""
    positive = case.meta is None or not case.meta.generation.mode.is_negative
    if case.operation.path not in CARD_PATHS or not positive or not isinstance(case.body, dict):
        return st.just(case)
    real = st.builds(_with_card, st.just(case), st.sampled_from(CARDS), st.integers(1, 3000))
    return st.one_of(st.just(case), st.just(case), real)


@schemathesis.hook("flatmap_path_parameters").apply_to(path="/operations/payment-intents/{paymentId}")
def real_payments(context, path_parameters):
    """Half of the intents act on payments that exist, so refunds and voids really run."""
    if not PAYMENTS:
        return st.just(path_parameters)
    real = st.sampled_from(PAYMENTS).map(lambda pid: {**path_parameters, "paymentId": pid})
    return st.one_of(st.just(path_parameters), real)
