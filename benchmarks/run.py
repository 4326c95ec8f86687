"""Benchmark the processor's balance and redeem: critical path, throughput and CPU per request.

Starts the commercetools emulator, the mock provider and the processor (gunicorn) as
separate processes on loopback, prepares carts and Checkout sessions, then

1. measures each variant one request at a time: sequential commercetools and provider
   calls (see probe.py), total commercetools calls, latency;
2. drives each variant with wrk at a fixed concurrency for a fixed time: requests/s,
   p50/p99 latency, CPU per request of the processor (gunicorn master and workers), of
   the emulator and of the provider, and errors.

    python benchmarks/run.py [--duration 10] [--concurrency 16] [--latency 0] [--json]

Needs wrk (apt-get install wrk). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from fixtures import Checkout, card_code, set_latency
from load import Variant, run_load, wrk_command
from probe import probe
from report import format_report
from stack import Stack, start_stack

VARIANTS = {
    "balance-seen": Variant("balance (session seen)", "balance", new_session=False),
    "balance-new": Variant("balance (new session)", "balance", new_session=True),
    "redeem-seen": Variant("redeem (session seen)", "redeem", new_session=False),
    "redeem-new": Variant("redeem (new session)", "redeem", new_session=True),
}
# Under load every redeem needs a fresh cart, and a session of its own: "session seen"
# cannot be arranged for both gunicorn workers, so it is measured one at a time only.
LOAD_VARIANTS = ("balance-seen", "balance-new", "redeem-new")
WARM_UP_SECONDS = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per load run (10)")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (8)")
    parser.add_argument("--latency", type=float, default=0, metavar="MS",
                        help="added to every commercetools and provider call under load (0)")
    parser.add_argument("--probe-latency", type=float, default=50, metavar="MS",
                        help="added per call to count sequential calls (50)")
    parser.add_argument("--probe-requests", type=int, default=20,
                        help="requests per critical-path figure (20)")
    parser.add_argument("--max-balance-rate", type=float, default=1000,
                        help="fresh sessions prepared per second of --duration for "
                        "'balance (new session)' (1000)")
    parser.add_argument("--max-redeem-rate", type=float, default=400,
                        help="fresh carts prepared per second of --duration for redeem (400)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="load runs of each variant, in turns (1); compare the best")
    parser.add_argument("--only", action="append", choices=sorted(VARIANTS),
                        help="run only these variants (repeatable)")
    parser.add_argument("--no-probe", action="store_true", help="skip the critical-path figures")
    parser.add_argument("--no-load", action="store_true", help="skip the load runs")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra setting for the processor (repeatable)")
    args = parser.parse_args(argv)
    if min(args.duration, args.concurrency, args.probe_latency, args.repeat) <= 0:
        parser.error("--duration, --concurrency, --probe-latency and --repeat must be positive")
    return args


def write_sessions(path: Path, sessions: list[str]) -> Path:
    path.write_text("".join(f"{s} {card_code(i)}\n" for i, s in enumerate(sessions)))
    return path


def sessions_for(stack: Stack, variant: Variant, args, workdir: Path) -> Path:
    checkout = Checkout(stack)
    if variant.operation == "redeem":
        sessions = checkout.fresh_sessions(math.ceil(args.duration * args.max_redeem_rate))
    elif variant.new_session:
        sessions = checkout.sessions_on_one_cart(math.ceil(args.duration * args.max_balance_rate))
    else:
        sessions = checkout.sessions_on_one_cart(args.concurrency)
    return write_sessions(workdir / f"{variant.operation}-{len(sessions)}.txt", sessions)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk_command()
    chosen = args.only or list(VARIANTS)
    extra_env = dict(item.split("=", 1) for item in args.env)
    result = {
        "setup": {
            "workers": args.workers, "threads": args.threads, "concurrency": args.concurrency,
            "duration_s": args.duration, "latency_ms": args.latency,
            "probe_requests": args.probe_requests, "repeat": args.repeat, "cpus": os.cpu_count(),
            "version": version("giftcard-connect"), "env": extra_env,
            "load_average_before": os.getloadavg()[0],
        },
        "probes": [],
        "loads": [],
    }
    with tempfile.TemporaryDirectory(prefix="giftcard-bench-") as tmp:
        workdir = Path(tmp)
        stack = start_stack(workdir, workers=args.workers, threads=args.threads,
                            extra_env=extra_env)
        try:
            # Every worker fetches its token and opens its connections before anything counts.
            warm = VARIANTS["balance-seen"]
            run_load(stack, warm, sessions_for(stack, warm, args, workdir),
                     concurrency=max(4, args.concurrency), duration=WARM_UP_SECONDS, timeout=30)
            if not args.no_probe:
                for name in chosen:
                    result["probes"].append(
                        probe(stack, VARIANTS[name], count=args.probe_requests,
                              latency_ms=args.probe_latency)
                    )
            if not args.no_load:
                for name in [n for n in LOAD_VARIANTS if n in chosen] * args.repeat:
                    variant = VARIANTS[name]
                    sessions = sessions_for(stack, variant, args, workdir)
                    set_latency(stack, args.latency, args.latency)
                    try:
                        result["loads"].append(
                            run_load(stack, variant, sessions, concurrency=args.concurrency,
                                     duration=args.duration, timeout=30)
                        )
                    finally:
                        set_latency(stack, 0, 0)
        finally:
            stack.stop()
    result["setup"]["load_average_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    failed = any(p["errors"] for p in result["probes"]) or any(
        r["errors"] for r in result["loads"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
