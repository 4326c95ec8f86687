"""Generated projects pass their own tests out of the box: each one is installed in a fresh
virtualenv with the framework, then the test command of its README runs unchanged."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .generate import generate

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ANSWER_SETS = {
    "defaults": {"provider_name": "Acme Gift"},
    "pin-required-whole-refunds": {
        "provider_name": "Café 24 Cards", "pin": "required", "supports_partial_cancel": False,
        "default_currency": "CZK", "license": "MIT",
    },
    "pin-optional": {"provider_name": "Bolt", "provider_slug": "bolt-gift", "pin": "optional",
                     "default_currency": "USD", "license": "Proprietary"},
}


def readme_test_commands(project: Path) -> list[str]:
    """The lines of the first ```sh block in the README's "## Test" section."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Test\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    return [line for line in block.group(1).splitlines() if line.strip()]


def run(command, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    shown = command if isinstance(command, str) else " ".join(map(str, command))
    assert result.returncode == 0, f"{shown}\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    return result


def test_the_readme_test_command_is_what_a_provider_author_runs(tmp_path):
    project = generate(tmp_path, provider_name="Acme Gift")
    assert readme_test_commands(project) == ['pip install -e ".[test]"', "pytest"]


@pytest.mark.parametrize("answers", ANSWER_SETS.values(), ids=ANSWER_SETS.keys())
def test_generated_project_passes_its_own_tests(tmp_path, capsys, answers):
    project = generate(tmp_path, **answers)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    run([venv / "bin" / "pip", "install", "-q", "-e", REPO, "-e", project])
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", VIRTUAL_ENV=str(venv))
    started = time.monotonic()
    for line in readme_test_commands(project):
        result = run(line, shell=True, cwd=project, env=env)
    elapsed = time.monotonic() - started
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"=* \d+ passed in [\d.]+s =*", summary), summary
    with capsys.disabled():
        print(f"\n{project.name}: README test command passed in {elapsed:.1f}s "
              f"({summary.strip('= ')})")
