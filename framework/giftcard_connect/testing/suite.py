"""The provider conformance suite: the hook contract, checked through a real processor.

Subclass ``ProviderConformance`` as ``TestConformance`` and provide the
``giftcard_provider_under_test`` fixture; every test then runs against the emulator and a
processor with the plugin. Each test ends with the money invariant and the log check.
"""

from __future__ import annotations

import uuid

from ..api.giftcard import UNKNOWN_CARD_STATES
from ..errors import GiftCardError
from ..models import Balance, Cancellation, HealthCheck, Money, ProviderInfo, Redemption, VoidResult
from .run import DECLINE_STATUSES, ConformanceRun, HookCall, broken, describe, json_body
from .subject import CardSample


def _redeemed(run: ConformanceRun, card: CardSample, cents: int) -> tuple[str, str]:
    """Pay ``cents`` with ``card`` through ``POST /redeem``: (payment id, redemption id)."""
    response = run.post_redeem(run.session(), card, cents)
    body = json_body(response)
    if response.status_code != 200 or body.get("result") != "Success":
        broken(
            f"giftcard_redeem must charge a usable card and return a Redemption of the amount "
            f"asked ({cents} of the card's balance)",
            describe(response),
        )
    return body["paymentReference"], body["redemptionId"]


def _outcome(response) -> str | None:
    return json_body(response).get("outcome") if response.status_code == 200 else None


def _expect(problems: list[str], hook: str, call: HookCall, kind: type, **fields) -> object:
    """Note a problem unless ``call`` returned a ``kind`` with ``fields``; the value or None."""
    value = call.value
    wrong = [name for name, expected in fields.items() if getattr(value, name, None) != expected]
    if call.error is not None or not isinstance(value, kind) or wrong:
        wanted = ", ".join(f"{name}={expected!r}" for name, expected in fields.items())
        problems.append(f"{hook} must return a {kind.__name__}({wanted}); {call}")
        return None
    return value


