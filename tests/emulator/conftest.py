"""Fixtures for the commercetools emulator tests: an app, API clients, tokens and a real server."""

from __future__ import annotations

import threading

import pytest
from giftcard_connect.emulator import create_app
from werkzeug.serving import WSGIRequestHandler, make_server

from .helpers import CLIENTS, Api, basic


@pytest.fixture
def app():
    return create_app({"CLIENTS": CLIENTS, "FAULT_SEED": 7})


@pytest.fixture
def store(app):
    return app.extensions["emulator"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def token(client):
    """`token(client_id, scope=None)` → an access token obtained through /oauth/token."""

    def issue(client_id: str, scope: str | None = None) -> str:
        form = {"grant_type": "client_credentials"}
        if scope is not None:
            form["scope"] = scope
        response = client.post("/oauth/token", data=form, headers=basic(client_id))
        assert response.status_code == 200, response.json
        return response.json["access_token"]

    return issue


@pytest.fixture
def api_for(client, token):
    return lambda client_id, scope=None: Api(client, token(client_id, scope))


@pytest.fixture
def api(api_for):
    return api_for("admin")


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def live_server(app):
    """The app behind a real multi-threaded werkzeug server; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
