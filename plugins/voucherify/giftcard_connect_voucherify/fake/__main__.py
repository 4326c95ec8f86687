"""Serve the fake on loopback with a few test cards, and print the settings that point the
processor (or ``giftcard-connect demo --provider voucherify``) at it."""

from __future__ import annotations

import argparse
import threading

from giftcard_connect.servers import BackgroundServer

from .app import create_app
from .state import APP_ID, APP_TOKEN, VoucherifyFake

CARDS = (  # code, balance in minor units, what else
    ("VF-DEMO-5000", 5000, {}),
    ("VF-DEMO-2500", 2500, {}),
    ("VF-DEMO-EXPIRED", 5000, {"expired": True}),
    ("VF-DEMO-DISABLED", 5000, {"active": False}),
    ("VF-DEMO-EMPTY", 0, {}),
)


def settings(url: str, currency: str) -> dict[str, str]:
    """The processor's settings for a fake at ``url``."""
    return {
        "GIFTCARD_VOUCHERIFY_BASE_URL": url,
        "GIFTCARD_VOUCHERIFY_APP_ID": APP_ID,
        "GIFTCARD_VOUCHERIFY_APP_TOKEN": APP_TOKEN,
        "GIFTCARD_VOUCHERIFY_CURRENCIES": currency,
    }


def main(argv: list[str] | None = None, stop: threading.Event | None = None) -> None:
    parser = argparse.ArgumentParser(prog="giftcard-connect-voucherify-fake",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--currency", default="EUR", help="what the cards' amounts are in")
    options = parser.parse_args(argv)
    fake = VoucherifyFake()
    for code, cents, fields in CARDS:
        fake.issue(cents, code=code, **fields)
    stop = stop or threading.Event()
    app = create_app(fake)
    # Ctrl-C stops it cleanly at any moment, also while the cards are still being printed.
    # The wait is timed: the signal may land on the server's thread, and only a main
    # thread that wakes up runs Python's handler (an untimed wait could sleep forever).
    try:
        with BackgroundServer(app, options.host, options.port, name="voucherify-fake") as server:
            print(f"Voucherify fake on {server.url} (in memory; Ctrl-C stops it)")
            print("Point the processor at it (or put these lines in .env):")
            for name, value in settings(server.url, options.currency).items():
                print(f"  {name}={value}")
            print(f"Test cards ({options.currency}):")
            for code, cents, fields in CARDS:
                note = ", ".join(f"{key}={value}" for key, value in fields.items())
                print(f"  {code:18} {cents / 100:8.2f}  {note}".rstrip(), flush=True)
            while not stop.wait(0.5):
                pass
    except KeyboardInterrupt:
        pass
    print("Voucherify fake stopped", flush=True)


if __name__ == "__main__":
    main()
