"""Instructions per request of the processor's own code, counted by valgrind: load-independent.

CPU time per request (run.py) is what an operator pays for, but on a shared machine it
grows with everyone else's load. The number of instructions the processor executes per
request does not: it is counted here by callgrind, with the processor's Flask app called
in-process (no gunicorn, no kernel time) against the emulator and the mock provider
running as separate processes. Two runs of N and 3N requests cancel start-up and warm-up.

    python benchmarks/instructions.py [--requests 20] [balance-seen balance-new ...]

Needs valgrind (apt-get install valgrind). Each variant takes about half a minute.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fixtures import REDEEM_CENTS, Checkout, card_code
from stack import CURRENCY, processor_env, start_stack

VARIANTS = ("healthz", "balance-seen", "balance-new", "redeem-new")


def sessions_for(checkout: Checkout, variant: str, count: int) -> list[str]:
    if variant == "redeem-new":
        return checkout.fresh_sessions(count)
    if variant == "balance-new":
        return checkout.sessions_on_one_cart(count)
    return [checkout.session(checkout.cart())] * count


def worker(variant: str, sessions_file: str) -> None:
    """Inside valgrind: build the app, warm it up, count only the timed requests."""
    from werkzeug.test import EnvironBuilder

    from giftcard_connect.app import create_app
    from giftcard_connect.logs import configure_logging

    app = create_app()
    configure_logging(app.extensions["giftcard_connect"].settings.log_format)
    logging.getLogger().handlers[-1].setStream(open(os.devnull, "w"))
    environs = []
    for index, session in enumerate(Path(sessions_file).read_text().split()):
        headers = {"X-Session-Id": session}
        body = None
        if variant.startswith("redeem"):
            headers["Idempotency-Key"] = session
            amount = {"centAmount": REDEEM_CENTS, "currencyCode": CURRENCY}
            path, body = "/redeem", {"code": card_code(index), "redeemAmount": amount}
        elif variant.startswith("balance"):
            path, body = "/balance", {"code": card_code(index)}
        else:
            path = "/healthz"
        builder = EnvironBuilder(path=path, method="POST" if body else "GET", headers=headers,
                                 json=body)
        environs.append(builder.get_environ())

    def call(environ) -> None:
        statuses = []
        b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{variant}: answered {statuses[0]}")

    warm, timed = environs[:2], environs[2:]
    for environ in warm:
        call(environ)
    control = ["callgrind_control", "--instr"]
    subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
    for environ in timed:
        call(environ)
    subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)


def count(variant: str, sessions: list[str], env: dict, workdir: Path) -> int:
    """Instructions of ``len(sessions) - 2`` requests (plus the fixed cost of the toggles)."""
    sessions_file = workdir / f"{variant}-{len(sessions)}.txt"
    sessions_file.write_text("\n".join(sessions))
    out = workdir / f"{variant}-{len(sessions)}.callgrind"
    finished = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         sys.executable, __file__, "--worker", variant, str(sessions_file)],
        env=env, capture_output=True, text=True,
    )
    if finished.returncode != 0:
        raise SystemExit(f"{variant} failed under valgrind:\n{finished.stderr[-2000:]}")
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
    return int(totals[0].split()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("variants", nargs="*", help=f"of {', '.join(VARIANTS)} (default: all)")
    parser.add_argument("--requests", type=int, default=20, help="N (20): runs of N and 3N")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0
    unknown = set(args.variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed: apt-get install -y valgrind")
    results = {}
    with tempfile.TemporaryDirectory(prefix="giftcard-instructions-") as tmp:
        workdir = Path(tmp)
        stack = start_stack(workdir, workers=1, threads=1, extra_env={}, with_processor=False)
        try:
            env = {**os.environ, **processor_env(stack)}
            checkout = Checkout(stack)
            for variant in args.variants or VARIANTS:
                small, large = args.requests, 3 * args.requests
                few = count(variant, sessions_for(checkout, variant, small + 2), env, workdir)
                many = count(variant, sessions_for(checkout, variant, large + 2), env, workdir)
                results[variant] = (many - few) / (large - small)
        finally:
            stack.stop()
    if args.json:
        print(json.dumps({"instructions_per_request": results}, indent=2))
    else:
        for variant, instructions in results.items():
            print(f"{variant:14s} {instructions / 1e6:6.2f} M instructions per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
