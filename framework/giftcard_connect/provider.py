"""The one place that calls provider and observer hooks.

Hooks are called with keyword arguments only. A provider hook that returns ``None`` or
raises something unexpected is a broken plugin: for money that means the outcome is
unknown, so it surfaces as ``ProviderUnavailable`` (and is logged), never as success.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Mapping

from .errors import ConfigurationError, GiftCardError, ProviderUnavailable
from .models import (
    Balance,
    Cancellation,
    GiftCard,
    HealthCheck,
    Money,
    ProviderContext,
    ProviderInfo,
    Redemption,
    VoidResult,
)
from .plugins import PluginManager

log = logging.getLogger(__name__)


class Provider:
    """The active provider plugin, seen through typed methods."""

    def __init__(
        self,
        pm: PluginManager,
        name: str,
        config: Mapping[str, str],
        make_context: Callable[[], ProviderContext],
    ):
        self.pm = pm
        self.name = name
        self._make_context = make_context
        info = pm.hook.giftcard_provider_info(config=config)
        if not isinstance(info, ProviderInfo):
            raise ConfigurationError(
                f"provider {name!r}: giftcard_provider_info returned {type(info).__name__}"
            )
        self.info: ProviderInfo = info

    def _call(self, hook: str, expected: type, **kwargs: Any) -> Any:
        try:
            result = getattr(self.pm.hook, hook)(**kwargs)
        except (GiftCardError, ProviderUnavailable):
            raise
        except Exception as exc:
            log.exception("provider %s: %s raised %s", self.name, hook, type(exc).__name__)
            raise ProviderUnavailable(f"provider {self.name!r} failed in {hook}") from exc
        if not isinstance(result, expected):
            log.error("provider %s: %s returned %s", self.name, hook, type(result).__name__)
            raise ProviderUnavailable(
                f"provider {self.name!r}: {hook} returned {type(result).__name__}, "
                f"expected {expected.__name__}"
            )
        return result

    def balance(self, card: GiftCard) -> Balance:
        return self._call("giftcard_balance", Balance, card=card, context=self._make_context())

    def redeem(self, card: GiftCard, amount: Money, reference: str) -> Redemption:
        return self._call(
            "giftcard_redeem",
            Redemption,
            card=card,
            amount=amount,
            reference=reference,
            context=self._make_context(),
        )

    def cancel(self, redemption_id: str, amount: Money, reference: str) -> Cancellation:
        return self._call(
            "giftcard_cancel",
            Cancellation,
            redemption_id=redemption_id,
            amount=amount,
            reference=reference,
            context=self._make_context(),
        )

    def void(self, reference: str) -> VoidResult:
        return self._call(
            "giftcard_void", VoidResult, reference=reference, context=self._make_context()
        )

    def health(self) -> HealthCheck:
        return self._call("giftcard_health", HealthCheck, context=self._make_context())

    def enabler_directory(self) -> str | None:
        """The provider's own Enabler files (optional hook), or None to use the base one.

        A hook that fails or names no directory is logged and ignored: the base Enabler
        still works, so a broken optional hook must not take the checkout down.
        """
        try:
            directory = self.pm.hook.giftcard_enabler_directory()
        except Exception:
            log.exception("provider %s: giftcard_enabler_directory failed", self.name)
            return None
        if directory is None:
            return None
        if not isinstance(directory, (str, os.PathLike)) or not os.path.isdir(directory):
            log.error("provider %s: giftcard_enabler_directory returned %r, not a directory",
                      self.name, directory)
            return None
        return os.fspath(directory)

    def payment_recorded(self, payment: dict, transaction: dict) -> None:
        """Tell observers; their failures are logged and never change the outcome."""
        arguments = {"payment": payment, "transaction": transaction}
        for impl in self.pm.hook.giftcard_payment_recorded.get_hookimpls():
            try:
                impl.function(**{name: arguments[name] for name in impl.argnames})
            except Exception:
                log.exception("observer %s failed in giftcard_payment_recorded", impl.plugin_name)
