"""Atomicity under a real multi-threaded server: key uniqueness and optimistic versions."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from giftcard_connect.emulator import payment_model, payments

from .helpers import payment_draft


@pytest.fixture(autouse=True)
def slow_critical_sections(monkeypatch):
    """Widen the check-then-write windows so a missing lock shows up as a failure."""

    def slowly(function):
        def wrapper(*args, **kwargs):
            time.sleep(0.01)
            return function(*args, **kwargs)

        return wrapper

    # Between the key check and the insert (create), and the version check and commit (update).
    monkeypatch.setattr(payment_model, "money", slowly(payment_model.money))
    monkeypatch.setattr(payments, "apply_actions", slowly(payments.apply_actions))


def _race(count, call):
    """Run `call(i)` in `count` threads released at the same moment; return the responses."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        barrier.wait()
        results[index] = call(index)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_same_key_from_20_threads_creates_exactly_one_payment(live_server, token, store):
    headers = {"Authorization": f"Bearer {token('processor')}"}
    responses = _race(20, lambda i: requests.post(
        f"{live_server}/demo/payments", json=payment_draft(100 + i, key="race"),
        headers=headers, timeout=10))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [400] * 19
    assert all(r.json()["errors"][0]["code"] == "DuplicateField"
               for r in responses if r.status_code == 400)
    assert len(store.payments) == 1
    assert store.payment_keys["race"] == next(iter(store.payments))


def test_same_version_from_10_threads_updates_exactly_once(live_server, token, store):
    headers = {"Authorization": f"Bearer {token('processor')}"}
    payment = requests.post(f"{live_server}/demo/payments", json=payment_draft(),
                            headers=headers, timeout=10).json()
    responses = _race(10, lambda i: requests.post(
        f"{live_server}/demo/payments/{payment['id']}",
        json={"version": 1, "actions": [{"action": "setInterfaceId", "interfaceId": f"t{i}"}]},
        headers=headers, timeout=10))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 9
    winner = next(r.json() for r in responses if r.status_code == 200)
    conflicts = [r.json()["errors"][0] for r in responses if r.status_code == 409]
    assert all(c["code"] == "ConcurrentModification" and c["currentVersion"] == 2
               for c in conflicts)
    assert store.payments[payment["id"]]["version"] == 2
    assert store.payments[payment["id"]]["interfaceId"] == winner["interfaceId"]
