"""``/enabler/…`` serving and CORS over plain HTTP (no browser): part of the default suite."""

from __future__ import annotations

import functools
import logging

import pytest

from giftcard_connect import hookimpl
from giftcard_connect.app import create_app
from giftcard_connect.config import Settings
from giftcard_connect.errors import ConfigurationError

from ..conftest import FakeProvider, processor_config

ORIGIN = "http://shop.example:8000"


@pytest.fixture
def app(emulator, fake_provider):
    """A processor that allows the shop's origin, ``ORIGIN``."""
    return create_app(
        processor_config(
            emulator.url,
            GIFTCARD_PROVIDER="fake",
            PLUGINS={"fake": fake_provider},
            LOAD_ENTRYPOINTS=False,
            GIFTCARD_ALLOWED_ORIGINS=ORIGIN,
        )
    )


@pytest.fixture
def client(app):
    """The processor's test client, reading file answers at once (so files get closed)."""
    return BufferedClient(app)


def BufferedClient(app):
    client = app.test_client()
    client.open = functools.partial(type(client).open, client, buffered=True)
    return client
ENABLER_HEADERS = "content-type, x-session-id, idempotency-key, x-correlation-id"


@pytest.mark.parametrize(
    "path, content_type, marker",
    [
        ("/enabler/enabler.js", "text/javascript; charset=utf-8", b"export class Enabler"),
        ("/enabler/i18n.js", "text/javascript; charset=utf-8", b"export const MESSAGES"),
        ("/enabler/client.js", "text/javascript; charset=utf-8", b"export class ProcessorClient"),
        ("/enabler/enabler.css", "text/css; charset=utf-8", b".gcc-giftcard"),
    ],
)
def test_enabler_files_are_served_with_type_and_cache_headers(client, path, content_type, marker):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert marker in response.data
    cache = response.cache_control
    assert cache.public and cache.max_age == 300
    assert response.headers["ETag"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_if_none_match_answers_304_without_body(client):
    first = client.get("/enabler/enabler.js")
    again = client.get("/enabler/enabler.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    stale = client.get("/enabler/enabler.js", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_head_request_has_headers_and_no_body(client):
    response = client.head("/enabler/enabler.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.data == b""


@pytest.mark.parametrize(
    "path",
    [
        "/enabler/../app.py",
        "/enabler/%2e%2e/app.py",
        "/enabler/..%2fconfig.py",
        "/enabler/../../setup.cfg",
        "/enabler//etc/passwd",
        "/enabler/%2fetc%2fpasswd",
        "/enabler/missing.js",
        "/enabler/.hidden.js",
        "/enabler/enabler.js.map",
        "/enabler/provider/enabler.js",  # the fake provider ships no Enabler
    ],
)
def test_anything_but_an_enabler_file_is_a_json_404(client, path):
    response = client.get(path, follow_redirects=True)  # "//" is merged by a redirect first
    assert response.status_code == 404
    body = response.get_json()
    assert body["statusCode"] == 404
    assert body["errors"][0]["code"] == "ResourceNotFound"


@pytest.mark.parametrize("path, method", [
    ("/balance", "POST"),
    ("/redeem", "POST"),
    ("/operations/config", "GET"),
    ("/enabler/enabler.js", "GET"),
])
def test_preflight_allows_the_enabler_headers_from_an_allowed_origin(client, path, method):
    response = client.options(
        path,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": ENABLER_HEADERS,
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed >= {"content-type", "x-session-id", "idempotency-key", "x-correlation-id"}
    assert method in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_answers_expose_the_correlation_id_even_for_errors(client):
    # No X-Session-Id: a 401, which the Enabler must still be able to read cross-origin.
    response = client.post("/balance", json={"code": "x"}, headers={"Origin": ORIGIN})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"x-correlation-id", "retry-after"} <= exposed
    assert response.headers["X-Correlation-ID"]


def test_other_endpoints_get_no_cors_headers(client):
    response = client.get("/healthz", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers
    wrong_method = client.post("/healthz", headers={"Origin": ORIGIN})
    assert wrong_method.status_code == 405
    assert "Access-Control-Allow-Origin" not in wrong_method.headers


UNKNOWN_PATHS = ["/api/balance", "/balance/", "/redeem/x", "/enablers/enabler.js", "/nothing-here"]


def header_set(response, name: str) -> set[str]:
    return {h.strip().lower() for h in response.headers[name].split(",")}


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_preflight_of_an_unknown_path_passes_so_the_browser_sees_its_404(client, path):
    """A mistyped processorUrl: unless the preflight passes, the browser says "Failed to fetch"."""
    response = client.options(
        path,
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": ENABLER_HEADERS},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    allowed = header_set(response, "Access-Control-Allow-Headers")
    assert allowed >= {"content-type", "x-session-id", "idempotency-key", "x-correlation-id"}
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.data == b""


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_path_is_a_json_404_with_cors_headers(client, path, method):
    response = client.open(path, method=method, json={"code": "SECRET-CODE"},
                           headers={"Origin": ORIGIN, "X-Correlation-ID": "c-404"})
    assert response.status_code == 404
    body = response.json
    assert body["statusCode"] == 404 and body["errors"][0]["code"] == "ResourceNotFound"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = header_set(response, "Access-Control-Expose-Headers")
    assert {"x-correlation-id", "retry-after"} <= exposed
    assert response.headers["X-Correlation-ID"] == "c-404"
    assert b"SECRET-CODE" not in response.data


@pytest.fixture
def restricted_client(emulator, fake_provider):
    app = create_app(
        processor_config(
            emulator.url,
            GIFTCARD_PROVIDER="fake",
            PLUGINS={"fake": fake_provider},
            LOAD_ENTRYPOINTS=False,
            GIFTCARD_ALLOWED_ORIGINS=f"https://checkout.example, {ORIGIN}",
        )
    )
    return BufferedClient(app)


def test_allowed_origins_are_echoed_and_others_refused(restricted_client):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": ENABLER_HEADERS}
    allowed = restricted_client.options("/redeem", headers={"Origin": ORIGIN, **preflight})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in allowed.headers["Vary"]
    refused = restricted_client.options("/redeem", headers={"Origin": "https://evil.example", **preflight})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_unknown_paths_follow_the_allowed_origins_too(restricted_client):
    evil = {"Origin": "https://evil.example"}
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": ENABLER_HEADERS}
    allowed = restricted_client.options("/api/redeem", headers={"Origin": ORIGIN, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in allowed.headers["Vary"]
    refused = restricted_client.options("/api/redeem", headers={**evil, **preflight})
    assert "Access-Control-Allow-Origin" not in refused.headers
    not_found = restricted_client.post("/api/redeem", json={}, headers={"Origin": ORIGIN})
    assert not_found.status_code == 404
    assert not_found.headers["Access-Control-Allow-Origin"] == ORIGIN
    hidden = restricted_client.post("/api/redeem", json={}, headers=evil)
    assert hidden.status_code == 404 and "Access-Control-Allow-Origin" not in hidden.headers


def cross_origin_client(emulator, caplog, origins: str | None):
    config = {"GIFTCARD_ALLOWED_ORIGINS": origins} if origins is not None else {}
    caplog.set_level(logging.INFO, logger="giftcard_connect.api.enabler")
    return BufferedClient(create_app(processor_config(
        emulator.url, GIFTCARD_PROVIDER="fake", PLUGINS={"fake": FakeProvider()},
        LOAD_ENTRYPOINTS=False, **config,
    )))


@pytest.mark.parametrize("origins", [None, ""])
def test_without_allowed_origins_no_browser_may_call_and_the_log_says_so(emulator, caplog, origins):
    client = cross_origin_client(emulator, caplog, origins)
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": ENABLER_HEADERS}
    for path in ("/balance", "/redeem", "/operations/config", "/enabler/enabler.js", "/api/x"):
        answer = client.options(path, headers=preflight)
        assert not [h for h in answer.headers.keys() if h.startswith("Access-Control-")], path
    declined = client.post("/balance", json={"code": "x"}, headers={"Origin": ORIGIN})
    assert declined.status_code == 401 and "Access-Control-Allow-Origin" not in declined.headers
    (line,) = [r.getMessage() for r in caplog.records if "GIFTCARD_ALLOWED_ORIGINS" in r.getMessage()]
    assert line.startswith("GIFTCARD_ALLOWED_ORIGINS is not set: browsers may not call")


def test_every_origin_only_when_asked_for_and_with_a_warning(emulator, caplog):
    client = cross_origin_client(emulator, caplog, "*")
    answer = client.post("/balance", json={"code": "x"}, headers={"Origin": "https://any.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    (warning,) = [r for r in caplog.records
                  if r.name == "giftcard_connect.api.enabler" and r.levelno == logging.WARNING]
    assert "allows every origin (*)" in warning.getMessage()


@pytest.mark.parametrize("value, expected", [
    (None, ()),
    ("", ()),
    ("*", ("*",)),
    ("https://a.example, http://localhost:3000", ("https://a.example", "http://localhost:3000")),
])
def test_allowed_origins_setting(value, expected):
    env = {
        "CTP_PROJECT_KEY": "p", "CTP_CLIENT_ID": "c", "CTP_CLIENT_SECRET": "s",
        "CTP_AUTH_URL": "http://a", "CTP_API_URL": "http://a",
        "GIFTCARD_PROVIDER": "mock", "GIFTCARD_CURRENCY": "EUR",
    }
    if value is not None:
        env["GIFTCARD_ALLOWED_ORIGINS"] = value
    assert Settings.from_env(env, dotenv_path=None).allowed_origins == expected


@pytest.mark.parametrize("value", ["https://shop.example/", "shop.example", "https://shop.example/path"])
def test_malformed_allowed_origins_refuse_to_start(value):
    env = {
        "CTP_PROJECT_KEY": "p", "CTP_CLIENT_ID": "c", "CTP_CLIENT_SECRET": "s",
        "CTP_AUTH_URL": "http://a", "CTP_API_URL": "http://a",
        "GIFTCARD_PROVIDER": "mock", "GIFTCARD_CURRENCY": "EUR",
        "GIFTCARD_ALLOWED_ORIGINS": value,
    }
    with pytest.raises(ConfigurationError, match="GIFTCARD_ALLOWED_ORIGINS"):
        Settings.from_env(env, dotenv_path=None)


# --- a provider's own Enabler (giftcard_enabler_directory) --------------------------


class EnablerProvider(FakeProvider):
    """The scripted provider, shipping an Enabler of its own from ``directory``."""

    def __init__(self, directory):
        super().__init__()
        self.directory = directory

    @hookimpl
    def giftcard_enabler_directory(self):
        if isinstance(self.directory, Exception):
            raise self.directory
        return self.directory


@pytest.fixture
def provider_enabler(tmp_path):
    directory = tmp_path / "acme-enabler"
    directory.mkdir()
    (directory / "enabler.js").write_text(
        'import { Enabler as Base } from "../enabler.js";\n'
        "export class Enabler extends Base {}\n"
    )
    (directory / "acme.css").write_text(".acme { color: red; }\n")
    (tmp_path / "secret.js").write_text("not for the browser")
    return directory


def provider_client(emulator, directory):
    provider = EnablerProvider(directory)
    app = create_app(
        processor_config(
            emulator.url, GIFTCARD_PROVIDER="fake", PLUGINS={"fake": provider},
            LOAD_ENTRYPOINTS=False, GIFTCARD_ALLOWED_ORIGINS=ORIGIN,
        )
    )
    return BufferedClient(app)


def test_provider_enabler_is_served_beside_the_base_one(emulator, provider_enabler):
    client = provider_client(emulator, str(provider_enabler))
    response = client.get("/enabler/provider/enabler.js", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b'from "../enabler.js"' in response.data
    assert response.cache_control.max_age == 300 and response.headers["ETag"]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    css = client.get("/enabler/provider/acme.css")
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    # The base Enabler it imports is still there, and the provider cannot shadow it.
    assert b"export class Enabler" in client.get("/enabler/enabler.js").data
    for escape in ("/enabler/provider/../secret.js", "/enabler/provider/..%2fsecret.js",
                   "/enabler/provider/%2e%2e/secret.js"):
        assert client.get(escape).status_code == 404, escape


@pytest.mark.parametrize("directory", ["/nonexistent/enabler", RuntimeError("plugin bug"), 42])
def test_a_broken_enabler_directory_hook_is_logged_and_ignored(emulator, caplog, directory):
    caplog.set_level(logging.ERROR)
    client = provider_client(emulator, directory)
    response = client.get("/enabler/provider/enabler.js")
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["code"] == "ResourceNotFound"
    assert "giftcard_enabler_directory" in caplog.text
    assert client.get("/enabler/enabler.js").status_code == 200
