"""Fixtures for the auth tests: emulator API clients and tokens, dev JWTs, test processors."""

from __future__ import annotations

import pytest
import requests
from giftcard_connect.app import create_app
from giftcard_connect.config import PROCESSOR_SCOPES

from ..conftest import PROJECT_KEY, processor_config

ALL_PROCESSOR_SCOPES = " ".join(f"{scope}:{PROJECT_KEY}" for scope in PROCESSOR_SCOPES)


@pytest.fixture
def api_client(emulator):
    """``api_client(scope)``: a new emulator API client, as ``{clientId, secret, scope}``."""

    def make(scope: str) -> dict:
        url = f"{emulator.url}/_emulator/clients"
        response = requests.post(url, json={"scope": scope}, timeout=5)
        response.raise_for_status()
        return response.json()

    return make


@pytest.fixture
def token(emulator, api_client):
    """``token(scope)``: an access token of a new client holding exactly ``scope``."""

    def make(scope: str) -> str:
        client = api_client(scope)
        response = requests.post(
            f"{emulator.url}/oauth/token",
            auth=(client["clientId"], client["secret"]),
            data={"grant_type": "client_credentials"},
            timeout=5,
        )
        response.raise_for_status()
        return response.json()["access_token"]

    return make


@pytest.fixture
def dev_jwt(emulator):
    """``dev_jwt(**body)``: a Merchant Center-like RS256 token from the emulator."""

    def make(**body) -> str:
        response = requests.post(f"{emulator.url}/_emulator/jwt", json=body, timeout=5)
        response.raise_for_status()
        return response.json()["token"]

    return make


@pytest.fixture
def emulator_store(emulator):
    """The emulator's in-process state; its clock is restored after the test."""
    store = emulator.app.extensions["emulator"]
    clock = store.clock
    yield store
    store.clock = clock


@pytest.fixture
def stats(emulator):
    """``stats(route)``: how often the emulator served ``route`` since the test began."""
    requests.post(f"{emulator.url}/_emulator/stats/reset", timeout=5).raise_for_status()

    def count(route: str) -> int:
        answer = requests.get(f"{emulator.url}/_emulator/stats", timeout=5).json()
        return answer["requests"].get(route, 0)

    return count


@pytest.fixture
def make_processor(emulator, mock_provider, api_client):
    """``make_processor(scope=None, **overrides)``: a processor app with the mock provider and
    JWT settings pointing at the emulator; ``scope`` makes it use a new client holding it."""

    def make(scope: str | None = ALL_PROCESSOR_SCOPES, **overrides):
        config = processor_config(
            emulator.url,
            GIFTCARD_MOCK_URL=mock_provider.url,
            CTP_JWKS_URL=f"{emulator.url}/.well-known/jwks.json",
            CTP_JWT_ISSUER=emulator.url,
        )
        if scope is not None:
            client = api_client(scope)
            config.update(CTP_CLIENT_ID=client["clientId"], CTP_CLIENT_SECRET=client["secret"])
        config.update(overrides)
        return create_app({k: v for k, v in config.items() if v is not None})

    return make
