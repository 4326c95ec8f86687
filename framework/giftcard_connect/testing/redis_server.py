"""A real ``redis-server`` of its own on loopback, for shared rate limits in tests and runs.

Debian's ``redis-server`` package provides the binary (``.ci/run`` installs it). Without
it, starting one fails naming the package: shared limits are not proven by a fake.
Needs the ``redis`` extra (``pip install 'giftcard-connect[redis]'``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

MISSING = (
    "redis-server is not installed; the shared rate-limit tests need a real Redis: "
    "apt-get install -y redis-server"
)


class RedisServerUnavailable(RuntimeError):
    """redis-server is not installed, or did not start."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """``redis-server`` on 127.0.0.1 and a free port, without persistence, in ``directory``."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisServerUnavailable(MISSING)
        for _ in range(3):  # another process may take the port between probe and bind
            self.port = _free_port()
            self.process = subprocess.Popen(
                [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                 "--appendonly", "no", "--dir", str(self.directory)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            if self._answers():
                return self
            self.stop()
        raise RedisServerUnavailable(f"redis-server did not start on a free port ({binary})")

    def _answers(self, within: float = 10.0) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                return bool(self.client().ping())
            except redis.ConnectionError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
