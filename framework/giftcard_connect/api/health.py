"""Liveness: answers while the process can serve requests, without calling anything."""

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness probe for load balancers and orchestrators."""
    return {"status": "ok"}
