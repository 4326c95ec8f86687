"""The chaos run: hundreds of checkouts under injected faults, then reconcile, then the books.

Starts the commercetools emulator, the mock provider and one or more processor instances
(``giftcard-connect serve``, gunicorn) as a user would; with several instances, a real
``redis-server`` holds their shared rate limits and a round-robin proxy puts them behind
one address. Shoppers run the plan's checkouts concurrently (balance, single and split
redeems, the same Idempotency-Key twice, two cards at once, refunds, reversals) while the
plan's faults are injected: commercetools 5xx, 409, lost answers and latency, provider
errors, timeouts and redemptions booked but answered too late, gunicorn workers killed.
Then the faults stop, ``giftcard-connect reconcile --older-than 0`` runs (once per
instance, all at once) and the checks of ``chaos_checks`` judge the outcome. Prints a
table; exits 1 when any check fails::

    python benchmarks/chaos.py --checkouts 1000 --instances 2 --seed 7
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import requests
from giftcard_connect.commercetools import CommercetoolsClient
from giftcard_connect.testing.money import fetch_payments
from giftcard_connect_mock.books import fetch_ledger

from chaos_checks import all_problems
from chaos_faults import FaultInjector
from chaos_plan import CURRENCY, STRANDING, Checkout, Fault, Plan, make_plan
from chaos_shopper import Answers, Shopper
from proxy import RoundRobinProxy
from stack import (
    CLIENT_ID,
    DEPLOYED_GUNICORN,
    PROJECT_KEY,
    Stack,
    children,
    command,
    processor_env,
    start_processor,
    start_stack,
)

RECONCILE_LATENCY = 1.0  # seconds per provider call while reconcile runs


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--checkouts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--instances", type=int, default=1,
                        help="processor instances; more than one share a redis-server")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--shoppers", type=int, default=12, help="checkouts at once")
    parser.add_argument("--faults", type=int, default=None, help="default: one per 4 checkouts")
    parser.add_argument("--cards", type=int, default=None, help="default: one per 5 checkouts")
    parser.add_argument("--provider-timeout", type=float, default=1.0,
                        help="the processor's GIFTCARD_PROVIDER_TIMEOUT, seconds")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 1_000_000)
    return args


def processor_settings(args: argparse.Namespace, redis_url: str | None) -> dict[str, str]:
    settings = {
        "GIFTCARD_PROVIDER_TIMEOUT": str(args.provider_timeout),
        "CTP_TIMEOUT": "3",
        # Every shopper comes from 127.0.0.1: the per-address limit would refuse the run's
        # own declines (insufficient balance on a drained card) after 50 of them.
        "GIFTCARD_RATE_LIMIT_PER_IP": "100000 per hour",
        "GIFTCARD_LOG_FORMAT": "text",
    }
    if redis_url:
        settings["GIFTCARD_RATE_LIMIT_STORAGE"] = redis_url
    return settings


def merchant(stack: Stack) -> CommercetoolsClient:
    """commercetools as the merchant sees it, to read every payment and cart afterwards."""
    url = stack.emulator.url
    return CommercetoolsClient(project_key=PROJECT_KEY, client_id=CLIENT_ID,
                               client_secret=stack.client_secret, auth_url=url, api_url=url,
                               session_url=url)


def bearer_token(stack: Stack) -> str:
    """A token as Checkout holds it: the payment intents are called with it."""
    response = requests.post(f"{stack.emulator.url}/oauth/token",
                             data={"grant_type": "client_credentials"},
                             auth=(CLIENT_ID, stack.client_secret), timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def seed_cards(stack: Stack, plan: Plan) -> dict[str, int]:
    for card in plan.cards:
        body = {"code": card.code, "centAmount": card.cents, "currencyCode": CURRENCY,
                **({"pin": card.pin} if card.pin else {})}
        requests.post(f"{stack.provider.url}/_admin/cards", json=body,
                      timeout=10).raise_for_status()
    return {card.code: card.cents for card in plan.cards}


def run_checkouts(plan: Plan, shopper: Shopper, injector: FaultInjector, shoppers: int) -> int:
    """Every checkout of the plan, ``shoppers`` at once; faults go in as their turn comes.
    Returns how many checkouts the harness itself could not run (it could not create
    the cart or session), which fails the run."""
    def one(checkout) -> bool:
        for fault in plan.faults_before(checkout.number):
            injector.inject(fault)
        try:
            shopper.checkout(checkout)
        except requests.RequestException as exc:
            print(f"checkout {checkout.number}: the harness failed: {exc!r}", file=sys.stderr)
            return False
        return True

    with ThreadPoolExecutor(shoppers) as pool:
        return sum(not done for done in pool.map(one, plan.checkouts))


def strand_a_charge(plan: Plan, shopper: Shopper, injector: FaultInjector,
                    provider_timeout: float) -> None:
    """A last checkout while the provider is too slow for the redeem and for its void:
    whatever else happened, reconcile has at least this charge to resolve."""
    last = Checkout(len(plan.checkouts), "single card", 1_000, (0,), (1_000,))
    injector.inject(Fault(last.number, STRANDING, provider={"latency": provider_timeout + 0.5}))
    shopper.checkout(last)


def wait_for_workers(processors, workers: int, timeout: float = 60) -> None:
    """After the kills, every instance has its workers again (gunicorn replaced them)."""
    deadline = time.monotonic() + timeout
    while any(len(children(p.process.pid)) < workers for p in processors):
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not replace the killed workers")
        time.sleep(0.2)


def pending_count(payments: list[dict]) -> int:
    return sum(t["state"] == "Pending" for p in payments for t in p["transactions"])


def reconcile_at_once(stack: Stack, settings: dict[str, str], runs: int) -> list[dict]:
    """``giftcard-connect reconcile --older-than 0``, ``runs`` of them at the same time.

    The provider answers each call after RECONCILE_LATENCY seconds meanwhile, so that runs
    started together are still at work on the same Pending transactions, not one after
    the other.
    """
    env = {**os.environ, **processor_env(stack), **settings,
           "GIFTCARD_PROVIDER_TIMEOUT": str(3 * RECONCILE_LATENCY)}
    argv = [command("giftcard-connect"), "reconcile", "--older-than", "0"]
    requests.put(f"{stack.provider.url}/_admin/faults", json={"latency": RECONCILE_LATENCY},
                 timeout=10).raise_for_status()
    started = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(runs)]
    results = []
    for process in started:
        out, err = process.communicate(timeout=600)
        results.append({"exit": process.returncode, "rows": reconcile_rows(out),
                        "output": out, "errors": err})
    requests.delete(f"{stack.provider.url}/_admin/faults", timeout=10).raise_for_status()
    return results


def reconcile_rows(table: str) -> dict[str, str]:
    """Transaction id → outcome, read off reconcile's table (columns two spaces apart)."""
    rows = [re.split(r"\s{2,}", line.strip()) for line in table.strip().splitlines()[1:-1]]
    return {row[1]: row[-1] for row in rows}


