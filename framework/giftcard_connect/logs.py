"""Structured logs with a correlation id, and a last line of defence against leaked codes.

The code never logs gift card codes or PINs in the first place (``GiftCard`` masks its
repr); ``RedactingFilter`` additionally scrubs ``code``/``pin`` values that a library
might print, e.g. a request body in a debug line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time

from flask import g, has_request_context

SECRET_FIELDS = re.compile(
    r"""(?P<key>["']?(?:code|pin|giftCardCode|client_secret|access_token|token)["']?\s*[:=]\s*["']?)"""
    r"""(?P<value>[^"',}&\s]+)""",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    return SECRET_FIELDS.sub(lambda m: m.group("key") + "****", text)


class RedactingFilter(logging.Filter):
    """Adds ``correlation_id`` to each record and scrubs secret-looking fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "correlation_id"):
            record.correlation_id = (
                g.get("correlation_id") if has_request_context() else None
            )
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
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
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
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
