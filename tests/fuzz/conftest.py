"""The fuzz run needs schemathesis, which ``tox -e fuzz`` installs; the default suite
(``tox -e py``) does without it and leaves this directory out, as the browser suite does
without Playwright."""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("schemathesis") is None:
    collect_ignore_glob = ["test_*.py"]
