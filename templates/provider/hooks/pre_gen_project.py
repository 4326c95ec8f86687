"""Refuse answers that would generate an unusable project, before any file is written.

Run by cookiecutter after rendering it with the answers; ``giftcard-connect new`` imports
it unrendered and calls :func:`problems` itself, so the rules live in this one file.
"""

import json
import re
import sys
from collections.abc import Mapping

# Filled in by cookiecutter when it runs this hook (a raw string keeps JSON escapes).
ANSWERS = r"""{{ cookiecutter | jsonify }}"""

# The slug becomes the entry-point name (GIFTCARD_PROVIDER), the distribution
# giftcard-connect-<slug>, the package giftcard_connect_<slug> and GIFTCARD_<SLUG>_*.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 40
CURRENCY = re.compile(r"[A-Z]{3}")
URL = re.compile(r"https?://[^\s/\"'\\<>{}]+(?:/[^\s\"'\\<>{}]*)?")
# Names and descriptions are written into Python, JavaScript, YAML and INI files.
TEXT = re.compile(r"[^\"\\{}%#<>\x00-\x1f\x7f]*")
MAX_TEXT = {"provider_name": 64, "description": 200, "author_name": 100}


def problems(answers: Mapping[str, object]) -> list[str]:
    """What is wrong with ``answers`` (template variable → value), one sentence each."""
    if not str(answers.get("provider_name", "")).strip():  # every default derives from it
        return ['provider_name is required, e.g. provider_name="Acme Gift"']
    found = []
    for key, limit in MAX_TEXT.items():
        value = str(answers.get(key, ""))
        if value != value.strip() or len(value) > limit or not TEXT.fullmatch(value):
            found.append(
                f"{key} must be at most {limit} characters, without leading or trailing "
                'spaces, quotes ("), backslashes, braces, %, #, < or >'
            )
    slug = str(answers.get("provider_slug", ""))
    if not SLUG.fullmatch(slug) or len(slug) > MAX_SLUG:
        found.append(
            f"provider_slug {slug!r} must be lower-case letters and digits, words joined by "
            f"single hyphens, at most {MAX_SLUG} characters (e.g. acme-gift)"
        )
    currency = str(answers.get("default_currency", ""))
    if not CURRENCY.fullmatch(currency):
        found.append(f"default_currency {currency!r} must be a three-letter ISO 4217 code, e.g. EUR")
    url = str(answers.get("api_base_url", ""))
    if not URL.fullmatch(url):
        found.append(f"api_base_url {url!r} must be an http:// or https:// URL")
    return found


if __name__ == "__main__":
    refused = problems(json.loads(ANSWERS))
    if refused:
        print("The template's answers were refused:", *(f"  - {p}" for p in refused),
              sep="\n", file=sys.stderr)
        sys.exit(1)
