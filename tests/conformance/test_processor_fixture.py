"""The suite's processor takes the plugin's settings over its own defaults, as
docs/plugin-author-guide.md promises (a provider timeout of the plugin's own)."""

from __future__ import annotations

from pathlib import Path

import pytest
from giftcard_connect.testing import CardSample, ProviderUnderTest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "minimal-provider"


@pytest.fixture
def giftcard_provider_under_test(monkeypatch) -> ProviderUnderTest:
    monkeypatch.syspath_prepend(str(EXAMPLE))
    from giftcard_connect_minimal import MinimalProvider

    provider = MinimalProvider()
    return ProviderUnderTest(
        name="minimal",
        currency="EUR",
        new_card=lambda cents: CardSample(provider.issue(cents)),
        balance_at_provider=lambda card: provider.balance_of(card.code),
        settings={"GIFTCARD_PROVIDER_TIMEOUT": "1.5", "GIFTCARD_PROVIDER_CONNECT_TIMEOUT": "0.5",
                  "GIFTCARD_CURRENCY": "EUR"},
        plugin=provider,
    )


def test_plugin_settings_override_the_suites_processor_defaults(giftcard_processor):
    settings = giftcard_processor.app.extensions["giftcard_connect"].settings
    assert (settings.provider_connect_timeout, settings.provider_read_timeout) == (0.5, 1.5)