def explain(problems: dict[str, list[str]], ledger: dict, payments: list[dict]) -> str:
    """The provider's records and the payments of every card a problem names."""
    named = {code for lines in problems.values() for line in lines
             for code in re.findall(r"card (\S+?):", line)}
    text = []
    for code in sorted(named):
        redemptions = [r for r in ledger["redemptions"] if r["code"] == code]
        references = {r["reference"] for r in redemptions}
        text.append(f"card {code}: {json.dumps(ledger['cards'].get(code))}")
        text += [f"  redemption {json.dumps(r)}" for r in redemptions]
        for payment in payments:
            charges = [t for t in payment["transactions"] if t["type"] == "Charge"]
            if any(t.get("interactionId") in references for t in charges):
                text.append(f"  payment {payment['id']} status {payment.get('paymentStatus')}")
                text += [f"    {t['type']} {t['state']} {t['amount']['centAmount']} "
                         f"{t.get('interactionId')}" for t in payment["transactions"]]
    return "\n".join(text)


def run(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp, ExitStack() as cleanup:
        workdir = Path(tmp)
        plan = make_plan(args.seed, args.checkouts, cards=args.cards or max(6, args.checkouts // 5),
                         faults=args.faults if args.faults is not None else args.checkouts // 4,
                         instances=args.instances, provider_timeout=args.provider_timeout)
        stack = start_stack(workdir, workers=0, threads=0, extra_env={}, with_processor=False)
        cleanup.callback(stack.stop)
        redis_url = None
        if args.instances > 1:
            # Only several instances need Redis (the ``redis`` extra): imported here.
            from giftcard_connect.testing.redis_server import RedisServer

            redis_server = RedisServer(workdir).start()
            cleanup.callback(redis_server.stop)
            redis_url = redis_server.url
        settings = processor_settings(args, redis_url)
        processors = [start_processor(stack, workdir, workers=args.workers, threads=args.threads,
                                      extra_env=settings, name=f"processor-{i + 1}",
                                      gunicorn_config=DEPLOYED_GUNICORN)
                      for i in range(args.instances)]
        url = processors[0].url
        if args.instances > 1:
            proxy = RoundRobinProxy([p.url for p in processors]).start()
            cleanup.callback(proxy.stop)
            url = proxy.url
        initial_balances = seed_cards(stack, plan)
        answers = Answers()
        shopper = Shopper(url, stack.emulator.url, PROJECT_KEY, bearer_token(stack), plan.cards,
                          answers)
        injector = FaultInjector(stack.emulator.url, stack.provider.url, processors)

        started = time.monotonic()
        harness_failures = run_checkouts(plan, shopper, injector, args.shoppers)
        strand_a_charge(plan, shopper, injector, args.provider_timeout)
        elapsed = time.monotonic() - started
        injector.clear()
        wait_for_workers(processors, args.workers)

        ct = merchant(stack)
        pending_before = pending_count(fetch_payments(ct))
        reconciles = reconcile_at_once(stack, settings, args.instances)
        ledger, payments = fetch_ledger(stack.provider.url), fetch_payments(ct)
        carts = {cart_id: ct.get_cart(cart_id) for cart_id in answers.carts}
        problems = all_problems(ledger, payments, carts, answers, initial_balances)
        if harness_failures:
            problems["the harness ran every checkout"] = [
                f"{harness_failures} checkouts could not be set up"]
        redis_keys = len(redis_server.client().keys("LIMITS:*")) if redis_url else None
        return {
            "seed": args.seed, "checkouts": args.checkouts, "instances": args.instances,
            "workers": args.workers, "shoppers": args.shoppers, "seconds": round(elapsed, 1),
            "kinds": dict(Counter(c.kind for c in plan.checkouts)),
            "operations": dict(answers.operations), "outcomes": dict(answers.outcomes),
            "faults": dict(injector.injected), "pending_before_reconcile": pending_before,
            "reconcile": [{"exit": r["exit"], "outcomes": dict(Counter(r["rows"].values()))}
                          for r in reconciles],
            "reconciled_by_all": len(set.intersection(*(set(r["rows"]) for r in reconciles))),
            "cards": len(plan.cards), "payments": len(payments),
            "redis_limit_keys": redis_keys, "problems": problems,
            "explanation": explain(problems, ledger, payments),
            "reconcile_output": [r["output"] + r["errors"] for r in reconciles
                                 if r["exit"] != 0],
        }


def format_table(result: dict) -> str:
    def section(title: str, counts: dict) -> list[str]:
        rows = [f"{title:<62} {'count':>6}"]
        rows += [f"  {name:<60} {count:>6}" for name, count in sorted(counts.items())]
        return rows

    lines = [f"chaos run: seed {result['seed']}, {result['checkouts']} checkouts, "
             f"{result['instances']} instance(s) x {result['workers']} gunicorn workers, "
             f"{result['shoppers']} shoppers at once, {result['seconds']} s", ""]
    lines += section("checkouts", result["kinds"]) + [""]
    lines += section("operations", result["operations"]) + [""]
    lines += section("faults injected", result["faults"]) + [""]
    lines += section("outcomes (what the caller was answered)", result["outcomes"]) + [""]
    lines.append(f"Pending transactions before reconcile: {result['pending_before_reconcile']}")
    for index, run_ in enumerate(result["reconcile"], 1):
        outcomes = ", ".join(f"{n} {o}" for o, n in sorted(run_["outcomes"].items())) or "nothing"
        lines.append(f"reconcile {index} (exit {run_['exit']}): {outcomes}")
    if len(result["reconcile"]) > 1:
        lines.append(f"transactions every reconcile run worked on: {result['reconciled_by_all']}")
    if result["redis_limit_keys"] is not None:
        lines.append(f"rate-limit counters in redis-server: {result['redis_limit_keys']}")
    lines.append("")
    failed = 0
    for check, problems in result["problems"].items():
        lines.append(f"{'held' if not problems else 'FAILED':<7} {check}")
        lines += [f"        {problem}" for problem in problems]
        failed += bool(problems)
    lines.append(f"invariant: {result['cards']} cards, {result['payments']} payments: "
                 + ("held" if not failed else f"{failed} checks failed"))
    if result["explanation"]:
        lines += ["", result["explanation"]]
    lines += result["reconcile_output"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    # A SIGTERM (a CI timeout) unwinds like Ctrl-C, so the services started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=1) if args.json else format_table(result))
    return 1 if any(result["problems"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
