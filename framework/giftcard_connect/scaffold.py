"""``giftcard-connect new``: a provider plugin project from the cookiecutter template.

The template is ``templates/provider/`` (shipped inside this package). Answers are checked
with the template's own rules (its pre-generation hook) before anything is written, so a
bad slug or an unknown question is a clear error, never a half-written directory.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from cookiecutter.config import get_user_config
from cookiecutter.exceptions import CookiecutterException, OutputDirExistsException
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

TEMPLATE = Path(__file__).resolve().parent / "templates" / "provider"


class ScaffoldError(Exception):
    """The answers or the output directory cannot be used; nothing was written."""


def questions() -> list[str]:
    """The template's questions, in the order they are asked (private variables excluded)."""
    context = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    return [key for key in context if not key.startswith("_")]


def parse_answers(pairs: Sequence[str]) -> dict[str, str]:
    """``["provider_name=Acme Gift", …]`` → ``{"provider_name": "Acme Gift", …}``."""
    known = questions()
    answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ScaffoldError(f"expected KEY=VALUE, got {pair!r}")
        if key not in known:
            raise ScaffoldError(f"unknown question {key!r}; the questions are: {', '.join(known)}")
        answers[key] = value
    return answers


def _rules() -> ModuleType:
    """The template's pre-generation hook, imported unrendered for its ``problems()``."""
    spec = importlib.util.spec_from_file_location(
        "giftcard_connect_template_rules", TEMPLATE / "hooks" / "pre_gen_project.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(answers: dict[str, str], *, output_dir: str | Path, no_input: bool) -> Path:
    """Ask the remaining questions (unless ``no_input``), check every answer, then generate.

    Returns the new project's directory. Raises ScaffoldError, having written nothing,
    when an answer is refused or the project's directory already exists.
    """
    try:
        config = get_user_config()
    except CookiecutterException as exc:  # e.g. COOKIECUTTER_CONFIG names a missing file
        raise ScaffoldError(f"cookiecutter's configuration: {exc}") from None
    try:
        context = generate_context(
            context_file=str(TEMPLATE / "cookiecutter.json"),
            default_context=config["default_context"],
            extra_context=answers,
        )
    except ValueError as exc:  # a choice or boolean answer cookiecutter cannot use
        raise ScaffoldError(str(exc)) from None
    values: dict[str, Any] = prompt_for_config(context, no_input)
    refused = _rules().problems(values)
    if refused:
        raise ScaffoldError("the answers were refused:\n" + "\n".join(f"  - {p}" for p in refused))
    confirmed = {key: value for key, value in values.items() if not key.startswith("_")}
    try:
        project = cookiecutter(
            str(TEMPLATE), no_input=True, extra_context=confirmed, output_dir=str(output_dir)
        )
    except OutputDirExistsException:
        target = Path(output_dir) / values["__dist_name"]
        raise ScaffoldError(
            f"{target} already exists; remove it or choose another directory with -o"
        ) from None
    except CookiecutterException as exc:
        raise ScaffoldError(f"the template failed: {exc}") from None
    return Path(project)
