"""Remove byte-code caches from the new project: pip compiles the .py files of an installed
giftcard-connect, the template's among them, and cookiecutter copies whatever it finds."""

import shutil
from pathlib import Path

for cache in list(Path.cwd().rglob("__pycache__")):
    shutil.rmtree(cache)
