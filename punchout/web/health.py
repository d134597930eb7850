"""Liveness and readiness: the front page for people and ``/healthz`` for load balancers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from redis.exceptions import RedisError

from punchout.store import Store

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
    """200 when Redis answers, 503 otherwise."""
    store: Store = current_app.extensions["punchout.store"]
    try:
        redis_ok = store.ping()
    except RedisError:
        redis_ok = False
    return {"status": "ok" if redis_ok else "unavailable", "redis": redis_ok}, (
        200 if redis_ok else 503
    )
