"""Headers on every answer: no MIME sniffing, and nothing a cache may keep unless said so.

Balances, payment references and session-bound answers must not stay in a browser's or
a proxy's cache; only the Enabler's static files set their own ``Cache-Control``.
"""

from __future__ import annotations

from flask import Flask, Response


def init_security_headers(app: Flask) -> None:
    """``X-Content-Type-Options: nosniff`` everywhere, ``Cache-Control: no-store`` by default."""

    @app.after_request
    def harden(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        return response
