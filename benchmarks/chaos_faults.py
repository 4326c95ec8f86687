"""Injecting the plan's faults into the running services.

commercetools faults go to the emulator's ``/_emulator/faults`` (each for a few uses of
one route), provider faults to the mock provider's ``/_admin/faults`` (the next calls
fail, or are slow, or are booked and then answered too late), and a killed worker is a
``SIGKILL`` to one gunicorn worker of one instance (its master starts a new one).
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

import requests

from chaos_plan import Fault
from stack import Service, children


class FaultInjector:
    def __init__(self, emulator_url: str, provider_url: str, processors: list[Service]):
        self._emulator = emulator_url
        self._provider = provider_url
        self._processors = processors
        self._lock = threading.Lock()
        self._clear_timer: threading.Timer | None = None
        self.injected: Counter = Counter()

    def inject(self, fault: Fault) -> None:
        if fault.emulator is not None:
            requests.post(f"{self._emulator}/_emulator/faults", json=fault.emulator,
                          timeout=10).raise_for_status()
        elif fault.provider is not None:
            self._provider_faults(fault.provider, fault.clear_after)
        elif not self._kill_a_worker(self._processors[fault.instance], fault.worker):
            return  # no worker to kill at this moment: nothing was injected
        with self._lock:
            self.injected[fault.kind] += 1

    def _provider_faults(self, settings: dict, clear_after: float) -> None:
        """Replace the provider's faults; a time-boxed one is cleared after ``clear_after``."""
        with self._lock:
            if self._clear_timer is not None:
                self._clear_timer.cancel()
            requests.put(f"{self._provider}/_admin/faults", json=settings,
                         timeout=10).raise_for_status()
            if clear_after:
                self._clear_timer = threading.Timer(clear_after, self._clear_provider)
                self._clear_timer.daemon = True
                self._clear_timer.start()

    def _clear_provider(self) -> None:
        requests.delete(f"{self._provider}/_admin/faults", timeout=10).raise_for_status()

    def _kill_a_worker(self, processor: Service, which: int) -> bool:
        """SIGKILL one live worker (gunicorn starts another); False when none is alive."""
        with self._lock:
            workers = sorted(pid for pid in children(processor.process.pid) if _running(pid))
            if not workers:
                return False
            try:
                os.kill(workers[which % len(workers)], signal.SIGKILL)
            except ProcessLookupError:
                return False  # it ended meanwhile
            return True

    def clear(self) -> None:
        """No fault left anywhere: what runs next (reconcile, the checks) runs clean."""
        with self._lock:
            if self._clear_timer is not None:
                self._clear_timer.cancel()
        requests.delete(f"{self._emulator}/_emulator/faults", timeout=10).raise_for_status()
        self._clear_provider()


def _running(pid: int) -> bool:
    """Alive and not yet a zombie waiting for gunicorn to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
