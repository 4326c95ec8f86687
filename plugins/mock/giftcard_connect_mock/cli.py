"""``giftcard-connect-mock``: run the mock provider service on its own."""

from __future__ import annotations

import click
from giftcard_connect.logs import configure_logging
from giftcard_connect.servers import KeepAliveServer

from .service import create_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8081, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--api-key",
    envvar="GIFTCARD_MOCK_API_KEY",
    show_envvar=True,
    default=None,
    help="Require 'Authorization: Bearer <key>' on every request.",
)
@click.option(
    "--latency",
    default=0.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds to wait before answering each provider API call.",
)
@click.option(
    "--error-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Probability that a provider API call fails with 503.",
)
@click.option("--seed", default=None, type=int, help="Seed for --error-rate, for repeatable runs.")
def main(
    host: str, port: int, api_key: str | None, latency: float, error_rate: float, seed: int | None
) -> None:
    """Run the mock gift card provider (HTTP/1.1 with keep-alive, threaded)."""
    app = create_app(
        {"API_KEY": api_key, "LATENCY": latency, "ERROR_RATE": error_rate, "SEED": seed}
    )
    configure_logging("text")
    KeepAliveServer(app, host, port, name="mock-provider").serve_forever()
