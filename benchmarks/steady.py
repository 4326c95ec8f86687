"""Steady load: checkouts started at a fixed rate against ``giftcard-connect serve``.

The processor runs with gunicorn's settings of examples/deploy (keep-alive longer than
any idle connection of the client, as behind a proxy).

Each checkout is what a shopper does: Checkout creates a cart and a session in
commercetools (the emulator), then the Enabler checks a card's balance and redeems it;
one checkout in three pays with a second card too (its balance, then a second redeem for
the rest). Checkouts start on a fixed schedule whether or not earlier ones finished (an
open loop, as shoppers arrive), so a slow processor shows up as latency, not as a lower
offered rate. Prints throughput, p50/p95/p99 per processor call and the error rate::

    python benchmarks/steady.py --rate 15 --duration 60
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from fixtures import CART_CENTS, Checkout
from stack import CURRENCY, DEPLOYED_GUNICORN, start_stack

SECOND_CARD_EVERY = 3  # every third checkout splits the cart over two cards
CLIENT_THREADS = 64


class Recorder:
    """Latency and answer of every processor call, by operation."""

    def __init__(self):
        self._lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.checkouts = 0

    def call(self, operation: str, http: requests.Session, url: str, body: dict,
             headers: dict, expect: str) -> bool:
        started = time.perf_counter()
        try:
            response = http.post(url, json=body, headers=headers, timeout=60)
            ok = response.status_code == 200 and expect in response.text
            error = None if ok else f"{operation}: {response.status_code}"
        except requests.RequestException as exc:
            ok, error = False, f"{operation}: {type(exc).__name__}"
        elapsed = time.perf_counter() - started
        with self._lock:
            self.latencies[operation].append(elapsed)
            if error:
                self.errors[error] += 1
        return ok


    def completed(self) -> None:
        with self._lock:
            self.checkouts += 1


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        values = values * 2
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": 1000 * cuts[49], "p95_ms": 1000 * cuts[94], "p99_ms": 1000 * cuts[98]}


class Shopper:
    def __init__(self, processor_url: str, checkout: Checkout, recorder: Recorder):
        self._url = processor_url
        self._checkout = checkout
        self._recorder = recorder
        self._local = threading.local()

    def _http(self) -> requests.Session:
        if not hasattr(self._local, "http"):
            self._local.http = requests.Session()
        return self._local.http

    def checkout(self, number: int) -> None:
        session = self._checkout.session(self._checkout.cart(number))
        headers = {"X-Session-Id": session}
        cards = [f"Valid-{1_000_000 + 2 * number}-{CURRENCY}"]
        amounts = [CART_CENTS]
        if number % SECOND_CARD_EVERY == 0:
            cards.append(f"Valid-{1_000_001 + 2 * number}-{CURRENCY}")
            amounts = [CART_CENTS * 3 // 5, CART_CENTS - CART_CENTS * 3 // 5]
        for card, cents in zip(cards, amounts):
            http = self._http()
            if not self._recorder.call("balance", http, f"{self._url}/balance", {"code": card},
                                       headers, '"Valid"'):
                return
            body = {"code": card, "redeemAmount": {"centAmount": cents, "currencyCode": CURRENCY}}
            redeem_headers = {**headers, "Idempotency-Key": f"steady-{number}-{card}"}
            if not self._recorder.call("redeem", http, f"{self._url}/redeem", body,
                                       redeem_headers, '"Success"'):
                return
        self._recorder.completed()


def drive(shopper: Shopper, rate: float, duration: float) -> tuple[float, int, int]:
    """Start ``rate`` checkouts a second for ``duration`` seconds; wait for all of them.
    Returns the elapsed time, the checkouts started, and how many started late (> 100 ms
    behind schedule: the client, not the processor, fell behind)."""
    count = max(1, round(rate * duration))
    late = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        futures = []
        for number in range(count):
            due = started + number / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            elif pause < -0.1:
                late += 1
            futures.append(pool.submit(shopper.checkout, number))
        for future in futures:
            future.result()
    return time.perf_counter() - started, count, late


def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="steady-") as tmp:
        stack = start_stack(Path(tmp), workers=args.workers, threads=args.threads,
                            extra_env={"GIFTCARD_LOG_FORMAT": "text"},
                            gunicorn_config=DEPLOYED_GUNICORN)
        try:
            recorder = Recorder()
            shopper = Shopper(stack.processor.url, Checkout(stack), recorder)
            load_before = os.getloadavg()
            elapsed, started, late = drive(shopper, args.rate, args.duration)
            load_after = os.getloadavg()
        finally:
            stack.stop()
    every = [value for values in recorder.latencies.values() for value in values]
    requests_made = len(every)
    errors = sum(recorder.errors.values())
    return {
        "rate_offered": args.rate, "duration_s": round(elapsed, 2), "checkouts_started": started,
        "checkouts_completed": recorder.checkouts, "started_late": late,
        "checkouts_per_s": recorder.checkouts / elapsed, "requests": requests_made,
        "requests_per_s": requests_made / elapsed, "errors": errors,
        "error_rate": errors / requests_made if requests_made else 1.0,
        "error_kinds": dict(recorder.errors), "all": percentiles(every),
        "by_operation": {op: {"requests": len(v), **percentiles(v)}
                         for op, v in sorted(recorder.latencies.items())},
        "workers": args.workers, "threads": args.threads,
        "load_average_before": load_before[0], "load_average_after": load_after[0],
    }


def format_report(result: dict) -> str:
    lines = [
        f"steady load: {result['rate_offered']} checkouts/s offered for "
        f"{result['duration_s']} s, processor {result['workers']} workers x "
        f"{result['threads']} threads; load average {result['load_average_before']:.2f} "
        f"before, {result['load_average_after']:.2f} after",
        f"checkouts: {result['checkouts_completed']} of {result['checkouts_started']} completed "
        f"({result['checkouts_per_s']:.1f}/s), {result['started_late']} started late",
        f"processor calls: {result['requests']} ({result['requests_per_s']:.1f}/s), "
        f"errors {result['errors']} ({100 * result['error_rate']:.2f} %) "
        f"{result['error_kinds'] or ''}".rstrip(),
        f"{'call':<10} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}",
    ]
    rows = [("all", {"requests": result["requests"], **result["all"]}),
            *result["by_operation"].items()]
    lines += [f"{name:<10} {row['requests']:>9} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
              f"{row['p99_ms']:>8.1f}" for name, row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rate", type=float, default=20, help="checkouts started per second")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=1) if args.json else format_report(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
