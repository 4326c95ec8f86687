"""What the plugin's documents promise a merchant: every setting the plugin reads is in the
README, connect.yaml and .env.example (the Secret Key as a secured one), and the install
line names paths that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from giftcard_connect_voucherify import settings

PLUGIN = Path(__file__).resolve().parents[1]
ROOT = PLUGIN.parents[1]
READ = re.findall(r'config(?:\.get\(|\[)"([A-Z_]+)"', Path(settings.__file__).read_text())
SETTINGS = sorted({f"GIFTCARD_VOUCHERIFY_{name}" for name in [*READ, *settings.REQUIRED]})


def test_the_plugin_reads_the_settings_the_documents_list():
    assert SETTINGS == [f"GIFTCARD_VOUCHERIFY_{name}" for name in (
        "APP_ID", "APP_TOKEN", "BASE_URL", "CURRENCIES", "HEALTH_TTL", "TIMEZONE")]


def test_every_setting_is_in_the_readme_and_the_env_example():
    readme = (PLUGIN / "README.md").read_text()
    example = (PLUGIN / ".env.example").read_text()
    assert not [name for name in SETTINGS if f"`{name}`" not in readme]
    assert not [name for name in SETTINGS if f"\n{name}=" not in example]


def test_connect_yaml_lists_every_setting_and_keeps_the_secret_key_secured():
    """(Connect's own parser checks the file's shape: tests/template/test_connect_spec.py.)"""
    text = (PLUGIN / "connect.yaml").read_text()
    standard_part, secured_part = text.split("securedConfiguration:")
    standard = set(re.findall(r"- key: (\w+)", standard_part))
    secured = set(re.findall(r"- key: (\w+)", secured_part))
    assert set(SETTINGS) - {"GIFTCARD_VOUCHERIFY_APP_TOKEN"} <= standard
    assert "GIFTCARD_VOUCHERIFY_APP_TOKEN" in secured - standard
    assert {"GIFTCARD_PROVIDER", "GIFTCARD_CURRENCY"} <= standard


def test_the_readme_installs_from_paths_that_exist():
    lines = [shlex.split(line)[2:] for line in (PLUGIN / "README.md").read_text().splitlines()
             if line.startswith("pip install ")]
    assert lines
    for arguments in lines:
        paths = [arguments[i + 1] for i, arg in enumerate(arguments) if arg == "-e"]
        assert "plugins/voucherify" in paths, arguments
        assert all((ROOT / path / "setup.cfg").exists() for path in paths)
