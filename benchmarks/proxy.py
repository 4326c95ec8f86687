"""A round-robin reverse proxy: several processor instances behind one address.

What a load balancer does in front of a deployment, small enough to read: each request
goes to the next instance in turn, with its method, path, headers and body; an instance
that cannot be reached (its worker was just killed) is answered ``502`` as a load
balancer would, never retried on another instance, so the shopper's client sees what it
would see in production.
"""

from __future__ import annotations

import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

# Hop-by-hop headers (RFC 9110 §7.6.1) and those the proxy recomputes.
NOT_FORWARDED = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                 "transfer-encoding", "upgrade", "host", "content-length"}
UPSTREAM_TIMEOUT = 120


class RoundRobinProxy:
    """Serves on a free loopback port until ``stop``; counts requests per instance."""

    def __init__(self, upstreams: list[str]):
        self._next = itertools.cycle(upstreams)
        self._lock = threading.Lock()
        self._local = threading.local()
        self.forwarded = dict.fromkeys(upstreams, 0)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "RoundRobinProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _upstream(self) -> str:
        with self._lock:
            upstream = next(self._next)
            self.forwarded[upstream] += 1
            return upstream

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in NOT_FORWARDED}
                try:
                    answer = proxy._session().request(
                        self.command, proxy._upstream() + self.path, data=body,
                        headers=headers, timeout=UPSTREAM_TIMEOUT, allow_redirects=False,
                    )
                except requests.RequestException:
                    self._reply(502, {"Content-Type": "application/json"},
                                b'{"message": "the instance did not answer"}')
                    return
                kept = {k: v for k, v in answer.headers.items()
                        if k.lower() not in NOT_FORWARDED | {"content-encoding"}}
                self._reply(answer.status_code, kept, answer.content)

            def _reply(self, status: int, headers: dict, body: bytes):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = _forward

            def log_message(self, *args):
                """Quiet: the processors log every request themselves."""

        return Handler
