"""A small in-memory fake of the Voucherify endpoints the plugin uses, for the plugin's
tests and for running ``giftcard-connect demo --provider voucherify`` without an account:
``python -m giftcard_connect_voucherify.fake`` (or ``giftcard-connect-voucherify-fake``).
It is not Voucherify: it knows only what the plugin needs (README.md, "The fake")."""

from .app import create_app
from .model import FakeError, Voucher
from .state import APP_ID, APP_TOKEN, Behaviour, VoucherifyFake

__all__ = ["APP_ID", "APP_TOKEN", "Behaviour", "FakeError", "Voucher", "VoucherifyFake",
           "create_app"]
