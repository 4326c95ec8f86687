"""The README's walkthrough on the checkout page, "New cart", and the printed curl
walkthrough run after it; and the page's small courtesies (icon, tables, events)."""

from __future__ import annotations

import subprocess

import pytest
import requests
from playwright.sync_api import expect

from giftcard_connect.demo import OPERATIONS_HEADING, walkthrough

pytestmark = pytest.mark.browser


def demo_cards(shop) -> list[dict]:
    """The cards the page lists for its cart, as the shopper reads them."""
    expect(shop.page.locator("#demo-cards li")).to_have_count(3)
    return shop.page.evaluate("() => fetch('/api/checkout').then((r) => r.json())")["demoCards"]


def pay_with(shop, code: str, balance_text: str) -> None:
    shop.code.fill(code)
    shop.code.press("Enter")
    expect(shop.message).to_have_text(balance_text)
    shop.page.locator("#pay").click()


def readme_walkthrough(shop) -> list[str]:
    """The 40.00 card, then the 50.00 card for the 20.00 left; returns the codes used."""
    page = shop.page
    forty, fifty, with_pin = demo_cards(shop)
    items = page.locator("#demo-cards li")
    expect(items.nth(0)).to_have_text(f"{forty['code']} · €40.00")
    expect(items.nth(1)).to_have_text(f"{fifty['code']} · €50.00")
    expect(items.nth(2)).to_have_text(f"{with_pin['code']} · PIN 1234 · €50.00")
    pay_with(shop, forty["code"], "Balance: €40.00")
    expect(page.locator("#still-to-pay")).to_have_text("€20.00")
    pay_with(shop, fifty["code"], "Balance: €50.00")
    expect(page.locator("#still-to-pay")).to_have_text("€0.00")
    expect(page.locator("#page-status")).to_have_text("The order is paid in full. Thank you!")
    expect(page.locator(".payment tr[data-state=Success]")).to_have_count(2)
    return [forty["code"], fifty["code"]]


def test_readme_walkthrough_new_cart_and_then_the_printed_walkthrough(shop, tmp_path):
    page = shop.page
    expect(page.locator("#declined-codes")).to_have_text("Declined on purpose: Expired, NotFound, Valid-0-EUR")
    expect(page.locator("#any-balance")).to_have_text(
        "Any Valid-<cents>-EUR is a new card with that balance the first time it is used.")
    first_codes = readme_walkthrough(shop)

    page.get_by_role("button", name="New cart").click()
    expect(page.locator("#still-to-pay")).to_have_text("€60.00")
    expect(page.locator(".payment")).to_have_count(0)
    second_codes = readme_walkthrough(shop)  # new cards: the walkthrough works again
    assert not set(first_codes) & set(second_codes)

    # The printed walkthrough, with its own card put back (each browser test starts with an
    # empty provider ledger), run as a person pastes it: line by line, then the block.
    info = shop.info
    card = info["walkthrough"]["card"]
    requests.post(f"{info['providerUrl']}/_admin/cards", timeout=5, json={
        "code": card["code"], **card["amount"]}).raise_for_status()
    text = walkthrough(info)
    single, block = text.split(OPERATIONS_HEADING)
    for line in (line for line in single.splitlines() if line.startswith("curl ")):
        run = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=30)
        assert run.returncode == 0 and not run.stderr and '"statusCode"' not in run.stdout, run
    run = subprocess.run(["bash", "-c", "set -e\n" + block], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == '{"outcome":"approved"}'

    # The page's own cart is untouched by the terminal's payment and refund.
    page.reload()
    expect(page.locator("#cart-paid")).to_have_text("€60.00")
    expect(page.locator(".payment tr[data-state=Success]")).to_have_count(2)
    expect(page.locator(".payment tr", has_text="Refund")).to_have_count(0)


def test_demo_pin_card_asks_for_its_pin(shop):
    *_, with_pin = demo_cards(shop)
    shop.code.fill(with_pin["code"])
    shop.code.press("Enter")
    # Answered like an unknown code (nobody learns that the card exists), with a text that
    # depends only on what was typed.
    expect(shop.message).to_have_text(
        "This gift card cannot be used. Check the code, and enter the PIN if your card has one.")
    expect(shop.pin).to_have_attribute("aria-invalid", "true")
    shop.pin.fill("9999")
    shop.code.press("Enter")
    expect(shop.message).to_have_text(
        "This gift card cannot be used. Check the code and the PIN and try again.")
    shop.pin.fill(with_pin["pin"])
    shop.code.press("Enter")
    expect(shop.message).to_have_text("Balance: €50.00")


def test_page_asks_for_no_favicon(shop):
    shop.page.reload()
    expect(shop.page.locator("body")).to_have_attribute("data-ready", "true")
    assert not [r.url for r in shop.requests if r.url.endswith("/favicon.ico")]


def test_payment_tables_line_up_and_events_skip_keystrokes(shop):
    page = shop.page
    shop.code.fill("Valid-5000-EUR")
    shop.page.locator("#amount").fill("12.34")
    page.locator("#pay").click()
    expect(shop.message).to_have_text("€12.34 paid with your gift card.")
    shop.code.fill("Valid-001000-EUR")  # declined at redeem: a payment with a Failure charge
    shop.page.locator("#amount").fill("1.00")
    page.locator("#pay").click()
    expect(page.locator(".payment")).to_have_count(2)
    columns = [
        [round(box["x"]) for box in table.locator("th").evaluate_all(
            "(cells) => cells.map((cell) => cell.getBoundingClientRect().toJSON())")]
        for table in page.locator(".transactions").all()
    ]
    assert columns[0] == columns[1], columns
    listed = page.locator("#events li").all_inner_texts()
    assert listed and not [text for text in listed if "onValueChange" in text]
    assert [e["event"] for e in shop.events("onValueChange")]  # kept, just not listed
