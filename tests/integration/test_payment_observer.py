"""``giftcard_payment_recorded`` fires once per transaction that became final, never on replays."""

import giftcard_connect_mock.plugin
import pytest
from giftcard_connect.app import create_app
from giftcard_connect.reconcile import reconcile

from .flows import (
    PAYMENT_UPDATE,
    Recorder,
    clear_emulator_faults,
    emulator_faults,
    giftcard_payments,
    mock_faults,
    redeem,
)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def observed(make_processor, recorder):
    """A processor with the real mock plugin and the recording observer (timeout 0.5 s)."""
    return make_processor(
        GIFTCARD_PROVIDER_TIMEOUT="0.5",
        PLUGINS={"mock": giftcard_connect_mock.plugin, "audit": recorder},
    )


def test_observer_hears_each_outcome_once(observed, recorder, checkout, mock_provider, books):
    session = checkout.session(checkout.cart(10_000))

    success = redeem(observed.url, session, "Valid-5000-EUR", 3000, key="paid")
    assert success.status_code == 200, success.text
    paid = success.json()["paymentReference"]
    assert recorder.of(paid) == [("Charge", "Success")]

    decline = redeem(observed.url, session, "Expired", 1000, key="declined")
    assert (decline.status_code, decline.json()["result"]) == (200, "Failure"), decline.text
    declined = decline.json()["paymentReference"]
    assert recorder.of(declined) == [("Charge", "Failure")]

    mock_faults(mock_provider.url, apply_then_delay=1.5, apply_then_delay_next=1)
    voided = redeem(observed.url, session, "Valid-4000-EUR", 1000, key="voided")
    assert (voided.status_code, voided.json()["result"]) == (200, "Failure"), voided.text
    voided_id = voided.json()["paymentReference"]
    assert recorder.of(voided_id) == [("Charge", "Failure")]

    # Replays answer the first outcome and tell nobody again.
    for key, code, cents in (
        ("paid", "Valid-5000-EUR", 3000),
        ("declined", "Expired", 1000),
        ("voided", "Valid-4000-EUR", 1000),
    ):
        replay = redeem(observed.url, session, code, cents, key=key)
        assert replay.json()["paymentReference"] in (paid, declined, voided_id)
    assert len(recorder.calls) == 3, recorder.calls
    assert not recorder.problems, recorder.problems
    books()


@pytest.mark.parametrize("times", [1, 10])
def test_observer_hears_of_a_success_whose_answer_was_lost(
    observed, recorder, emulator, checkout, merchant, books, times
):
    """commercetools applied the Success but its answer was lost (once: the replay got a 409;
    or on every retry: found by re-reading): the Success stands, so observers hear of it once."""
    emulator_faults(
        emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": times, "after": True}]
    )

    response = redeem(observed.url, checkout.session(), "Valid-5000-EUR", 3000)

    assert response.status_code == 200, response.text
    payment_id = response.json()["paymentReference"]
    assert merchant.get_payment(payment_id)["transactions"][0]["state"] == "Success"
    assert recorder.of(payment_id) == [("Charge", "Success")]
    books()


def test_observer_hears_of_a_compensated_charge_once(
    observed, recorder, emulator, checkout, merchant, books, config_for
):
    """Success not recordable → voided at the provider → Failure recorded by reconcile, once."""
    emulator_faults(emulator.url, [{"route": PAYMENT_UPDATE, "status": 503, "times": 8}])
    response = redeem(observed.url, checkout.session(), "Valid-5000-EUR", 3000)
    assert response.status_code == 200, response.text  # the void was confirmed: nothing charged
    assert response.json()["status"]["errors"][0]["code"] == "ProviderUnavailable"
    payment_id = response.json()["paymentReference"]
    assert recorder.of(payment_id) == []  # nothing final could be recorded yet

    clear_emulator_faults(emulator.url)
    runtime = create_app(
        config_for(PLUGINS={"mock": giftcard_connect_mock.plugin, "audit": recorder})
    ).extensions["giftcard_connect"]
    reconcile(runtime, older_than=0)
    reconcile(runtime, older_than=0)

    assert recorder.of(payment_id) == [("Charge", "Failure")]
    assert [p["id"] for p in giftcard_payments(merchant)] == [payment_id]
    assert not recorder.problems, recorder.problems
    books()
