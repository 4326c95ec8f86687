"""One shopper going through one checkout of the plan, and what each call was answered.

A shopper creates its cart and Checkout session in commercetools (as Checkout does), then
calls the processor as the Enabler and Checkout would: balance, redeem (with an
Idempotency-Key), and for some checkouts a refund or a reversal afterwards. Every answer
is classified and kept, so that the books can later be compared with what shoppers were
told.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from chaos_plan import CURRENCY, Card, Checkout

TIMEOUT = 120  # longer than any processor call: a missing answer means a lost connection


@dataclass
class Answers:
    """What shoppers were told, shared by every shopper thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    operations: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    redeemed: dict[str, str] = field(default_factory=dict)  # payment id → Success | Failure
    refunded: list[tuple[str, int]] = field(default_factory=list)  # approved (payment, cents)
    undone: set[str] = field(default_factory=set)  # payments with an approved cancel or reversal
    carts: dict[str, int] = field(default_factory=dict)  # cart id → total
    contradictions: list[str] = field(default_factory=list)  # one key, two different answers

    def count(self, operation: str, outcome: str) -> None:
        with self.lock:
            self.operations[operation] += 1
            self.outcomes[f"{operation}: {outcome}"] += 1


def _error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    errors = body.get("errors") or (body.get("status") or {}).get("errors") or []
    return errors[0].get("code", "") if errors else ""


def classify(response: requests.Response | None) -> str:
    """A short name for an answer: what a shopper (or Checkout) would make of it."""
    if response is None:
        return "no answer (connection lost)"
    status = response.status_code
    if status == 200 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if "result" in body:
            if body["result"] == "Success":
                return "Success"
            return f"Failure, nothing charged ({_error_code(response)})"
        if "outcome" in body:
            return body["outcome"]
        return "200"
    if status == 502 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if body.get("result") == "Failure":
            return "outcome unknown, being voided (502)"
    code = _error_code(response)
    return f"{status} {code}".strip()


