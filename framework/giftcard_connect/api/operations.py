"""``/operations/*``: what the Enabler and Checkout ask the processor about itself."""

from __future__ import annotations

from flask import Blueprint

from ..auth.session import session_required
from ..runtime import current_runtime

bp = Blueprint("operations", __name__, url_prefix="/operations")


@bp.get("/config")
@session_required
def config():
    """What the Enabler needs to draw its fields: provider, PIN policy, currency."""
    runtime = current_runtime()
    info = runtime.provider.info
    return {
        "provider": info.name,
        "displayName": info.display_name or info.name,
        "pin": info.pin,
        "currency": runtime.settings.currency,
        "supportsPartialCancel": info.supports_partial_cancel,
    }
