"""Fault injection for the mock provider: latency, 503s and "applied, then too slow".

These let reliability tests reproduce the cases that make a redemption's outcome unknown
to the caller, including the worst one: the money moved but the answer never arrived.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class FaultSettings:
    """``apply_then_delay_next`` is how many redemptions to delay; ``None`` means all."""

    latency: float = 0.0
    error_rate: float = 0.0
    fail_next: int = 0
    apply_then_delay: float = 0.0
    apply_then_delay_next: int | None = None
    seed: int | None = None

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> FaultSettings:
        """Validate a mapping (admin JSON or start-up config); raise ValueError if wrong."""
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError("unknown fault settings: " + ", ".join(unknown))
        settings = cls(**data)
        for name in ("latency", "error_rate", "apply_then_delay"):
            value = getattr(settings, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number >= 0")
        if settings.error_rate > 1:
            raise ValueError("error_rate must be between 0 and 1")
        for name in ("fail_next", "apply_then_delay_next", "seed"):
            value = getattr(settings, name)
            if value is None and name != "fail_next":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0")
        return settings


class Faults:
    """The active fault settings, consumed by the service under their own lock."""

    def __init__(self, settings: FaultSettings | None = None):
        self._lock = threading.Lock()
        self.configure(settings or FaultSettings())

    def configure(self, settings: FaultSettings) -> None:
        """Replace every setting; a given seed makes ``error_rate`` reproducible."""
        with self._lock:
            self._settings = settings
            self._random = random.Random(settings.seed)

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self._settings)

    def before_request(self) -> bool:
        """Sleep the latency; return True when this request must fail with a 503."""
        with self._lock:
            settings = self._settings
            if settings.fail_next > 0:
                self._settings = replace(settings, fail_next=settings.fail_next - 1)
                fail = True
            else:
                fail = self._random.random() < settings.error_rate
        if settings.latency:
            time.sleep(settings.latency)
        return fail

    def after_redemption(self) -> None:
        """Sleep after a new redemption was booked, for as many as configured."""
        with self._lock:
            settings = self._settings
            remaining = settings.apply_then_delay_next
            if not settings.apply_then_delay or remaining == 0:
                return
            if remaining is not None:
                self._settings = replace(settings, apply_then_delay_next=remaining - 1)
        time.sleep(settings.apply_then_delay)
