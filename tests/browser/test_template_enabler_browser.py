"""A generated provider's Enabler, loaded from a processor in headless Chromium.

The project is generated from the template, its plugin registered on a processor (the
emulator behind it) and its example API fake served on loopback; a merchant page then
loads ``{processorUrl}/enabler/provider/enabler.js`` as commercetools Checkout does.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import pytest
from flask import Flask
from playwright.sync_api import expect

from giftcard_connect.app import create_app
from giftcard_connect.servers import BackgroundServer
from giftcard_connect.testing.services import Checkout, processor_config

from ..template.generate import generate

pytestmark = pytest.mark.browser

PROJECTS = {
    "none": {"provider_name": "Acme Gift", "pin": "none"},
    "required": {"provider_name": "Bolt Cards", "pin": "required", "default_currency": "EUR"},
}
MOUNT = """async ({ processorUrl, sessionId }) => {
    const { Enabler } = await import(`${processorUrl}/enabler/provider/enabler.js`);
    const enabler = new Enabler({ processorUrl, sessionId, locale: "en" });
    (await enabler.createGiftCardBuilder()).build({}).mount("#giftcard");
}"""


def load(project, slug: str):
    """The generated plugin module and example API module, imported from ``project``."""
    sys.path.insert(0, str(project))
    plugin = importlib.import_module(f"giftcard_connect_{slug.replace('-', '_')}.plugin")
    spec = importlib.util.spec_from_file_location(
        f"example_api_{slug.replace('-', '_')}", project / "tests" / "example_api.py"
    )
    example_api = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example_api)
    return plugin, example_api


@pytest.fixture(scope="module", params=PROJECTS, ids=[f"pin-{pin}" for pin in PROJECTS])
def provider(request, tmp_path_factory):
    project = generate(tmp_path_factory.mktemp(f"pin-{request.param}"), **PROJECTS[request.param])
    slug = project.name.removeprefix("giftcard-connect-")
    plugin, example_api = load(project, slug)
    state = example_api.ExampleApi()
    with BackgroundServer(example_api.create_app(state), name="example-api") as server:
        yield {"slug": slug, "plugin": plugin, "state": state, "url": server.url,
               "api_key": example_api.API_KEY, "pin": request.param}
    sys.path.remove(str(project))


@pytest.fixture
def page_with_enabler(provider, emulator, merchant, browser):
    """A merchant page on its own origin with the provider's Enabler mounted."""
    prefix = f"GIFTCARD_{provider['slug'].upper().replace('-', '_')}_"
    merchant_page = Flask("merchant")
    merchant_page.get("/")(
        lambda: '<!doctype html><title>Merchant</title><main id="giftcard"></main>'
    )
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    errors, requests_ = [], []
    page.on("pageerror", lambda error: errors.append(error))
    page.on("request", lambda request_: requests_.append(request_))
    with BackgroundServer(merchant_page, name="merchant") as shop:
        app = create_app(processor_config(
            emulator.url,
            provider["slug"],
            PLUGINS={provider["slug"]: provider["plugin"]},
            LOAD_ENTRYPOINTS=False,
            GIFTCARD_ALLOWED_ORIGINS=shop.url,  # the merchant page's origin, and no other
            **{f"{prefix}BASE_URL": provider["url"], f"{prefix}API_KEY": provider["api_key"]},
        ))
        with BackgroundServer(app, name="processor") as processor:
            session_id = Checkout(merchant, provider["slug"]).session(processorUrl=processor.url)
            page.goto(shop.url)
            page.evaluate(MOUNT, {"processorUrl": processor.url, "sessionId": session_id})
            yield page, requests_
    context.close()
    assert not errors, errors


def test_generated_enabler_shows_its_fields_and_checks_a_balance(provider, page_with_enabler):
    page, requests_ = page_with_enabler
    name = "Acme Gift" if provider["pin"] == "none" else "Bolt Cards"
    expect(page.locator(".gcc-giftcard")).to_have_attribute("data-provider", provider["slug"])
    code = page.get_by_label(f"{name} card number")
    expect(code).to_be_visible()
    pin_field = page.locator(".gcc-field-pin")
    if provider["pin"] == "required":
        expect(page.get_by_label("PIN (on the back of your card)")).to_be_visible()
    else:
        expect(pin_field).to_be_hidden()

    code.fill("1234")
    code.press("Enter")
    expect(page.locator(".gcc-message")).to_have_text(f"{name} card numbers have 16 digits.")
    assert not [r for r in requests_ if r.url.endswith("/balance")]

    card = provider["state"].issue_card(5000)
    code.fill(card.number)
    if card.pin:
        page.get_by_label("PIN (on the back of your card)").fill(card.pin)
    code.press("Enter")
    expect(page.locator(".gcc-message")).to_have_text("Balance: €50.00")
