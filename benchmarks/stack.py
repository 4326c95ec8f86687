"""The processes under test: emulator, mock provider and the processor under gunicorn.

Each runs as its own process on a free loopback port, started with the commands a user
runs (``giftcard-connect emulator``, ``giftcard-connect-mock``, ``giftcard-connect serve``),
so the figures are those of the installed code. CPU time is read from ``/proc``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

PROJECT_KEY = "bench"
CLIENT_ID = "bench"
CURRENCY = "EUR"
TICKS = os.sysconf("SC_CLK_TCK")
# gunicorn as deployed behind a proxy: its keep-alive outlasts the client's idle connections,
# so a client never sends a request on a connection gunicorn is closing.
DEPLOYED_GUNICORN = Path(__file__).resolve().parents[1] / "examples/deploy/gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(name: str) -> str:
    """A console script of the running interpreter's environment."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed (pip install -e . -e plugins/mock)")
    return found


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
        if parent == pid:
            found.append(int(entry))
    return found


@dataclass
class Service:
    name: str
    url: str
    process: subprocess.Popen
    log_path: Path
    with_children: bool = False

    def pids(self) -> list[int]:
        return [self.process.pid] + (children(self.process.pid) if self.with_children else [])

    def cpu(self) -> dict[int, float]:
        """CPU seconds per process (the gunicorn master and each worker)."""
        readings = {}
        for pid in self.pids():
            try:
                readings[pid] = cpu_seconds(pid)
            except OSError:
                continue
        return readings

    def wait_until_up(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log_path}:\n{self.tail()}")
            try:
                if requests.get(self.url + path, timeout=2).status_code < 500:
                    return
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{self.name} did not start; see {self.log_path}")
            time.sleep(0.2)

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Stack:
    emulator: Service
    provider: Service
    processor: Service
    client_secret: str
    started: list[Service] = field(default_factory=list)

    def stop(self) -> None:
        for service in reversed(self.started):
            service.stop()


def _start(name: str, argv: list[str], url: str, workdir: Path, env: dict | None = None,
           with_children: bool = False) -> Service:
    log_path = workdir / f"{name}.log"
    log = open(log_path, "w")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=workdir,
                               env=env or os.environ.copy())
    log.close()
    return Service(name, url, process, log_path, with_children)


def processor_env(stack: Stack) -> dict[str, str]:
    """The processor's settings for this stack's emulator and provider."""
    return {
        "CTP_PROJECT_KEY": PROJECT_KEY,
        "CTP_CLIENT_ID": CLIENT_ID,
        "CTP_CLIENT_SECRET": stack.client_secret,
        "CTP_AUTH_URL": stack.emulator.url,
        "CTP_API_URL": stack.emulator.url,
        "CTP_SESSION_URL": stack.emulator.url + "/",
        "GIFTCARD_PROVIDER": "mock",
        "GIFTCARD_MOCK_URL": stack.provider.url,
        "GIFTCARD_CURRENCY": CURRENCY,
    }


def start_stack(workdir: Path, *, workers: int, threads: int, extra_env: dict[str, str],
                with_processor: bool = True, gunicorn_config: Path | None = None) -> Stack:
    """Start the services (the processor unless told not to) and wait until each answers."""
    secret = secrets.token_urlsafe(16)
    emulator_port, provider_port = free_port(), free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    provider_url = f"http://127.0.0.1:{provider_port}"
    stack = Stack(None, None, None, secret)  # type: ignore[arg-type]
    try:
        stack.emulator = _start(
            "emulator",
            [command("giftcard-connect"), "emulator", "--port", str(emulator_port),
             "--project-key", PROJECT_KEY, "--client-id", CLIENT_ID, "--client-secret", secret],
            emulator_url, workdir,
        )
        stack.started.append(stack.emulator)
        stack.provider = _start(
            "provider", [command("giftcard-connect-mock"), "--port", str(provider_port)],
            provider_url, workdir,
        )
        stack.started.append(stack.provider)
        stack.emulator.wait_until_up("/_emulator/stats")
        stack.provider.wait_until_up("/v1/health")
        if not with_processor:
            return stack
        stack.processor = start_processor(
            stack, workdir, workers=workers, threads=threads, extra_env=extra_env,
            gunicorn_config=gunicorn_config,
        )
    except BaseException:
        stack.stop()
        raise
    return stack


def start_processor(stack: Stack, workdir: Path, *, workers: int, threads: int,
                    extra_env: dict[str, str], name: str = "processor",
                    gunicorn_config: Path | None = None) -> Service:
    """One more ``giftcard-connect serve`` for this stack, up with all its workers."""
    port = free_port()
    env = {**os.environ, **processor_env(stack), **extra_env}
    settings = ["--gunicorn-config", str(gunicorn_config)] if gunicorn_config else []
    processor = _start(
        name,
        [command("giftcard-connect"), "serve", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--threads", str(threads), *settings],
        f"http://127.0.0.1:{port}", workdir, env, with_children=True,
    )
    stack.started.append(processor)
    processor.wait_until_up("/healthz")
    _wait_for_workers(processor, workers)
    return processor


def _wait_for_workers(processor: Service, workers: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while len(children(processor.process.pid)) < workers:
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not start {workers} workers; see {processor.log_path}")
        time.sleep(0.2)
