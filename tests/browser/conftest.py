"""A real demo stack on loopback and a headless Chromium driven by Playwright.

Playwright is imported lazily: the default suite (without Playwright installed) still
collects the plain-HTTP tests of this directory and ignores the browser modules.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from giftcard_connect.api.ratelimit import EXTENSION

if importlib.util.find_spec("playwright") is None:
    collect_ignore_glob = ["test_*_browser.py"]

CHROMIUM = os.environ.get("GIFTCARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def demo_stack():
    """emulator + mock provider + processor + checkout page, as `giftcard-connect demo` runs them."""
    from giftcard_connect.demo import start_demo

    stack = start_demo()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def demo(demo_stack):
    """What a person gets from the demo: its URLs and credentials."""
    return demo_stack.info


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_provider_ledger(request):
    """Card balances and failed-attempt counts start from scratch in every browser test
    (carts and sessions are per test anyway; every test's browser has the same address)."""
    if "demo" in request.fixturenames:
        stack = request.getfixturevalue("demo_stack")
        url = stack.info["providerUrl"]
        requests.post(f"{url}/_admin/reset", timeout=5).raise_for_status()
        (processor,) = [s for s in stack.servers if s.url == stack.info["processorUrl"]]
        processor.app.extensions[EXTENSION].reset()


@dataclass
class Shop:
    """The checkout page with a cart of its own, and what a test needs around it."""

    page: object
    info: dict
    page_errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.info["storefrontUrl"]

    @property
    def processor(self) -> str:
        return self.info["processorUrl"]

    def open(self, locale: str = "en") -> "Shop":
        from playwright.sync_api import expect

        self.page.goto(f"{self.url}/?locale={locale}")
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")
        return self

    @property
    def code(self):
        return self.page.locator(".gcc-field-code input")

    @property
    def pin(self):
        return self.page.locator(".gcc-field-pin input")

    @property
    def message(self):
        return self.page.locator(".gcc-message")

    def events(self, name: str | None = None) -> list[dict]:
        events = self.page.evaluate("() => window.storefrontEvents")
        return [e for e in events if name is None or e["event"] == name]

    def redeems(self) -> list:
        return [r for r in self.requests if r.method == "POST" and r.url == f"{self.processor}/redeem"]

    def ledger(self) -> dict:
        return requests.get(f"{self.info['providerUrl']}/_admin/ledger", timeout=5).json()

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def shop(demo, browser):
    """A new browser context (own cookies) with a new cart and Checkout session, page open."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    shop = Shop(page=page, info=demo)
    page.on("pageerror", lambda error: shop.page_errors.append(error))
    page.on("request", lambda request_: shop.requests.append(request_))
    created = context.request.post(f"{demo['storefrontUrl']}/api/checkout", data={})
    assert created.status == 201, created.text()
    shop.open()
    yield shop
    context.close()
    # Unhandled rejections and uncaught exceptions surface here: there must be none.
    assert not shop.page_errors, shop.page_errors


def demo_processor_settings(info: dict, **overrides) -> dict:
    """Settings of a second processor on the running demo's emulator and mock provider."""
    return {
        "CTP_PROJECT_KEY": info["projectKey"],
        "CTP_CLIENT_ID": info["clientId"],
        "CTP_CLIENT_SECRET": info["clientSecret"],
        "CTP_AUTH_URL": info["emulatorUrl"],
        "CTP_API_URL": info["emulatorUrl"],
        "CTP_SESSION_URL": info["emulatorUrl"],
        "GIFTCARD_PROVIDER": "mock",
        "GIFTCARD_CURRENCY": "EUR",
        "GIFTCARD_MOCK_URL": info["providerUrl"],
        **overrides,
    }


def money_text(cents: int) -> str:
    return f"€{cents // 100}.{cents % 100:02d}"


def idempotency_keys(requests_: list) -> list[str]:
    return [r.headers.get("idempotency-key") for r in requests_]


def json_body(request_) -> dict:
    return json.loads(request_.post_data or "null")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
