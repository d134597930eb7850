"""Liveness and readiness: the front page for people and ``/healthz`` for load balancers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from redis.exceptions import RedisError

from punchout.store import Store, durability

bp = Blueprint("health", __name__)


@bp.get("/")
def index() -> str:
    """A short page saying what this service is and where its endpoints are."""
    settings = current_app.extensions["punchout.settings"]
    return render_template("index.html", public_url=settings.public_url)


@bp.get("/favicon.ico")
def favicon() -> tuple[str, int]:
    return "", 204


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """200 when Redis answers and keeps the order ledger (persistence, no eviction) or the
    risk is accepted (``redis_volatile_accepted``); 503 otherwise, with the problems named."""
    store: Store = current_app.extensions["punchout.store"]
    accepted = bool(current_app.extensions["punchout.settings"].redis_volatile_accepted)
    try:
        redis_ok = store.ping()
        kept = durability(store.redis)
    except RedisError:
        return {"status": "unavailable", "redis": False}, 503
    ready = redis_ok and (not kept.problems or accepted)
    body = {
        "status": "ok" if ready else "unavailable",
        "redis": redis_ok,
        "durability": {**kept.to_json(), "risk_accepted": accepted},
    }
    return body, 200 if ready else 503
