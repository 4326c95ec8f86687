"""examples/minimal-provider runs its tests as its README says, and passes the suite.

It is not installed here: its pytest settings put its one module on the path, and the
framework's pytest plugin provides the conformance suite's fixtures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from giftcard_connect.testing import ProviderConformance

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "minimal-provider"
SUITE_SIZE = sum(name.startswith("test_") for name in dir(ProviderConformance))


def test_minimal_provider_passes_its_tests_and_the_conformance_suite():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
        check=False,
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{SUITE_SIZE} passed" in result.stdout, result.stdout
