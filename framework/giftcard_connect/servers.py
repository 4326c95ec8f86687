"""Serve WSGI apps on loopback in background threads: for the demo and integration tests."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class BackgroundServer:
    """A threaded werkzeug server for ``app`` on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, name: str = "server"):
        self._server = make_server(host, port, app, threaded=True)
        self.host = host
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self.app = app
        # A short poll interval: stop() waits for the serving loop to notice, and tests
        # start and stop a processor per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=name, daemon=True
        )

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
