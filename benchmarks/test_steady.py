"""A few seconds of the steady load, so that it keeps working: every figure measured, no
error. No timing is asserted (the machine is shared)."""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def test_steady_load_measures_every_figure_without_errors():
    finished = subprocess.run(
        [sys.executable, str(HERE / "steady.py"), "--rate", "5", "--duration", "3", "--json"],
        capture_output=True, text=True, timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    result = json.loads(finished.stdout)
    assert result["errors"] == 0 and result["error_rate"] == 0
    assert result["checkouts_completed"] == result["checkouts_started"] == 15
    assert set(result["by_operation"]) == {"balance", "redeem"}
    # 15 checkouts, every third with a second card: 20 balances and 20 redeems.
    assert [result["by_operation"][op]["requests"] for op in ("balance", "redeem")] == [20, 20]
    for figures in [result["all"], *result["by_operation"].values()]:
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert result["requests_per_s"] > 0 and result["checkouts_per_s"] > 0
