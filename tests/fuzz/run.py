"""Fuzz a running processor with schemathesis: every check, real services on loopback.

The commercetools emulator, the mock provider and a processor run in this process on
free ports; ``st run`` runs in a child process against the processor's
``/openapi.json`` with every check enabled (``schemathesis.toml`` says which statuses
the business rules add), real credentials from ``hooks.py`` and real payments to refund
and void. Prints the run's summary and returns its exit status::

    python -m tests.fuzz.run --max-examples 1000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import requests

from giftcard_connect.app import create_app
from giftcard_connect.emulator import create_app as create_emulator_app
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing import services
from giftcard_connect_mock.service import create_app as create_mock_app

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis.toml"


@dataclass(frozen=True)
class FuzzResult:
    exit_code: int
    output: str
    operations: int = 0
    cases: int = 0
    failures: int = 0  # checks that failed
    checks: dict[str, int] = field(default_factory=dict)  # "name:status" → how often

    @property
    def checks_run(self) -> int:
        return sum(self.checks.values())


def start_stack(stack: ExitStack) -> tuple[str, str]:
    """Emulator, mock provider and processor on loopback: (processor URL, emulator URL)."""
    emulator = stack.enter_context(BackgroundServer(
        create_emulator_app(services.emulator_config()), name="fuzz-emulator"))
    provider = stack.enter_context(BackgroundServer(create_mock_app(), name="fuzz-provider"))
    processor = stack.enter_context(BackgroundServer(create_app(services.processor_config(
        emulator.url, "mock",
        GIFTCARD_MOCK_URL=provider.url,
        CTP_JWKS_URL=f"{emulator.url}/.well-known/jwks.json",
        CTP_JWT_ISSUER=emulator.url,
        GIFTCARD_ALLOWED_ORIGINS="https://shop.example",
        # One client address sends every case: the per-IP limit would answer 429 to
        # nearly all of them. Per session the default holds (hooks.py renews sessions).
        GIFTCARD_RATE_LIMIT_PER_IP="100000 per hour",
    )), name="fuzz-processor"))
    return processor.url, emulator.url


def paid_payments(processor_url: str, emulator_url: str, count: int = 4) -> list[str]:
    """Payments with a Success charge, for the payment intents to act on."""
    checkout = services.Checkout(services.merchant_client(emulator_url), "mock")
    ids = []
    for _ in range(count):
        response = requests.post(
            f"{processor_url}/redeem",
            json={"code": "Valid-1000000-EUR",
                  "redeemAmount": {"centAmount": 5000, "currencyCode": "EUR"}},
            headers={"X-Session-Id": checkout.session(checkout.cart(5000))}, timeout=30)
        response.raise_for_status()
        ids.append(response.json()["paymentReference"])
    return ids


def fuzz(max_examples: int, seed: int | None = None, workers: int = 2) -> FuzzResult:
    """Start the services, run ``st run`` against them, and read its report."""
    with ExitStack() as stack, tempfile.TemporaryDirectory() as directory:
        processor_url, emulator_url = start_stack(stack)
        events = Path(directory) / "events.ndjson"
        command = [
            sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run",
            f"{processor_url}/openapi.json", "--checks", "all", "--workers", str(workers),
            "--max-examples", str(max_examples), "--report", "ndjson",
            "--report-ndjson-path", str(events), "--no-color",
            *(["--seed", str(seed)] if seed is not None else []),
        ]
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parents[1]),
                                                        os.environ.get("PYTHONPATH")])),
            "GIFTCARD_FUZZ_EMULATOR_URL": emulator_url,
            "GIFTCARD_FUZZ_PAYMENTS": ",".join(paid_payments(processor_url, emulator_url)),
        }
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
        return _read(done, events)


def _read(done: subprocess.CompletedProcess, events: Path) -> FuzzResult:
    """The run's figures from schemathesis' event stream: each finished scenario holds
    its cases and every check run on their answers."""
    output = done.stdout + done.stderr
    if not events.exists():
        return FuzzResult(done.returncode, output)
    operations, cases, checks = set(), 0, Counter()
    for line in events.read_text().splitlines():
        scenario = json.loads(line).get("ScenarioFinished")
        if not scenario:
            continue
        recorder = scenario["recorder"]
        operations.add(recorder["label"])
        cases += len(recorder.get("cases") or {})
        for results in (recorder.get("checks") or {}).values():
            checks.update(f"{check['name']}:{check['status']}" for check in results)
    failures = sum(n for key, n in checks.items() if key.endswith(":failure"))
    return FuzzResult(done.returncode, output, len(operations), cases, failures, dict(checks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100,
                        help="test cases per operation and phase (default 100)")
    parser.add_argument("--seed", type=int, default=None, help="repeat a run exactly")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    # Only errors of the services: no access log line or 429 warning per case.
    logging.basicConfig(level=logging.ERROR)
    result = fuzz(args.max_examples, args.seed, args.workers)
    print(result.output)
    print(f"fuzz: {result.operations} operations, {result.cases} test cases, "
          f"{result.checks_run} checks ({result.failures} failed), exit {result.exit_code}")
    for name, count in sorted(result.checks.items()):
        print(f"  {name:<40} {count}")
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
