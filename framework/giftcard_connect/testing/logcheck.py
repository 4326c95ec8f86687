"""Finding gift card codes and PINs in log records."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from ..errors import GIFT_CARD_STATES
from ..models import mask
from .subject import CardSample

_FORMATTER = logging.Formatter()


def _pattern(secret: str) -> re.Pattern:
    """The secret as a whole word, so that PIN 1234 is not found in port 51234."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])")


def searched_secrets(cards: Iterable[CardSample]) -> dict[str, str]:
    """Secret → how to name it in a message (masked). A code that is also the name of a
    gift card state (the mock's ``NotFound``) cannot be told from the state in a log line,
    so it is not searched for."""
    secrets: dict[str, str] = {}
    for card in cards:
        if card.code not in GIFT_CARD_STATES:
            secrets[card.code] = f"the code {mask(card.code)}"
        if card.pin:
            secrets[card.pin] = f"the PIN of {mask(card.code)}"
    return secrets


def _text(record: logging.LogRecord) -> str:
    parts = [record.getMessage()]
    if record.exc_info:
        parts.append(_FORMATTER.formatException(record.exc_info))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def leaks(records: Iterable[logging.LogRecord], cards: Iterable[CardSample]) -> list[str]:
    """One line per log record holding a code or PIN: where it came from, never the secret."""
    patterns = [(_pattern(secret), name) for secret, name in searched_secrets(cards).items()]
    found = []
    for record in records:
        text = _text(record)
        for pattern, name in patterns:
            if pattern.search(text):
                found.append(
                    f"{name} in a {record.levelname} record of logger {record.name!r} "
                    f"(logged in {record.funcName}, {record.pathname}:{record.lineno})"
                )
    return found
