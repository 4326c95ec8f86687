"""Every generated connect.yaml through commercetools' own Connect specification parser.

Needs Node and the parser (`npm ci --prefix tests/template/connect_spec`); `tox -e
connect-spec` does both.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .generate import generate

pytestmark = pytest.mark.connect_spec

SPEC = Path(__file__).resolve().parent / "connect_spec"
ANSWER_SETS = [
    {"provider_name": "Acme Gift"},
    {"provider_name": "Café 24 Cards", "pin": "required", "supports_partial_cancel": False,
     "default_currency": "CZK", "api_base_url": "http://127.0.0.1:8081/v2"},
    {"provider_name": "Bolt", "provider_slug": "b0lt", "pin": "optional", "license": "MIT"},
]


def validate(*files: Path) -> subprocess.CompletedProcess:
    if not (SPEC / "node_modules" / "@commercetools-connect" / "specification").is_dir():
        pytest.fail(f"the parser is not installed: npm ci --prefix {SPEC}")
    return subprocess.run(
        ["node", "validate.mjs", *map(str, files)], cwd=SPEC, capture_output=True, text=True,
        timeout=60,
    )


def test_every_generated_connect_yaml_passes_the_connect_parser(tmp_path):
    manifests = [
        generate(tmp_path / f"set-{index}", **answers) / "connect.yaml"
        for index, answers in enumerate(ANSWER_SETS)
    ]
    result = validate(*manifests)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [f"valid: {manifest}" for manifest in manifests]


def test_the_prebuilt_plugins_connect_yaml_passes_the_connect_parser():
    plugins = Path(__file__).resolve().parents[2] / "plugins"
    manifests = sorted(plugins.glob("*/connect.yaml"))
    assert plugins / "voucherify" / "connect.yaml" in manifests
    result = validate(*manifests)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "change, reason",
    [
        (("applicationType: assets", "applicationType: assets\n    endpoint: /"), "endpoint"),
        (("- key: CTP_CLIENT_SECRET", "- key: CTP_PROJECT_KEY"), "CTP_PROJECT_KEY"),
        (("endpoint: /", "endpoint: //"), "endpoint"),
    ],
)
def test_the_parser_refuses_a_broken_manifest(tmp_path, change, reason):
    """The check can fail: the same manifest with one rule broken is refused."""
    manifest = generate(tmp_path, provider_name="Acme Gift") / "connect.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert change[0] in text
    manifest.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    result = validate(manifest)
    assert result.returncode == 1
    assert result.stdout.startswith(f"refused: {manifest}") and reason in result.stdout
