"""``/enabler/…``: the Enabler's static files, and CORS for everything the Enabler calls.

The Enabler runs on the merchant's origin (or in commercetools Checkout) and loads these
files and calls ``/balance``, ``/redeem`` and ``/operations/config`` cross-origin. The
files are plain ES modules: the same directory can be hosted on any static host instead.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

from flask import Blueprint, Flask, request, send_from_directory
from flask_cors import CORS, cross_origin
from werkzeug.exceptions import NotFound

from ..config import Settings
from ..runtime import current_runtime
from .errors import http_error

ENABLER_DIR = Path(__file__).resolve().parent.parent / "enabler"
MAX_AGE = 300
# Werkzeug adds "; charset=utf-8" to text/* types.
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
}
# What the Enabler sends, and what it must be able to read from a cross-origin answer.
CORS_PATHS = r"^/(balance|redeem|operations/config|enabler/.*)$"
CORS_ALLOW_HEADERS = ["Content-Type", "X-Session-Id", "Idempotency-Key", "X-Correlation-ID"]
CORS_EXPOSE_HEADERS = ["X-Correlation-ID", "Retry-After"]

bp = Blueprint("enabler", __name__, url_prefix="/enabler")
log = logging.getLogger(__name__)


def _send(directory: str | Path, filename: str):
    """One file of ``directory`` with its content type, cache headers and ETag; else 404.

    ``send_from_directory`` refuses paths that leave the directory; hidden files and
    types that are not static assets are refused here too.
    """
    path = PurePosixPath(filename)
    content_type = CONTENT_TYPES.get(path.suffix.lower())
    if content_type is None or any(part.startswith(".") for part in path.parts):
        raise NotFound("No such Enabler file.")
    response = send_from_directory(
        directory, filename, mimetype=content_type, max_age=MAX_AGE, conditional=True, etag=True
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/provider/<path:filename>")
def provider_asset(filename: str):
    """The active provider's own Enabler (``giftcard_enabler_directory``), if it ships one."""
    directory = current_runtime().provider.enabler_directory()
    if directory is None:
        raise NotFound("The provider ships no Enabler of its own; use /enabler/enabler.js.")
    return _send(directory, filename)


@bp.get("/<path:filename>")
def asset(filename: str):
    """The base Enabler: ``enabler.js``, ``i18n.js``, ``client.js``, ``enabler.css``."""
    return _send(ENABLER_DIR, filename)


def init_cors(app: Flask, settings: Settings) -> None:
    """Allow the origins of ``GIFTCARD_ALLOWED_ORIGINS`` to use the Enabler's endpoints.

    Unset, no origin is allowed: browsers then refuse every cross-origin call, and a log
    line at start-up says so. No credentials: the browser authenticates with the
    ``X-Session-Id`` header, never a cookie. With ``*`` (for local development only) the
    answer is a literal ``*``; with a list, the matching origin is echoed with
    ``Vary: Origin``.

    A path with no route gets the same headers, its preflight a 200 and the request
    itself the JSON 404: a mistyped ``processorUrl`` then shows as that 404 in the
    browser, not as an opaque "Failed to fetch".
    """
    origins = list(settings.allowed_origins)
    if not origins:
        log.warning(
            "GIFTCARD_ALLOWED_ORIGINS is not set: browsers may not call this processor "
            "cross-origin; set it to the shop's and Checkout's origins"
        )
        return
    if "*" in origins:
        log.warning(
            "GIFTCARD_ALLOWED_ORIGINS allows every origin (*): any web page may call the "
            "gift card endpoints from its visitors' browsers; list the shop's origins instead"
        )
    else:
        log.info("cross-origin calls allowed from %s", ", ".join(origins))
    options = {
        "origins": origins,
        "send_wildcard": "*" in origins,
        "methods": ["GET", "HEAD", "POST", "OPTIONS"],
        "allow_headers": CORS_ALLOW_HEADERS,
        "expose_headers": CORS_EXPOSE_HEADERS,
        "supports_credentials": False,
        "max_age": 600,
    }
    CORS(app, resources={CORS_PATHS: {}}, **options)
    no_route = cross_origin(**options)(lambda: http_error(request.routing_exception))

    @app.before_request
    def answer_unknown_path():
        if isinstance(request.routing_exception, NotFound):
            return no_route()
        return None
