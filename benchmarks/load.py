"""Load at a fixed concurrency for a fixed time with wrk, and what it cost each process."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fixtures import counts, reset_counts
from stack import Service, Stack

DRIVER = Path(__file__).with_name("drive.lua")


def wrk_command() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    return found


@dataclass(frozen=True)
class Variant:
    """One way of calling the processor: which operation, and whether sessions repeat."""

    name: str
    operation: str  # balance | redeem
    new_session: bool  # a fresh session (and, for redeem, a fresh cart) per request


def cpu_used(service: Service, before: dict[int, float]) -> float:
    """CPU seconds the service's processes used since ``before`` (a worker that was
    replaced meanwhile counts from zero)."""
    after = service.cpu()
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def run_load(
    stack: Stack,
    variant: Variant,
    sessions_file: Path,
    *,
    concurrency: int,
    duration: float,
    timeout: float,
) -> dict:
    """Drive one variant with wrk; figures per request."""
    threads = max(1, min(2, concurrency))
    argv = [
        wrk_command(), "-t", str(threads), "-c", str(concurrency), "-d", f"{duration:.0f}s",
        "--timeout", f"{timeout:.0f}s", "-s", str(DRIVER), stack.processor.url, "--",
        str(sessions_file), variant.operation, str(threads),
        "once" if variant.new_session else "cycle",
    ]
    reset_counts(stack)
    before = {name: getattr(stack, name).cpu() for name in ("processor", "emulator", "provider")}
    workers_before = set(stack.processor.pids())
    finished = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 120)
    used = {name: cpu_used(getattr(stack, name), before[name]) for name in before}
    routes = counts(stack)
    if finished.returncode != 0:
        raise SystemExit(f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}")
    result = _parse(finished.stdout)
    done = result["requests"]
    per_request = (lambda value: value / done) if done else (lambda value: 0.0)
    errors = result["errors"]
    return {
        "variant": variant.name,
        "operation": variant.operation,
        "new_session": variant.new_session,
        "concurrency": concurrency,
        "duration_s": result["duration_us"] / 1e6,
        "requests": done,
        "requests_per_s": done / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "mean_ms": result["mean_us"] / 1000,
        "processor_cpu_ms": 1000 * per_request(used["processor"]),
        "emulator_cpu_ms": 1000 * per_request(used["emulator"]),
        "provider_cpu_ms": 1000 * per_request(used["provider"]),
        "commercetools_calls": per_request(sum(routes.values())),
        "errors": sum(errors.values()),
        "error_kinds": {kind: count for kind, count in errors.items() if count},
        "workers_replaced": workers_before != set(stack.processor.pids()),
    }


def _parse(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.split(" ", 1)[1])
    raise SystemExit(f"wrk printed no result:\n{stdout}")
