"""The access log: one structured line per request, through the processor's logging.

Each line holds the method, the route *template* (``/operations/payment-intents/<payment_id>``
rather than the path, which can carry ids), the status, the duration and the correlation
id.
Bodies, headers and query strings are never logged, so neither are gift card codes, PINs
or session ids. ``GIFTCARD_ACCESS_LOG=false`` turns it off.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("giftcard_connect.requests")
UNMATCHED = "<unmatched>"  # no route matched: the path itself is not logged


def init_access_log(app: Flask) -> None:
    """Time every request from its first ``before_request`` and log it once answered."""

    @app.before_request
    def start_clock():
        g.access_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.pop("access_started", None)
        if started is None:  # an earlier before_request answered: nothing was timed
            return response
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
        log.info(
            "%s %s %d %.1f ms",
            request.method,
            route,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "correlation_id": g.get("correlation_id"),
            },
        )
        return response
