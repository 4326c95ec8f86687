"""Serve WSGI apps on loopback: in background threads for the demo and integration tests,
and in the foreground, with keep-alive, for the emulator and mock provider commands."""

from __future__ import annotations

import logging
import socket
import threading
import time

from waitress.server import create_server
from werkzeug.serving import WSGIRequestHandler, make_server

access_log = logging.getLogger("giftcard_connect.access")
server_log = logging.getLogger("giftcard_connect.servers")


def request_handler(name: str, *, log_requests: bool) -> type[WSGIRequestHandler]:
    """A werkzeug request handler that logs one plain line per request, named after its
    server (werkzeug's own colours the line and names no server), or nothing but errors."""

    class NamedRequestHandler(WSGIRequestHandler):
        def run_wsgi(self) -> None:
            self._started = time.monotonic()
            super().run_wsgi()

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if not log_requests:
                return
            path = getattr(self, "path", "").split("?", 1)[0]  # never a query string
            elapsed = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
            access_log.info(
                "%-14s %s %s %s (%.0f ms)", name, getattr(self, "command", "-"), path, code, elapsed
            )

        def log(self, type: str, message: str, *args) -> None:
            level = logging.ERROR if type == "error" else logging.INFO
            server_log.log(level, "%s: " + message, name, *args)

    return NamedRequestHandler


class BackgroundServer:
    """A threaded werkzeug server for ``app`` on ``host:port`` (port 0 picks a free one).

    ``access_log`` logs each request as one line with the server's ``name``; errors are
    logged either way. Requests go to ``self.app``, so that an app needing this server's
    URL (say, for its allowed origins) can be set after the port is known, before start().
    """

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "server",
        *,
        access_log: bool = False,
    ):
        handler = request_handler(name, log_requests=access_log)
        self._server = make_server(
            host, port, self._dispatch, threaded=True, request_handler=handler
        )
        self.host = host
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self.name = name
        self.app = app
        # A short poll interval: stop() waits for the serving loop to notice, and tests
        # start and stop a processor per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=name, daemon=True
        )

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; a server never started is just closed."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


class KeepAliveServer:
    """``app`` served in the foreground on ``host:port`` with HTTP/1.1 keep-alive.

    werkzeug's server closes the connection after every answer, so each call to it costs
    a new TCP connection, which commercetools and real providers never force; a benchmark
    against it measures connection set-up. waitress keeps connections alive and runs
    requests on a pool of threads. ``log_requests`` logs one line per request, in the
    format of ``request_handler``.
    """

    THREADS = 64  # more than the concurrent calls of a benchmark: none waits for a thread

    def __init__(self, app, host: str, port: int, *, name: str, log_requests: bool = True):
        listening = socket.create_server((host, port))
        self.port = listening.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._server = create_server(
            _logged(app, name) if log_requests else app,
            sockets=[listening],
            threads=self.THREADS,
            connection_limit=1000,
            asyncore_use_poll=True,  # select() fails on descriptors past 1024
            ident=None,
        )

    def serve_forever(self) -> None:
        """Serve until interrupted (Ctrl-C or SIGTERM's default)."""
        try:
            self._server.run()
        finally:
            self._server.task_dispatcher.shutdown()


def _logged(app, name: str):
    """``app`` logging each request as ``request_handler`` does: name, method, path (never
    the query string), status and duration."""

    def logged(environ, start_response):
        started = time.monotonic()
        status = []

        def remember(status_line, headers, exc_info=None):
            status.append(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, exc_info)

        try:
            return app(environ, remember)
        finally:
            elapsed = (time.monotonic() - started) * 1000
            access_log.info("%-14s %s %s %s (%.0f ms)", name, environ.get("REQUEST_METHOD", "-"),
                            environ.get("PATH_INFO", ""), status[0] if status else "-", elapsed)

    return logged