class ProviderConformance:
    """The provider hook contract; subclass it as ``TestConformance`` to run it."""

    def test_provider_info_describes_the_provider(self, giftcard_conformance):
        run = giftcard_conformance
        call = run.call("giftcard_provider_info", config=run.settings.provider_config)
        info = call.value
        if not isinstance(info, ProviderInfo):
            broken("giftcard_provider_info must return a ProviderInfo", str(call))
        if info.pin not in ("none", "optional", "required"):
            broken(
                "giftcard_provider_info: ProviderInfo.pin must be none, optional or required",
                f"it is {info.pin!r}",
            )
        if not isinstance(info.supports_partial_cancel, bool):
            broken(
                "giftcard_provider_info: ProviderInfo.supports_partial_cancel must be a bool",
                f"it is {info.supports_partial_cancel!r}",
            )
        response = run.config(run.session())
        body = json_body(response)
        expected = {"pin": info.pin, "supportsPartialCancel": info.supports_partial_cancel,
                    "currency": run.subject.currency}
        if response.status_code != 200 or any(body.get(k) != v for k, v in expected.items()):
            broken(
                "GET /operations/config must tell the Enabler what giftcard_provider_info says",
                describe(response),
            )
        run.verify()

    def test_hooks_return_their_types(self, giftcard_conformance):
        run = giftcard_conformance
        card = run.new_card(5000)
        gift_card, problems = run.gift_card(card), []
        amount = run.money(1000)
        balance = run.call("giftcard_balance", card=gift_card)
        amount_of = getattr(balance.value, "amount", None)
        if not isinstance(balance.value, Balance) or not isinstance(amount_of, Money) or (
            (amount_of.cent_amount, amount_of.currency_code) != (5000, run.subject.currency)
        ):
            problems.append(f"giftcard_balance must return a Balance(amount=Money(5000, "
                            f"{run.subject.currency!r})) for a card holding 5000; {balance}")
        redeem = run.call("giftcard_redeem", card=gift_card, amount=amount,
                          reference=str(uuid.uuid4()))
        redemption = _expect(problems, "giftcard_redeem", redeem, Redemption, amount=amount)
        if redemption is not None:
            run.hold_outside_commercetools(card, amount.cent_amount)
            if not (isinstance(redemption.redemption_id, str) and redemption.redemption_id):
                problems.append(f"giftcard_redeem must return a Redemption whose redemption_id "
                                f"is a non-empty str; {redeem}")
            cancel = run.call("giftcard_cancel", redemption_id=redemption.redemption_id,
                              amount=amount, reference=str(uuid.uuid4()))
            if _expect(problems, "giftcard_cancel", cancel, Cancellation, amount=amount):
                run.hold_outside_commercetools(card, -amount.cent_amount)
        reference = str(uuid.uuid4())
        _expect(problems, "giftcard_void", run.call("giftcard_void", reference=reference),
                VoidResult, reference=reference)
        health = _expect(problems, "giftcard_health", run.call("giftcard_health"), HealthCheck)
        if health is not None and health.status not in ("UP", "DOWN"):
            problems.append(f"giftcard_health must return a HealthCheck whose status is UP or "
                            f"DOWN; it returned {health!r}")
        if problems:
            broken("every provider hook must return its type", problems)
        run.verify()

    def test_balance_of_a_usable_card(self, giftcard_conformance):
        run = giftcard_conformance
        card = run.new_card(4200)
        response = run.post_balance(run.session(), card)
        body = json_body(response)
        amount = body.get("amount") or {}
        if response.status_code != 200 or (body.get("status") or {}).get("state") != "Valid" or (
            (amount.get("centAmount"), amount.get("currencyCode")) != (4200, run.subject.currency)
        ):
            broken("giftcard_balance must return the balance of a usable card "
                   f"(Balance(Money(4200, {run.subject.currency!r})))", describe(response))
        run.verify()

    def test_every_listed_decline_state_reaches_the_enabler(self, giftcard_conformance):
        run = giftcard_conformance
        declined = run.declined_cards()
        if not declined:
            broken("giftcard_provider_under_test must list declined_cards (at least NotFound)",
                   "it lists none")
        problems = []
        for state, card in declined.items():
            answered = state
            if state in UNKNOWN_CARD_STATES:
                # The processor answers every "no such card" reason alike (disclosed()), so
                # only the hook itself shows whether it said NotFound or Invalid.
                answered = "Invalid"
                call = run.call("giftcard_balance", card=run.gift_card(card))
                if not isinstance(call.error, GiftCardError) or call.error.state != state:
                    problems.append(f"giftcard_balance must decline the {state} card {card} "
                                    f"with GiftCardError(state={state!r}); {call}")
            session = run.session()  # a shopper's session, not one that tries every card
            response = run.post_balance(session, card)
            body = json_body(response)
            if response.status_code not in DECLINE_STATUSES or (
                (body.get("status") or {}).get("state") != answered
            ):
                problems.append(f"POST /balance must answer the {state} card {card} with state "
                                f"{answered!r}; {describe(response)}")
            response = run.post_redeem(session, card, 100)
            body = json_body(response)
            if response.status_code not in DECLINE_STATUSES or body.get("result") != "Failure" or (
                (body.get("status") or {}).get("state") != answered
            ):
                problems.append(f"giftcard_redeem must decline the {state} card {card} with "
                                f"GiftCardError(state={state!r}); {describe(response)}")
        if problems:
            broken("every decline state the fixture lists must reach the Enabler", problems)
        run.verify()

    def test_redeem_debits_the_amount_asked(self, giftcard_conformance):
        run = giftcard_conformance
        card = run.new_card(5000)
        _redeemed(run, card, 3000)
        balance = run.balance_at_provider(card)
        if balance != 2000:
            broken("giftcard_redeem must debit the card by exactly the amount asked",
                   f"after redeeming 3000 of 5000 the card's balance is {balance}, not 2000")
        run.verify()

    def test_redeem_is_idempotent_by_reference(self, giftcard_conformance):
        run = giftcard_conformance
        card = run.new_card(5000)
        arguments = {"card": run.gift_card(card), "amount": run.money(1000),
                     "reference": str(uuid.uuid4())}
        first = run.call("giftcard_redeem", **arguments)
        if not isinstance(first.value, Redemption):
            broken("giftcard_redeem must charge a usable card and return a Redemption", str(first))
        run.hold_outside_commercetools(card, 1000)
        second = run.call("giftcard_redeem", **arguments)
        balance = run.balance_at_provider(card)
        if balance != 4000:
            broken("giftcard_redeem must be idempotent by reference: the same reference twice "
                   "must debit once",
                   f"two calls with one reference for 1000 of 5000 left a balance of {balance}, "
                   f"not 4000")
        if not isinstance(second.value, Redemption) or second.value.amount != first.value.amount:
            broken("giftcard_redeem called again with the same reference must answer the first "
                   "redemption (the framework asks again when an answer was lost)", str(second))
        run.verify()

    def test_void_of_an_unknown_reference_succeeds(self, giftcard_conformance):
        run = giftcard_conformance
        reference = str(uuid.uuid4())
        for _ in range(2):
            call = run.call("giftcard_void", reference=reference)
            result = call.value
            if not isinstance(result, VoidResult) or result.voided is not False or (
                result.reference != reference
            ):
                broken("giftcard_void must succeed with voided=False for a reference it never "
                       "saw", str(call))
        run.verify()

    def test_void_after_an_unknown_outcome_gives_the_money_back(self, giftcard_conformance):
        run = giftcard_conformance
        card = run.new_card(5000)
        with run.answers_lost() as lost:
            response = run.post_redeem(run.session(), card, 2000)
        if not lost.references:
            broken("giftcard_redeem must charge a usable card and return a Redemption",
                   describe(response))
        balance = run.balance_at_provider(card)
        if balance != 5000:
            broken("giftcard_void must give the money back after a redeem whose outcome was "
                   "unknown",
                   f"the redeem of 2000 of 5000 happened, its answer was lost and the processor "
                   f"voided its reference; the card's balance is {balance}, not 5000 "
                   f"({describe(response)})")
        again = run.call("giftcard_void", reference=lost.references[0])
        if not isinstance(again.value, VoidResult):
            broken("giftcard_void must be idempotent: voiding a voided reference again must "
                   "succeed", str(again))
        balance = run.balance_at_provider(card)
        if balance != 5000:
            broken("giftcard_void must be idempotent: voiding one reference twice must give "
                   "back once", f"after the second void the card's balance is {balance}, not 5000")
        run.verify()

    def test_cancel_never_gives_back_twice_for_one_reference(self, giftcard_conformance):
        run = giftcard_conformance
        card = run.new_card(5000)
        payment_id, redemption_id = _redeemed(run, card, 3000)
        amount = run.money(3000)
        response = run.intent(payment_id, "refundPayment", amount=amount.to_dict(),
                              merchantReference="conformance-refund")
        balance = run.balance_at_provider(card)
        if _outcome(response) != "approved" or balance != 5000:
            broken("giftcard_cancel must give back a completed redemption in full",
                   f"refundPayment of 3000: {describe(response)}; the card's balance is "
                   f"{balance}, not 5000")
        (refund,) = [t for t in run.payment(payment_id)["transactions"] if t["type"] == "Refund"]
        again = run.call("giftcard_cancel", redemption_id=redemption_id, amount=amount,
                         reference=refund["interactionId"])
        balance = run.balance_at_provider(card)
        if balance != 5000:
            broken("giftcard_cancel must never give back twice for one reference",
                   f"calling it again with the reference of a completed cancel of 3000 left "
                   f"a balance of {balance}, not 5000")
        if not isinstance(again.value, Cancellation) or again.value.amount != amount:
            broken("giftcard_cancel called again with the same reference must answer the first "
                   "cancellation (the framework asks again when an answer was lost)", str(again))
        run.verify()

    def test_partial_cancel_only_when_declared(self, giftcard_conformance):
        run = giftcard_conformance
        card = run.new_card(5000)
        payment_id, _ = _redeemed(run, card, 3000)

        def refund(cents: int, reference: str):
            response = run.intent(payment_id, "refundPayment",
                                  amount=run.money(cents).to_dict(),
                                  merchantReference=reference)
            return response, run.balance_at_provider(card)

        response, balance = refund(1000, "conformance-part-1")
        if run.info.supports_partial_cancel:
            if _outcome(response) != "approved" or balance != 3000:
                broken("giftcard_cancel must give back part of a redemption when "
                       "ProviderInfo.supports_partial_cancel is declared",
                       f"refundPayment of 1000 of 3000: {describe(response)}; the card's "
                       f"balance is {balance}, not 3000")
            response, balance = refund(2000, "conformance-part-2")
        else:
            if _outcome(response) != "rejected" or balance != 2000:
                broken("a partial refundPayment must be rejected when "
                       "ProviderInfo.supports_partial_cancel is false (giftcard_cancel)",
                       f"{describe(response)}; the card's balance is {balance}, not 2000")
            response, balance = refund(3000, "conformance-full")
        if _outcome(response) != "approved" or balance != 5000:
            broken("giftcard_cancel must give back what remains of a redemption",
                   f"{describe(response)}; the card's balance is {balance}, not 5000")
        run.verify()

    def test_health_reports_up(self, giftcard_conformance):
        run = giftcard_conformance
        call = run.call("giftcard_health")
        if not isinstance(call.value, HealthCheck) or call.value.status != "UP":
            broken("giftcard_health must return HealthCheck(status='UP') while the provider "
                   "answers", str(call))
        run.verify()
