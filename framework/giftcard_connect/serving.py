"""The processor under gunicorn: defaults from the environment, an optional gunicorn
settings file over them, and the command line's flags over both."""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.config import Config

from .config import ServerSettings
from .errors import ConfigurationError

DEFAULT_THREADS = 8
DEFAULT_TIMEOUT = 60  # seconds: above a redeem's provider call plus its void


def read_gunicorn_file(path: str) -> dict[str, Any]:
    """gunicorn's own settings (``threads``, ``keepalive``, …) from a Python settings file,
    read the way gunicorn reads ``-c FILE``; names gunicorn does not know are ignored."""
    try:
        values = runpy.run_path(path)
    except Exception as exc:  # the file's own error, whatever it is, told plainly
        raise ConfigurationError(
            f"the gunicorn settings file {path} could not be read: {type(exc).__name__}: {exc}"
        ) from None
    known = Config().settings
    return {name: value for name, value in values.items() if name in known}


class ProcessorServer(BaseApplication):
    """gunicorn serving ``app``: ``defaults``, then ``file_settings``, then ``flags``."""

    def __init__(
        self,
        app,
        server: ServerSettings,
        *,
        file_settings: Mapping[str, Any] | None = None,
        flags: Mapping[str, Any] | None = None,
    ):
        self.application = app
        self.layers = [
            {
                "bind": f"{server.host}:{server.port}",
                "workers": server.workers,
                "threads": DEFAULT_THREADS,
                "timeout": DEFAULT_TIMEOUT,
                "accesslog": None,  # the processor logs each request itself (access.py)
            },
            dict(file_settings or {}),
            {name: value for name, value in (flags or {}).items() if value is not None},
        ]
        super().__init__()

    def load_config(self):
        for layer in self.layers:
            for name, value in layer.items():
                self.cfg.set(name, value)

    def load(self):
        return self.application
