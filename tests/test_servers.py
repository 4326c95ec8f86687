"""The emulator and mock provider commands keep HTTP/1.1 connections alive and log requests."""

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest

from giftcard_connect.connections import pooled_session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers_on_one_connection(port: int, path: str, count: int = 3) -> list[int]:
    """GET ``path`` ``count`` times over one TCP connection; the statuses."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    statuses, local_ports = [], set()
    try:
        for _ in range(count):
            connection.request("GET", f"{path}?probe=secret-query")
            response = connection.getresponse()
            response.read()
            assert response.version == 11
            assert response.getheader("Connection") != "close"
            statuses.append(response.status)
            local_ports.add(connection.sock.getsockname()[1])
    finally:
        connection.close()
    assert len(local_ports) == 1, "the server closed the connection between requests"
    return statuses


def wait_for(port: int, process: subprocess.Popen, log_path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)


@pytest.mark.parametrize(
    "command, name, path",
    [
        ([sys.executable, "-m", "giftcard_connect.cli", "emulator"], "emulator",
         "/_emulator/stats"),
        ([os.path.join(os.path.dirname(sys.executable), "giftcard-connect-mock")],
         "mock-provider", "/v1/health"),
    ],
    ids=["emulator", "mock-provider"],
)
def test_standalone_servers_keep_connections_alive_and_log_each_request(
    command, name, path, tmp_path
):
    port = free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], cwd=tmp_path, env=os.environ.copy(),
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_for(port, process, log_path)
        assert answers_on_one_connection(port, path) == [200, 200, 200]
    finally:
        process.terminate()
        process.wait(15)
    lines = [line for line in log_path.read_text().splitlines() if f"GET {path} " in line]
    assert len(lines) == 3, log_path.read_text()
    assert all(f"{name} " in line and "GET" in line and " 200 (" in line for line in lines)
    assert "secret-query" not in log_path.read_text()


def test_the_processor_session_reuses_one_connection_to_the_emulator(tmp_path):
    port = free_port()
    log_path = tmp_path / "emulator.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "giftcard_connect.cli", "emulator", "--port", str(port),
             "--client-id", "bench", "--client-secret", "bench-secret"],
            cwd=tmp_path, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_for(port, process, log_path)
        session = pooled_session({"HOME": str(tmp_path)})
        url = f"http://127.0.0.1:{port}/oauth/token"
        for _ in range(3):
            response = session.post(url, data={"grant_type": "client_credentials"},
                                     auth=("bench", "bench-secret"), timeout=5)
            assert response.status_code == 200
            assert response.json()["access_token"]
        pools = session.get_adapter(url).poolmanager.pools
        [pool] = [pools[key] for key in pools.keys()]
        assert (pool.num_connections, pool.num_requests) == (1, 3)
    finally:
        process.terminate()
        process.wait(15)
