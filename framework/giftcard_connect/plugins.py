"""The plugin manager: entry-point discovery and provider selection.

Nothing loads at import time: every application builds its own manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Any, Mapping

import pluggy

from . import hookspecs
from .errors import ConfigurationError

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME


@dataclass(frozen=True)
class PluginRecord:
    """What ``giftcard-connect plugins`` reports about one plugin."""

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    role: str  # "provider" (active), "inactive provider" or "observer"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks),
            "active": self.role != "inactive provider",
            "role": self.role,
        }


def _hook_names(plugin: object) -> tuple[str, ...]:
    return tuple(
        sorted(
            name
            for name in dir(plugin)
            if name.startswith("giftcard_")
            and hasattr(getattr(plugin, name), f"{hookspecs.PROJECT_NAME}_impl")
        )
    )


def _is_provider(hooks: tuple[str, ...]) -> bool:
    return any(hook in hookspecs.PROVIDER_HOOKS for hook in hooks)


def discover() -> list[tuple[str, object, metadata.Distribution | None]]:
    """Load every installed plugin of the ``giftcard_connect`` entry-point group, once each."""
    found = {}
    for dist in metadata.distributions():
        for ep in dist.entry_points:
            if ep.group == ENTRY_POINT_GROUP and ep.name not in found:
                found[ep.name] = (ep.name, ep.load(), dist)
    return [found[name] for name in sorted(found)]


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers what it saw, for ``giftcard-connect plugins``."""

    def __init__(self):
        super().__init__(hookspecs.PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self.records: tuple[PluginRecord, ...] = ()

    def list_plugins(self) -> list[dict[str, Any]]:
        """Name, distribution, version, hooks and role of every plugin seen."""
        return [record.to_dict() for record in self.records]


def _candidates(plugins: Mapping[str, object] | None, load_entrypoints: bool):
    candidates = [(name, obj, None) for name, obj in (plugins or {}).items()]
    if load_entrypoints:
        given = {name for name, _, _ in candidates}
        candidates += [item for item in discover() if item[0] not in given]
    return candidates


def _record(name: str, obj: object, dist, provider: str) -> PluginRecord:
    hooks = _hook_names(obj)
    if _is_provider(hooks) and name != provider:
        role = "inactive provider"
    else:
        role = "provider" if name == provider else "observer"
    return PluginRecord(
        name=name,
        distribution=dist.metadata["Name"] if dist else None,
        version=dist.version if dist else None,
        hooks=hooks,
        role=role,
    )


def describe_plugins(provider: str) -> list[dict[str, Any]]:
    """What is installed and what would be active, without checking the choice."""
    return [_record(n, o, d, provider).to_dict() for n, o, d in _candidates(None, True)]


def get_plugin_manager(
    provider: str,
    plugins: Mapping[str, object] | None = None,
    *,
    load_entrypoints: bool = True,
) -> PluginManager:
    """Build a new manager with the chosen provider and every observer plugin.

    ``plugins`` maps names to plugin objects registered before entry points, and wins over
    an installed plugin of the same name (how tests register a scripted provider).
    Raises ConfigurationError, naming the installed providers, when ``provider`` is not
    installed or lacks a required hook. Other installed providers stay unregistered.
    """
    pm = PluginManager()
    records = []
    for name, obj, dist in _candidates(plugins, load_entrypoints):
        record = _record(name, obj, dist, provider)
        if record.role != "inactive provider":
            pm.register(obj, name=name)
        records.append(record)
    pm.records = tuple(records)
    _check_provider(pm, provider, records)
    pm.check_pending()
    return pm


def _check_provider(pm: PluginManager, provider: str, records: list[PluginRecord]) -> None:
    installed = sorted(r.name for r in records if r.role != "observer") or ["none"]
    if not provider:
        raise ConfigurationError(
            "GIFTCARD_PROVIDER is not set; installed providers: " + ", ".join(installed)
        )
    active = pm.get_plugin(provider)
    if active is None:
        raise ConfigurationError(
            f"gift card provider {provider!r} is not installed; installed providers: "
            + ", ".join(installed)
        )
    missing = [hook for hook in hookspecs.PROVIDER_HOOKS if hook not in _hook_names(active)]
    if missing:
        raise ConfigurationError(
            f"gift card provider {provider!r} does not implement: " + ", ".join(missing)
        )

