"""examples/storefront/shop.py imported by its path (the example is a directory to copy,
not a package), and its settings for a test's emulator and processor."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from giftcard_connect.testing.services import MERCHANT, PROJECT_KEY

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "storefront"
MODULE_NAME = "giftcard_example_shop"
# What README.md tells the merchant to grant the shop's API client.
SHOP_SCOPES = ("manage_orders", "manage_sessions", "view_payments")


def load_shop() -> ModuleType:
    """The example's ``shop`` module, imported once."""
    if MODULE_NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(MODULE_NAME, EXAMPLE / "shop.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[MODULE_NAME] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[MODULE_NAME]


def shop_config(emulator_url: str, processor_url: str, **overrides: str) -> dict[str, str]:
    """The shop's settings with the merchant's API client of the test project."""
    return {
        "CTP_PROJECT_KEY": PROJECT_KEY,
        "CTP_CLIENT_ID": MERCHANT[0],
        "CTP_CLIENT_SECRET": MERCHANT[1],
        "CTP_AUTH_URL": emulator_url,
        "CTP_API_URL": emulator_url,
        "CTP_SESSION_URL": emulator_url,
        "PROCESSOR_URL": processor_url,
        "PAYMENT_INTERFACE": "mock",
        **overrides,
    }
