"""Sequential remote calls: one request at a time, with and without added latency.

With L ms added to every commercetools call, a request that makes n of them one after
the other takes n·L ms longer; calls that overlap add L once. So
(median latency with L − median latency without) ÷ L is the number of *sequential*
commercetools calls, and the same with the provider's latency gives the provider calls
on the critical path. The emulator's per-route counters give the *total* number of
commercetools calls, overlapped or not.

Each request goes over one keep-alive connection, which gunicorn keeps on one worker; a
"session seen" request is preceded (untimed) by a call that makes that worker look the
session up, as the Enabler's ``GET /operations/config`` does when it loads.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable

import requests

from fixtures import REDEEM_CENTS, Checkout, card_code, counts, set_latency
from load import Variant
from stack import CURRENCY, Stack


class Caller:
    """The Enabler's calls for one variant, over one keep-alive connection."""

    def __init__(self, stack: Stack, checkout: Checkout, variant: Variant, count: int):
        self._url = stack.processor.url
        self._http = requests.Session()
        self._variant = variant
        needed = count if variant.new_session or variant.operation == "redeem" else 1
        if variant.operation == "redeem":
            self._sessions = checkout.fresh_sessions(needed)
        else:
            *self._sessions, spare = checkout.sessions_on_one_cart(needed + 1)
            self._remember_cart(spare)
        self._next = 0

    def _remember_cart(self, session: str) -> None:
        """One untimed balance on the cart, so that the worker knows its currency.

        A real shopper checks a balance on a cart that is already known after the first
        check; the probe measures that steady state, not the worker's first sight of it.
        """
        self._http.post(
            f"{self._url}/balance", json={"code": card_code(0)},
            headers={"X-Session-Id": session}, timeout=30,
        )

    def prepare(self) -> Callable[[], requests.Response]:
        """Everything before the timed request; returns the timed request."""
        variant = self._variant
        if variant.new_session or variant.operation == "redeem":
            session = self._sessions[self._next]
            self._next += 1
        else:
            session = self._sessions[0]
        headers = {"X-Session-Id": session}
        if not variant.new_session:
            self._http.get(f"{self._url}/operations/config", headers=headers, timeout=30)
        code = card_code(self._next)
        if variant.operation == "balance":
            return lambda: self._http.post(
                f"{self._url}/balance", json={"code": code}, headers=headers, timeout=30
            )
        body = {"code": code, "redeemAmount": {"centAmount": REDEEM_CENTS, "currencyCode": CURRENCY}}
        return lambda: self._http.post(
            f"{self._url}/redeem", json=body, headers={**headers, "Idempotency-Key": session},
            timeout=30,
        )


def _timed(stack: Stack, caller: Caller, count: int) -> tuple[list[float], Counter, int]:
    """Latencies in ms, commercetools calls per route, and how many answers were wrong."""
    latencies, routes, bad = [], Counter(), 0
    for _ in range(count):
        send = caller.prepare()
        before = counts(stack)
        started = time.perf_counter()
        response = send()
        latencies.append(1000 * (time.perf_counter() - started))
        routes.update(Counter(counts(stack)) - Counter(before))
        expected = "Success" if "redeem" in response.url else "Valid"
        if response.status_code != 200 or expected not in response.text:
            bad += 1
    return latencies, routes, bad


def probe(stack: Stack, variant: Variant, *, count: int, latency_ms: float) -> dict:
    """Sequential commercetools and provider calls of one variant."""
    checkout = Checkout(stack)
    caller = Caller(stack, checkout, variant, 3 * count)
    medians, errors = {}, 0
    routes: Counter = Counter()
    for added, (ct_ms, provider_ms) in {
        "none": (0, 0), "commercetools": (latency_ms, 0), "provider": (0, latency_ms),
    }.items():
        set_latency(stack, ct_ms, provider_ms)
        try:
            latencies, seen, bad = _timed(stack, caller, count)
        finally:
            set_latency(stack, 0, 0)
        medians[added] = statistics.median(latencies)
        errors += bad
        if added == "none":
            routes = seen
    return {
        "variant": variant.name,
        "latency_ms": medians["none"],
        "latency_with_added_commercetools_ms": medians["commercetools"],
        "added_ms": latency_ms,
        "sequential_commercetools_calls": (medians["commercetools"] - medians["none"]) / latency_ms,
        "sequential_provider_calls": (medians["provider"] - medians["none"]) / latency_ms,
        "commercetools_calls": sum(routes.values()) / count,
        "commercetools_routes": {route: n / count for route, n in sorted(routes.items())},
        "errors": errors,
    }
