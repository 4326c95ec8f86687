"""The 409 helpers: re-read, rebuild the actions against fresh state, and re-apply."""

from __future__ import annotations

import json

import pytest
from ct_helpers import CARTS, PAYMENTS, add_token, calls_to, conflict, payment, read_timeout
from giftcard_connect.commercetools import CommercetoolsError

URL = f"{PAYMENTS}/p-1"
CHARGE = {"type": "Charge", "state": "Success", "interactionId": "r-1"}


def add_charge(current):
    """Idempotent: nothing to do once the charge is recorded."""
    if any(t.get("interactionId") == "r-1" for t in current["transactions"]):
        return None
    return [{"action": "addTransaction", "transaction": CHARGE}]


def versions_sent(pools, url=URL):
    return [json.loads(c.request.body)["version"] for c in calls_to(pools, "POST", url)]


def test_conflict_rereads_and_reapplies_with_the_fresh_version(pools, client):
    add_token(pools)
    pools.post(URL, json=conflict(5), status=409)
    pools.post(URL, json=payment(6, [CHARGE]))
    other = {"type": "Authorization", "state": "Success", "interactionId": "x"}
    pools.get(URL, json=payment(5, [other]))
    seen = []

    def build(current):
        seen.append((current["version"], len(current["transactions"])))
        return add_charge(current)

    result = client.update_payment_on_conflict("p-1", build, payment=payment(3))

    assert result == payment(6, [CHARGE])
    assert seen == [(3, 0), (5, 1)]  # the second build saw the fresh state
    assert versions_sent(pools) == [3, 5]
    assert len(calls_to(pools, "GET", URL)) == 1


def test_reads_the_payment_when_none_is_given(pools, client):
    add_token(pools)
    pools.get(URL, json=payment(2))
    pools.post(URL, json=payment(3, [CHARGE]))

    assert client.update_payment_on_conflict("p-1", add_charge)["version"] == 3
    assert versions_sent(pools) == [2]


@pytest.mark.parametrize("nothing", [None, []])
def test_nothing_to_do_returns_the_payment_without_an_update(pools, client, nothing):
    already = payment(4, [CHARGE])

    result = client.update_payment_on_conflict("p-1", lambda p: nothing, payment=already)

    assert result is already
    assert len(pools.calls) == 0


def test_conflict_resolved_when_the_fresh_state_needs_nothing(pools, client):
    add_token(pools)
    pools.post(URL, json=conflict(4), status=409)
    pools.get(URL, json=payment(4, [CHARGE]))  # someone else recorded it meanwhile

    result = client.update_payment_on_conflict("p-1", add_charge, payment=payment(3))

    assert result == payment(4, [CHARGE])
    assert len(calls_to(pools, "POST", URL)) == 1


def test_gives_up_after_attempts(pools, client):
    add_token(pools)
    pools.post(URL, json=conflict(9), status=409)
    pools.get(URL, json=payment(9))

    with pytest.raises(CommercetoolsError) as caught:
        client.update_payment_on_conflict("p-1", add_charge, payment=payment(1), attempts=3)

    assert caught.value.is_conflict and caught.value.current_version == 9
    assert len(calls_to(pools, "POST", URL)) == 3
    assert len(calls_to(pools, "GET", URL)) == 2  # no pointless read after the last attempt


def test_other_errors_are_not_retried(pools, client):
    add_token(pools)
    invalid = {"errors": [{"code": "InvalidOperation", "message": "bad transition"}]}
    pools.post(URL, json=invalid, status=400)

    with pytest.raises(CommercetoolsError) as caught:
        client.update_payment_on_conflict("p-1", add_charge, payment=payment(1))

    assert caught.value.codes == ["InvalidOperation"]
    assert len(calls_to(pools, "POST", URL)) == 1
    assert len(calls_to(pools, "GET", URL)) == 0


def test_replayed_update_after_a_read_timeout_is_not_applied_twice(pools, client):
    """The first POST was applied but its answer lost; the replay meets 409."""
    add_token(pools)
    pools.post(URL, body=read_timeout())
    pools.post(URL, json=conflict(2), status=409)
    pools.get(URL, json=payment(2, [CHARGE]))

    result = client.update_payment_on_conflict("p-1", add_charge, payment=payment(1))

    assert result == payment(2, [CHARGE])
    assert versions_sent(pools) == [1, 1]


def test_a_replayed_update_meeting_a_conflict_reports_the_lost_answer(pools, client):
    """The payment the lost update was built from reaches ``on_lost_answer``, once."""
    add_token(pools)
    pools.post(URL, body=read_timeout())
    pools.post(URL, json=conflict(2), status=409)
    pools.get(URL, json=payment(2, [CHARGE]))
    lost = []

    client.update_payment_on_conflict(
        "p-1", add_charge, payment=payment(1), on_lost_answer=lost.append
    )

    assert lost == [payment(1)]


def test_a_plain_conflict_reports_no_lost_answer(pools, client):
    add_token(pools)
    pools.post(URL, json=conflict(2), status=409)
    pools.get(URL, json=payment(2, [CHARGE]))
    lost = []

    client.update_payment_on_conflict(
        "p-1", add_charge, payment=payment(1), on_lost_answer=lost.append
    )

    assert lost == []


def test_a_payment_with_another_id_is_refused(pools, client):
    with pytest.raises(ValueError):
        client.update_payment_on_conflict("p-2", add_charge, payment=payment(1))
    with pytest.raises(ValueError):
        client.update_payment_on_conflict("p-1", add_charge, payment=payment(1), attempts=0)
    assert len(pools.calls) == 0


def test_cart_helper_shares_the_logic(pools, client):
    add_token(pools)
    url = f"{CARTS}/c-1"
    pools.get(url, json={"id": "c-1", "version": 7})
    pools.get(url, json={"id": "c-1", "version": 8})
    pools.post(url, json=conflict(8), status=409)
    pools.post(url, json={"id": "c-1", "version": 9})

    def add_payment(cart):
        return [{"action": "addPayment", "payment": {"typeId": "payment", "id": "p-1"}}]

    assert client.update_cart_on_conflict("c-1", add_payment)["version"] == 9
    assert versions_sent(pools, url) == [7, 8]
    assert len(calls_to(pools, "GET", url)) == 2
