"""Small HTTP helpers for the money tests: redeem, faults, ledger, payments, waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from giftcard_connect import hookimpl
from giftcard_connect.testing.money import fetch_payments
from giftcard_connect_mock.books import fetch_ledger

PAYMENT_UPDATE = "POST /<projectKey>/payments/<id>"


def redeem(
    processor_url: str,
    session_id: str,
    code: str,
    cents: int,
    *,
    pin: str | None = None,
    key: str | None = None,
    currency: str = "EUR",
    timeout: float = 30,
) -> requests.Response:
    body: dict[str, Any] = {
        "code": code,
        "redeemAmount": {"centAmount": cents, "currencyCode": currency},
    }
    if pin is not None:
        body["pin"] = pin
    headers = {"X-Session-Id": session_id}
    if key is not None:
        headers["Idempotency-Key"] = key
    return requests.post(f"{processor_url}/redeem", json=body, headers=headers, timeout=timeout)


def eur(cents: int) -> dict:
    return {"centAmount": cents, "currencyCode": "EUR"}


def intent(
    processor_url: str, token: str, payment_id: str, action: str, *, timeout: float = 30, **fields
) -> requests.Response:
    """``POST /operations/payment-intents/{payment_id}`` with one action, as Checkout sends it."""
    return requests.post(
        f"{processor_url}/operations/payment-intents/{payment_id}",
        json={"actions": [{"action": action, **fields}]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
    )


def mock_faults(mock_url: str, **settings) -> None:
    """Replace the mock provider's fault settings (keys left out go back to defaults)."""
    requests.put(f"{mock_url}/_admin/faults", json=settings, timeout=5).raise_for_status()


def seed_card(
    mock_url: str, code: str, cents: int, *, pin: str | None = None, currency: str = "EUR"
):
    body = {"code": code, "centAmount": cents, "currencyCode": currency}
    if pin is not None:
        body["pin"] = pin
    requests.post(f"{mock_url}/_admin/cards", json=body, timeout=5).raise_for_status()


def mock_redeem_attempt(mock_url: str, code: str, cents: int, reference: str) -> requests.Response:
    """Ask the provider itself for a redemption, as a processor would."""
    return requests.post(
        f"{mock_url}/v1/redemptions",
        json={
            "code": code,
            "amount": {"centAmount": cents, "currencyCode": "EUR"},
            "reference": reference,
        },
        timeout=5,
    )


def mock_redeem_directly(mock_url: str, code: str, cents: int, reference: str) -> dict:
    """A new redemption made at the provider itself."""
    response = mock_redeem_attempt(mock_url, code, cents, reference)
    assert response.status_code == 201, response.text
    return response.json()


def emulator_faults(emulator_url: str, faults: list[dict]) -> None:
    requests.put(f"{emulator_url}/_emulator/faults", json=faults, timeout=5).raise_for_status()


def clear_emulator_faults(emulator_url: str) -> None:
    requests.delete(f"{emulator_url}/_emulator/faults", timeout=5).raise_for_status()


def balance_of(mock_url: str, code: str) -> int:
    return fetch_ledger(mock_url)["cards"][code]["amount"]["centAmount"]


def redemptions(mock_url: str) -> list[dict]:
    return fetch_ledger(mock_url)["redemptions"]


def giftcard_payments(merchant) -> list[dict]:
    return [
        p for p in fetch_payments(merchant) if p["paymentMethodInfo"].get("method") == "giftcard"
    ]


def charge_of(payment: dict) -> dict:
    charges = [t for t in payment["transactions"] if t["type"] == "Charge"]
    assert len(charges) == 1, payment
    return charges[0]


def transactions_of(payment: dict, kind: str) -> list[dict]:
    return [t for t in payment["transactions"] if t["type"] == kind]


def run_concurrently(count: int, call: Callable[[int], Any]) -> list:
    """Start ``count`` threads on a barrier so their calls really overlap; return the results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        barrier.wait(timeout=10)
        try:
            results[index] = call(index)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertions below
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def wait_until(predicate: Callable[[], Any], timeout: float = 10, interval: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")
        time.sleep(interval)


def pending_charge_payment(
    merchant, reference: str, cents: int, *, interface: str = "mock"
) -> dict:
    """A gift card payment with a Pending charge, as a crashed processor leaves it behind."""
    return merchant.create_payment(
        {
            "amountPlanned": {"centAmount": cents, "currencyCode": "EUR"},
            "paymentMethodInfo": {"paymentInterface": interface, "method": "giftcard"},
            "transactions": [
                {
                    "type": "Charge",
                    "amount": {"centAmount": cents, "currencyCode": "EUR"},
                    "state": "Pending",
                    "interactionId": reference,
                    "timestamp": "2020-01-01T00:00:00.000Z",
                }
            ],
        }
    )


class Recorder:
    """An observer plugin that remembers every final transaction state it is told about."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls: list[tuple[str, str, str]] = []
        self.problems: list[str] = []  # an assert here would be swallowed by the framework

    @hookimpl
    def giftcard_payment_recorded(self, payment, transaction):
        # The payment as stored must already hold the transaction in that state.
        stored = [t for t in payment["transactions"] if t["id"] == transaction["id"]]
        with self.lock:
            if [t["state"] for t in stored] != [transaction["state"]]:
                self.problems.append(
                    f"{payment['id']}: told {transaction['state']}, stored {stored}"
                )
            self.calls.append((payment["id"], transaction["type"], transaction["state"]))

    def of(self, payment_id: str) -> list[tuple[str, str]]:
        with self.lock:
            return [(kind, state) for pid, kind, state in self.calls if pid == payment_id]
