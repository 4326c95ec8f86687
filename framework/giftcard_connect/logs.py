"""Structured logs with a correlation id, and a last line of defence against leaked secrets.

The code never logs gift card codes, PINs, session ids or tokens in the first place
(``GiftCard`` masks its repr, commercetools paths are logged with the session id
masked); ``RedactingFilter`` additionally scrubs what a library might print: a
``code``/``pin``/secret field of a request body, a bearer or basic credential, and the
session id in a ``…/sessions/<id>`` URL (urllib3 logs every URL at DEBUG). It masks
values only: ``status_code=401`` stays as it is.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time

from flask import g, has_request_context

MASK = "****"
# A field name on its own (not the end of ``status_code`` or ``errorCode``), then its value.
SECRET_FIELDS = re.compile(
    r"""(?P<key>(?<![\w-])["']?(?:code|pin|giftCardCode|client_secret|clientSecret|secret|"""
    r"""password|api_key|apiKey|access_token|refresh_token|token|X-Session-Id|session_id|"""
    r"""sessionId)["']?\s*[:=]\s*["']?)(?P<value>[^"',}&\s]+)""",
    re.IGNORECASE,
)
CREDENTIALS = re.compile(
    r"(?P<key>\b(?:Bearer|Basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]+)", re.IGNORECASE
)
SESSION_PATHS = re.compile(r"(?P<key>/sessions/)(?P<value>[^/?#\s\"']+)")
PATTERNS = (SECRET_FIELDS, CREDENTIALS, SESSION_PATHS)


def redact(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``****``."""
    for pattern in PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + MASK, text)
    return text


def mask_session_path(path: str) -> str:
    """A commercetools URL path with the Checkout session id masked, for logs and errors."""
    return SESSION_PATHS.sub(lambda m: m.group("key") + MASK, path)


class RedactingFilter(logging.Filter):
    """Adds ``correlation_id`` to each record and scrubs secret-looking values from its
    message, exception text and stack, whichever formatter writes it afterwards."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "correlation_id"):
            record.correlation_id = (
                g.get("correlation_id") if has_request_context() else None
            )
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# Fields of an access log line (see access.py), kept as JSON fields of their own.
ACCESS_FIELDS = ("method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log shippers expect in production."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info or record.exc_text:
            entry["exception"] = redact(record.exc_text or self.formatException(record.exc_info))
        return json.dumps(entry)


class TextFormatter(logging.Formatter):
    """One plain line for people: time, level, logger, message, and the correlation id
    in brackets only when the record belongs to a request. Never any colour codes."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = redact(super().format(record))  # the message is clean; a traceback may not be
        correlation_id = getattr(record, "correlation_id", None)
        return f"{line} [{correlation_id}]" if correlation_id else line


LOG_FORMATS = {"json": JsonFormatter, "text": TextFormatter}


def configure_logging(fmt: str = "json", level: int = logging.INFO) -> None:
    """Send logs to stderr as JSON (``fmt="json"``) or text; safe to call twice."""
    if fmt not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, got {fmt!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(LOG_FORMATS[fmt]())
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, "giftcard_connect", False)]
    handler.giftcard_connect = True
    root.addHandler(handler)
    root.setLevel(level)
