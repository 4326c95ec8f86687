"""`X-Correlation-ID` on every answer: the request's own, or a new one, as commercetools does."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, current_app, request

HEADER = "X-Correlation-ID"
# What the emulator echoes as given; anything else (too long, odd characters) is replaced.
_ECHOED = re.compile(r"^[A-Za-z0-9_.:/+=-]{1,256}$")


def install(app: Flask) -> None:
    """Register the header on every response, errors and injected faults included."""

    @app.after_request
    def _correlate(response: Response) -> Response:
        given = request.headers.get(HEADER, "")
        if not _ECHOED.match(given):
            project = current_app.extensions["emulator"].project_key
            given = f"projects-{project}-{uuid.uuid4()}"
        response.headers[HEADER] = given
        return response
