"""Generating projects from the provider template in tests, away from the user's home."""

from __future__ import annotations

from pathlib import Path

from cookiecutter.main import cookiecutter

from giftcard_connect.scaffold import TEMPLATE


def cookiecutter_config(directory: Path) -> Path:
    """A cookiecutter config that keeps its replay files and clones under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "cookiecutter.yaml"
    config.write_text(
        f"cookiecutters_dir: {directory / 'cookiecutters'}\nreplay_dir: {directory / 'replay'}\n"
    )
    return config


def generate(tmp_path: Path, **answers) -> Path:
    """The project for ``answers`` (no questions asked) in ``tmp_path/out``; its directory."""
    output = tmp_path / "out"
    output.mkdir(parents=True, exist_ok=True)
    project = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context=answers,
        output_dir=str(output),
        config_file=str(cookiecutter_config(tmp_path)),
    )
    return Path(project)


def relative_paths(directory: Path) -> set[str]:
    """Every file and directory under ``directory``, relative to it."""
    return {str(path.relative_to(directory)) for path in directory.rglob("*")}
