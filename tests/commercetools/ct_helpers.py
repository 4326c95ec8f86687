"""Constants, answer builders and the scripted urllib3 pools the client tests talk to.

``ScriptedPools`` stands where the client's urllib3 ``PoolManager`` stands and plays back
scripted answers, or raises urllib3's own exceptions (timeouts, resets) at the exact
call a scenario needs; test_ct_loopback.py checks the same failures over real sockets.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import urllib3
from urllib3._collections import HTTPHeaderDict
from urllib3.exceptions import (
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

AUTH = "https://auth.example.test"
API = "https://api.example.test"
SESSION = "https://session.example.test/"  # the upstream default ends in "/"
PK = "demo"
TOKEN_URL = f"{AUTH}/oauth/token"
CLIENT_ID = "processor-client"
SECRET = "s3cr3t-never-shown"
PAYMENTS = f"{API}/{PK}/payments"
CARTS = f"{API}/{PK}/carts"
SESSIONS = f"{SESSION}{PK}/sessions"


@dataclass
class SentRequest:
    """What the client handed to urllib3 for one attempt."""

    method: str
    url: str
    headers: HTTPHeaderDict
    body: str | None
    timeout: tuple[float | None, float | None]
    options: dict[str, Any]


@dataclass
class Call:
    request: SentRequest


@dataclass
class Script:
    """The answers for one method and URL, played in order; the last one repeats."""

    answers: list[Callable[[SentRequest], urllib3.HTTPResponse]] = field(default_factory=list)
    played: int = 0


class ScriptedPools:
    """A stand-in for urllib3's PoolManager: records each attempt, plays the script.

    URLs match without their query string. An attempt with no script fails the test.
    """

    def __init__(self):
        self.calls: list[Call] = []
        self._scripts: dict[tuple[str, str], Script] = {}
        self._lock = threading.Lock()
        self.cleared = 0

    def add(self, method, url, *, json=None, body=b"", status=200, headers=None):
        """Answer with ``json`` or ``body``; an exception as ``body`` is raised instead."""
        if isinstance(body, BaseException):
            error = body

            def answer(request):
                raise error
        else:
            content = _encode(json) if json is not None else _bytes(body)
            answer_headers = {"Content-Type": "application/json"} if json is not None else {}
            answer_headers.update(headers or {})

            def answer(request):
                return urllib3.HTTPResponse(body=content, headers=answer_headers, status=status)

        self._script(method, url).answers.append(answer)

    def get(self, url, **kwargs):
        self.add("GET", url, **kwargs)

    def post(self, url, **kwargs):
        self.add("POST", url, **kwargs)

    def add_callback(self, method, url, callback):
        """``callback(request)`` returns ``(status, headers, body)`` for each attempt."""

        def answer(request):
            status, headers, body = callback(request)
            return urllib3.HTTPResponse(body=_bytes(body), headers=headers, status=status)

        self._script(method, url).answers.append(answer)

    def urlopen(self, method, url, *, body=None, headers=None, timeout=None, **options):
        request = SentRequest(
            method=method,
            url=url,
            headers=HTTPHeaderDict(headers or {}),
            body=body.decode() if body is not None else None,
            timeout=(timeout.connect_timeout, timeout.read_timeout),
            options=options,
        )
        key = (method, url.split("?", 1)[0])
        with self._lock:
            self.calls.append(Call(request))
            script = self._scripts.get(key)
            if script is None or not script.answers:
                pytest.fail(f"no scripted answer for {method} {urlsplit(url).path}")
            answer = script.answers[min(script.played, len(script.answers) - 1)]
            script.played += 1
        return answer(request)

    def clear(self):
        self.cleared += 1

    def _script(self, method, url):
        return self._scripts.setdefault((method, url), Script())


def add_token(pools, token="tok-1", expires_in=172800):
    return pools.post(
        TOKEN_URL,
        json={"access_token": token, "token_type": "Bearer", "expires_in": expires_in},
    )


def payment(version=1, transactions=(), pid="p-1"):
    return {"id": pid, "version": version, "transactions": list(transactions)}


def conflict(current_version):
    return {
        "statusCode": 409,
        "message": f"Object p-1 has a different version than expected. Current: {current_version}.",
        "errors": [{"code": "ConcurrentModification", "currentVersion": current_version}],
    }


def calls_to(pools, method, url):
    return [c for c in pools.calls if c.request.method == method and c.request.url == url]


def read_timeout() -> Exception:
    """What urllib3 raises when the answer does not come within the read timeout."""
    return ReadTimeoutError(None, "/", "Read timed out. (read timeout=10.0)")


def refused() -> Exception:
    """What urllib3 raises when nothing listens (or the connect timeout passes)."""
    return NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")


def reset() -> Exception:
    """What urllib3 raises when the server drops a connection before answering."""
    return ProtocolError("Connection aborted.", ConnectionResetError(104, "reset by peer"))


def unresolved() -> Exception:
    """What urllib3 raises when the host name does not resolve."""
    return NameResolutionError("api.example.test", None, OSError("Name or service not known"))


def _encode(value: Any) -> bytes:
    return json.dumps(value).encode()


def _bytes(body: str | bytes) -> bytes:
    return body.encode() if isinstance(body, str) else body
