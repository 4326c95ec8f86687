"""The benchmark's figures as two plain-text tables."""

from __future__ import annotations


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(  # noqa: E731
        cell.ljust(width) if i == 0 else cell.rjust(width)
        for i, (cell, width) in enumerate(zip(cells, widths))
    )
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def format_report(result: dict) -> str:
    setup = result["setup"]
    parts = [
        f"processor: gunicorn, {setup['workers']} workers x {setup['threads']} threads; "
        f"{setup['cpus']} CPUs; giftcard-connect {setup['version']}; load average "
        f"{setup['load_average_before']:.1f} before, {setup['load_average_after']:.1f} after "
        "(other processes on the machine inflate CPU per request)"
    ]
    if result["probes"]:
        added = result["probes"][0]["added_ms"]
        rows = [
            [
                p["variant"],
                f"{p['sequential_commercetools_calls']:.1f} + {p['sequential_provider_calls']:.1f}",
                f"{p['commercetools_calls']:.1f}",
                f"{p['latency_ms']:.1f}",
                f"{p['latency_with_added_commercetools_ms']:.1f}",
                str(p["errors"]),
            ]
            for p in result["probes"]
        ]
        parts += [
            "",
            f"Critical path, one request at a time ({setup['probe_requests']} requests per figure, "
            "medians)",
            _table(
                ["variant", "sequential calls ct + provider", "ct calls", "latency ms",
                 f"ms, +{added:g} ms per ct call", "errors"],
                rows,
            ),
        ]
    if result["loads"]:
        latency = setup["latency_ms"]
        rows = [
            [
                r["variant"],
                f"{r['requests_per_s']:.0f}",
                f"{r['p50_ms']:.1f}",
                f"{r['p99_ms']:.1f}",
                f"{r['processor_cpu_ms']:.2f}",
                f"{r['emulator_cpu_ms']:.2f}",
                f"{r['provider_cpu_ms']:.2f}",
                f"{r['commercetools_calls']:.2f}",
                str(r["requests"]),
                str(r["errors"]) + (" " + str(r["error_kinds"]) if r["errors"] else ""),
            ]
            for r in result["loads"]
        ]
        parts += [
            "",
            f"Under load: {setup['concurrency']} concurrent connections for {setup['duration_s']:g} s"
            + (f", +{latency:g} ms on every commercetools and provider call" if latency else ""),
            _table(
                ["variant", "req/s", "p50 ms", "p99 ms", "processor CPU ms/req",
                 "emulator CPU ms/req", "provider CPU ms/req", "ct calls/req", "requests",
                 "errors"],
                rows,
            ),
        ]
        if any(r["workers_replaced"] for r in result["loads"]):
            parts.append("warning: a gunicorn worker was replaced during a run")
    return "\n".join(parts)
