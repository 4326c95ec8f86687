"""The pytest plugin of giftcard-connect (registered through the ``pytest11`` entry point).

It loads in every pytest run of an environment where the framework is installed, so it
only defines fixtures (all named ``giftcard_…``) and imports the services they start when
a test asks for them.
"""

from __future__ import annotations

import logging

import pytest


@pytest.fixture
def giftcard_provider_under_test():
    """Overridden by the plugin's own conftest.py; see docs/plugin-author-guide.md."""
    pytest.fail(
        "the conformance suite needs a giftcard_provider_under_test fixture in your "
        "conftest.py returning giftcard_connect.testing.ProviderUnderTest(...); "
        "see docs/plugin-author-guide.md",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def giftcard_emulator():
    """The commercetools emulator on a free loopback port, for the whole test session."""
    from ..emulator import create_app
    from ..servers import BackgroundServer
    from .services import emulator_config

    with BackgroundServer(create_app(emulator_config()), name="emulator") as server:
        yield server


@pytest.fixture
def giftcard_merchant(giftcard_emulator):
    """commercetools as the merchant (and Checkout) sees it."""
    from .services import merchant_client

    return merchant_client(giftcard_emulator.url)


@pytest.fixture
def giftcard_merchant_token(giftcard_emulator) -> str:
    """A bearer token as Checkout holds it, for ``/operations/payment-intents``."""
    from .services import merchant_token

    return merchant_token(giftcard_emulator.url)


@pytest.fixture
def giftcard_logs(caplog):
    """Every log record of the test, at every level, from before the processor starts."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def giftcard_processor(giftcard_emulator, giftcard_provider_under_test, giftcard_logs):
    """A processor with the plugin under test, on a free loopback port, over an empty project."""
    from ..app import create_app
    from ..errors import ConfigurationError
    from ..servers import BackgroundServer
    from .services import processor_config, reset_emulator

    subject = giftcard_provider_under_test
    reset_emulator(giftcard_emulator.url)
    overrides = {"GIFTCARD_CURRENCY": subject.currency, "GIFTCARD_PROVIDER_TIMEOUT": "5"}
    if subject.plugin is not None:
        overrides.update(PLUGINS={subject.name: subject.plugin}, LOAD_ENTRYPOINTS=False)
    # The plugin's settings win over the suite's defaults (a timeout of its own, say).
    settings = {**overrides, **subject.settings}
    config = processor_config(giftcard_emulator.url, subject.name, **settings)
    try:
        app = create_app(config)
    except ConfigurationError as exc:
        pytest.fail(
            f"the processor must start with provider {subject.name!r} (giftcard_provider_info "
            f"must return a ProviderInfo listing {subject.currency}, and every provider hook "
            f"must be implemented); it refused: {exc}",
            pytrace=False,
        )
    with BackgroundServer(app, name="processor") as server:
        yield server


@pytest.fixture
def giftcard_checkout(giftcard_merchant, giftcard_provider_under_test):
    """Creates carts and Checkout sessions for the plugin under test."""
    from .services import Checkout

    subject = giftcard_provider_under_test
    interface = subject.settings.get("GIFTCARD_PAYMENT_INTERFACE") or subject.name
    return Checkout(giftcard_merchant, interface, subject.currency)


@pytest.fixture
def giftcard_conformance(
    giftcard_provider_under_test,
    giftcard_processor,
    giftcard_checkout,
    giftcard_merchant_token,
    giftcard_logs,
):
    """One conformance scenario: see ``giftcard_connect.testing.run.ConformanceRun``."""
    from .run import ConformanceRun

    run = ConformanceRun(
        giftcard_provider_under_test,
        giftcard_processor,
        giftcard_checkout,
        giftcard_merchant_token,
        giftcard_logs,
    )
    yield run
    run.close()
