"""What the docs promise a newcomer: every setting the code reads is documented, install
steps name things that exist, the README's examples leave the checkout clean."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

from giftcard_connect import config

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_the_code_reads_is_in_the_configuration_doc():
    source = Path(config.__file__).read_text()
    read = set(re.findall(r'"((?:CTP|GIFTCARD)_[A-Z_]+|HOST|PORT|WEB_CONCURRENCY)"', source))
    assert {"GIFTCARD_PAYMENT_INTERFACE", "GIFTCARD_LOG_FORMAT", "PORT"} <= read
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert not [name for name in read if f"`{name}`" not in doc]


def pip_install_lines(readme: Path) -> list[list[str]]:
    return [shlex.split(line)[2:] for line in readme.read_text().splitlines()
            if line.startswith("pip install ")]


def test_mock_readme_installs_from_paths_that_exist():
    """Neither distribution is on the package index: the README installs both from the
    checkout, in one command, so that pip resolves the framework locally."""
    readme = ROOT / "plugins" / "mock" / "README.md"
    lines = pip_install_lines(readme)
    assert lines
    for arguments in lines:
        editable = [arguments[i + 1] for i, arg in enumerate(arguments) if arg == "-e"]
        assert editable == [".", "plugins/mock"], arguments
        assert all((ROOT / path / "setup.cfg").exists() for path in editable)
        named = [arg for arg in arguments if arg not in editable and arg != "-e"]
        assert set(named) <= {"pytest", "responses"}, named
    assert "pip install giftcard-connect" not in readme.read_text()


def test_readme_info_file_example_is_outside_the_repository():
    readme = (ROOT / "README.md").read_text()
    (path,) = re.findall(r"--info-file (\S+?)`", readme)
    assert Path(path).is_absolute() and ROOT not in Path(path).parents


def test_license_is_the_apache_license_setup_cfg_names():
    metadata = configparser.ConfigParser()
    metadata.read(ROOT / "setup.cfg")
    assert metadata["metadata"]["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License\n                           Version 2.0")
    assert "END OF TERMS AND CONDITIONS" in text


def test_tox_runs_on_whichever_supported_python_runs_it():
    """No base_python pin: a machine whose only Python is newer than 3.11 runs every env."""
    tox = configparser.ConfigParser()
    tox.read(ROOT / "tox.ini")
    assert not [(section, key) for section in tox.sections() for key in tox[section]
                if key in ("base_python", "basepython")]
