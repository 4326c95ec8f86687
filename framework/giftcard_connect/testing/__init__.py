"""Testing a provider plugin: the conformance suite and the fixtures it runs on.

A plugin opts in with a ``giftcard_provider_under_test`` fixture returning a
``ProviderUnderTest`` and a test class ``TestConformance(ProviderConformance)``; see
docs/plugin-author-guide.md. ``ProviderConformance`` is imported on first use, so that
the pytest plugin (``giftcard_connect.testing.plugin``) stays cheap to load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .subject import CardSample, ProviderUnderTest

if TYPE_CHECKING:
    from .suite import ProviderConformance

__all__ = ["CardSample", "ProviderConformance", "ProviderUnderTest"]


def __getattr__(name: str):
    if name == "ProviderConformance":
        from .suite import ProviderConformance

        return ProviderConformance
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