class Shopper:
    """Runs checkouts against the processor at ``processor_url`` (one instance or a proxy)."""

    def __init__(self, processor_url: str, emulator_url: str, project_key: str, token: str,
                 cards: list[Card], answers: Answers):
        self._processor = processor_url
        self._commercetools = f"{emulator_url}/{project_key}"
        self._bearer = {"Authorization": f"Bearer {token}"}
        self._cards = cards
        self._answers = answers
        self._local = threading.local()

    def _http(self) -> requests.Session:
        if not hasattr(self._local, "http"):
            self._local.http = requests.Session()
        return self._local.http

    def _call(self, operation: str, method: str, url: str, **kwargs) -> requests.Response | None:
        try:
            response = self._http().request(method, url, timeout=TIMEOUT, **kwargs)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            # The worker died with the connection, before or while answering: a new
            # connection for the next call.
            self._local.http = requests.Session()
            response = None
        self._answers.count(operation, classify(response))
        return response

    # commercetools, as Checkout --------------------------------------------------------

    def _create(self, path: str, body: dict) -> dict:
        for _ in range(10):  # injected commercetools faults may hit the shopper's own calls
            response = self._http().post(f"{self._commercetools}/{path}", json=body,
                                         headers=self._bearer, timeout=TIMEOUT)
            if response.status_code < 500:
                response.raise_for_status()
                return response.json()
        response.raise_for_status()
        raise AssertionError("unreachable")

    def _session(self, total: int) -> str:
        item = {"name": {"en": "Teapot"}, "quantity": 1, "slug": "teapot",
                "money": {"centAmount": total, "currencyCode": CURRENCY}}
        cart = self._create("carts", {"currency": CURRENCY, "anonymousId": "shopper",
                                      "customLineItems": [item]})
        with self._answers.lock:
            self._answers.carts[cart["id"]] = total
        metadata = {"paymentInterface": "mock", "allowedPaymentMethods": ["giftcard"]}
        return self._create("sessions", {"cart": {"cartRef": {"id": cart["id"]}},
                                         "metadata": metadata})["id"]

    # the processor, as the Enabler -----------------------------------------------------

    def _card_body(self, index: int) -> dict:
        if index < 0:
            return {"code": f"Unknown-{uuid.uuid4().hex[:12]}"}
        card = self._cards[index]
        return {"code": card.code, **({"pin": card.pin} if card.pin else {})}

    def balance(self, session: str, card: int) -> None:
        self._call("balance", "POST", f"{self._processor}/balance", json=self._card_body(card),
                   headers={"X-Session-Id": session})

    def redeem(self, session: str, card: int, cents: int, key: str,
               operation: str = "redeem") -> str | None:
        """The payment id, when the card was (or may have been) charged."""
        body = {**self._card_body(card),
                "redeemAmount": {"centAmount": cents, "currencyCode": CURRENCY}}
        response = self._call(operation, "POST", f"{self._processor}/redeem", json=body,
                              headers={"X-Session-Id": session, "Idempotency-Key": key})
        if response is None or response.status_code not in (200, 502):
            return None
        answer = response.json()
        payment_id = answer.get("paymentReference")
        if not payment_id or response.status_code == 502:
            return payment_id  # outcome unknown: its payment may still be charged
        told = "Success" if answer["result"] == "Success" else "Failure"
        with self._answers.lock:
            previous = self._answers.redeemed.setdefault(payment_id, told)
            if previous != told:  # a repeated key answered otherwise than the first time
                self._answers.contradictions.append(
                    f"payment {payment_id}: answered {previous}, then {told}")
        return payment_id if told == "Success" else None

    def intent(self, payment_id: str, action: dict) -> None:
        operation = {"refundPayment": "refund", "reversePayment": "reversal",
                     "cancelPayment": "cancel"}[action["action"]]
        response = self._call(operation, "POST",
                              f"{self._processor}/operations/payment-intents/{payment_id}",
                              json={"actions": [action]}, headers=self._bearer)
        if (response is None or response.status_code != 200
                or response.json().get("outcome") != "approved"):
            return
        with self._answers.lock:
            if operation == "refund":
                self._answers.refunded.append((payment_id, action["amount"]["centAmount"]))
            else:
                self._answers.undone.add(payment_id)

    # a whole checkout --------------------------------------------------------------------

    def checkout(self, plan: Checkout) -> None:
        session = self._session(plan.total)
        if plan.kind in ("concurrent submits", "duplicate submit"):
            self._at_once(plan, session)
            return
        paid: list[str] = []
        for card, cents in zip(plan.cards, plan.amounts):
            self.balance(session, card)
            payment_id = self.redeem(session, card, cents, str(uuid.uuid4()))
            if payment_id:
                paid.append(payment_id)
        if not paid:
            return
        if plan.kind == "refund":
            amount = {"centAmount": plan.refund_cents, "currencyCode": CURRENCY}
            action = {"action": "refundPayment", "amount": amount,
                      "merchantReference": f"refund-{plan.number}"}
            for _ in range(2 if plan.twice_at_once else 1):  # a repeated refund gives back once
                self.intent(paid[0], action)
            if plan.then_cancel:
                self.intent(paid[0], {"action": "cancelPayment"})
        elif plan.kind == "reversal" and plan.twice_at_once:  # two undos racing: one gives back
            self._together([lambda: self.intent(paid[0], {"action": "reversePayment"}),
                            lambda: self.intent(paid[0], {"action": "cancelPayment"})])
        elif plan.kind == "reversal":
            self.intent(paid[0], {"action": "reversePayment" if plan.reverse else "cancelPayment"})

    @staticmethod
    def _together(calls) -> None:
        """Run the calls at the same moment, each on a thread of its own."""
        barrier = threading.Barrier(len(calls))

        def call_when_all_ready(call):
            barrier.wait(timeout=30)
            return call()

        with ThreadPoolExecutor(len(calls)) as pool:
            list(pool.map(call_when_all_ready, calls))

    def _at_once(self, plan: Checkout, session: str) -> None:
        """Two redeems: the same key twice (a double click), or two cards at once."""
        if plan.kind == "duplicate submit":
            key = str(uuid.uuid4())
            calls = [(plan.cards[0], plan.amounts[0], key, "redeem"),
                     (plan.cards[0], plan.amounts[0], key, "redeem, same Idempotency-Key")]
        else:
            calls = [(card, cents, str(uuid.uuid4()), "redeem")
                     for card, cents in zip(plan.cards, plan.amounts)]
        for card in dict.fromkeys(plan.cards):
            self.balance(session, card)
        if plan.kind == "duplicate submit" and not plan.twice_at_once:
            for call in calls:
                self.redeem(session, *call)
            return
        self._together([lambda call=call: self.redeem(session, *call) for call in calls])
