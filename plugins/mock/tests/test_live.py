"""The service on a real threaded server: concurrency, lost answers and access logs."""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from giftcard_connect import GiftCard, GiftCardError, Money, ProviderUnavailable, VoidResult
from giftcard_connect_mock import MockProviderClient
from giftcard_connect_mock.faults import FaultSettings


def test_live_concurrent_redeems_with_one_reference_debit_once(live, http):
    client = MockProviderClient(live.url, http=http, timeout=(2.0, 5.0))
    live.ledger.add_card("Race-1", None, 1000, "EUR")
    barrier = threading.Barrier(20)

    def redeem(_):
        barrier.wait()
        return client.redeem(GiftCard("Race-1"), Money(300, "EUR"), "race-ref")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(redeem, range(20)))
    assert len({result.redemption_id for result in results}) == 1
    snapshot = live.ledger.snapshot()
    assert snapshot["cards"]["Race-1"]["amount"]["centAmount"] == 700
    assert len(snapshot["redemptions"]) == 1


def test_live_apply_then_delay_loses_the_answer_but_keeps_the_debit(live, http):
    live.faults.configure(FaultSettings(apply_then_delay=0.5, apply_then_delay_next=1))
    client = MockProviderClient(live.url, http=http, timeout=(1.0, 0.1))
    with pytest.raises(ProviderUnavailable) as caught:
        client.redeem(GiftCard("Valid-1000-EUR"), Money(400, "EUR"), "lost-answer")
    assert "Valid-1000-EUR" not in str(caught.value)
    snapshot = live.ledger.snapshot()
    assert [r["reference"] for r in snapshot["redemptions"]] == ["lost-answer"]
    assert snapshot["cards"]["Valid-1000-EUR"]["amount"]["centAmount"] == 600
    void = client.void("lost-answer")
    assert void.voided and void.amount == Money(400, "EUR")
    assert live.ledger.snapshot()["cards"]["Valid-1000-EUR"]["amount"]["centAmount"] == 1000


def test_live_access_log_never_shows_codes_or_pins(live, http, caplog):
    client = MockProviderClient(live.url, http=http, timeout=(1.0, 2.0))
    live.ledger.add_card("Secret-Card-9", "pin-secret", 5000, "EUR")
    card = GiftCard("Secret-Card-9", "pin-secret")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        client.balance(card, "EUR")
        redemption = client.redeem(card, Money(100, "EUR"), "log-ref")
        client.cancel(redemption.redemption_id, Money(100, "EUR"), "log-cancel")
    assert "POST /v1/redemptions" in caplog.text
    assert "Secret-Card" not in caplog.text
    assert "pin-secret" not in caplog.text


def test_live_racing_voids_and_redeems_never_leave_money_taken(live, http):
    client = MockProviderClient(live.url, http=http, timeout=(2.0, 5.0))
    live.ledger.add_card("Race-2", None, 1000, "EUR")
    barrier = threading.Barrier(20)

    def call(index):
        barrier.wait()
        if index % 2:
            return client.void("race-void")
        try:
            return client.redeem(GiftCard("Race-2"), Money(300, "EUR"), "race-void")
        except GiftCardError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(call, range(20)))
    snapshot = live.ledger.snapshot()
    assert snapshot["cards"]["Race-2"]["amount"]["centAmount"] == 1000
    assert all(r["voided"] for r in snapshot["redemptions"])
    assert len(snapshot["redemptions"]) <= 1
    assert len({str(o) for o in outcomes if isinstance(o, VoidResult)}) == 1
