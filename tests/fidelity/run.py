"""Start `giftcard-connect emulator` on a free loopback port and run the SDK oracle against it.

Used by `tox -e fidelity` after `npm ci` and `npm run build`; the exit code is the oracle's.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_KEY = "fidelity"
CLIENT_ID = "oracle"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(url: str, process: subprocess.Popen, timeout: float = 30.0) -> bool:
    """Whether the emulator answers before it exits or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_emulator/stats", timeout=1) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _start_emulator(secret: str, log) -> tuple[subprocess.Popen, str]:
    """The emulator on a free port; another port if the first was taken meanwhile."""
    command = shutil.which("giftcard-connect", path=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if command is None:
        raise SystemExit("giftcard-connect is not installed in this environment")
    for _ in range(3):
        port = _free_port()
        process = subprocess.Popen(
            [command, "emulator", "--port", str(port), "--project-key", PROJECT_KEY,
             "--client-id", CLIENT_ID, "--client-secret", secret],
            stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        if _ready(url, process):
            return process, url
        _stop(process)
    raise SystemExit("the emulator did not start; see build/emulator.log")


def main() -> int:
    oracle = HERE / "build" / "oracle.js"
    if not oracle.exists():
        raise SystemExit("build/oracle.js is missing: run `npm ci && npm run build` first")
    secret = secrets.token_urlsafe(24)
    with open(HERE / "build" / "emulator.log", "w") as log:
        process, url = _start_emulator(secret, log)
        try:
            env = {**os.environ, "CTP_API_URL": url, "CTP_PROJECT_KEY": PROJECT_KEY,
                   "CTP_CLIENT_ID": CLIENT_ID, "CTP_CLIENT_SECRET": secret}
            return subprocess.run(["node", str(oracle)], env=env, check=False).returncode
        finally:
            _stop(process)


if __name__ == "__main__":
    sys.exit(main())
