"""A real Redis for the shared rate-limit tests."""

from __future__ import annotations

import pytest
from giftcard_connect.testing.redis_server import RedisServer, RedisServerUnavailable


@pytest.fixture
def redis_server(tmp_path):
    """Fails (never skips) without redis-server, naming the package to install."""
    try:
        server = RedisServer(tmp_path).start()
    except RedisServerUnavailable as missing:
        pytest.fail(str(missing), pytrace=False)
    yield server
    server.stop()
