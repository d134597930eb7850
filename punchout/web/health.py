"""Liveness and readiness: the front page for people, ``/healthz`` and ``/readyz``.

``/healthz`` says the process is alive and answers (a load balancer's liveness probe; it
touches nothing else). ``/readyz`` says whether this instance can serve buyers: each entry of
:data:`READINESS_CHECKS` is a small function returning ``(ok, detail)``; the answer is 200
when all pass and 503 naming the ones that failed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from redis.exceptions import RedisError

from punchout.domain.backchannel.readiness import orders_api
from punchout.printnow.errors import PrintNowError
from punchout.runtime.connector import Connector
from punchout.runtime.store import durability
from punchout.web.context import connector

bp = Blueprint("health", __name__)

#: A readiness check: ``(passed, one line for the operator)``.
Check = Callable[[Connector], tuple[bool, str]]


@bp.get("/")
def index() -> str:
    """A short page saying what this service is and where its endpoints are."""
    return render_template("index.html", public_url=connector().settings.public_url)


@bp.get("/favicon.ico")
def favicon() -> tuple[str, int]:
    return "", 204


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """200 while the process answers: liveness only (readiness is ``/readyz``)."""
    return {"status": "ok"}, 200


def redis_reachable(c: Connector) -> tuple[bool, str]:
    try:
        return c.store.ping(), "answers"
    except RedisError as exc:
        return False, f"unreachable: {type(exc).__name__}"


def redis_durable(c: Connector) -> tuple[bool, str]:
    """Redis keeps the order ledger across a restart and never evicts it, or the operator
    accepted the risk (``redis_volatile_accepted``): orders are refused otherwise."""
    try:
        kept = durability(c.store.redis)
    except RedisError as exc:
        return False, f"unreachable: {type(exc).__name__}"
    if not kept.problems:
        return True, f"{kept.persistence}; a crash loses {kept.loss_window}"
    if c.settings.redis_volatile_accepted:
        return True, "risk accepted (redis_volatile_accepted): " + "; ".join(kept.problems)
    return False, "; ".join(kept.problems)


def printnow_answering(c: Connector) -> tuple[bool, str]:
    """PrintNow's server answers HTTP at its base URL (any answer below 500)."""
    url = c.settings.printnow_url or "(sandbox)"
    try:
        status = c.client.probe(
            c.settings.printnow_url + "/", timeout=c.settings.printnow_connect_timeout
        )
    except PrintNowError as exc:
        return False, f"{url} unreachable: {type(exc).__name__}"
    if status >= 500:
        return False, f"{url} answered {status}"
    return True, f"{url} answers"


def registry_loaded(c: Connector) -> tuple[bool, str]:
    try:
        return True, f"{len(c.registry.all())} buyer(s)"
    except Exception as exc:
        return False, f"{c.settings.buyers_file} does not load: {exc}"


def pricebook_loaded(c: Connector) -> tuple[bool, str]:
    try:
        c.pricebook  # noqa: B018 (loading is the check)
    except Exception as exc:
        return False, f"the price book does not load: {exc}"
    return True, "loaded"


READINESS_CHECKS: list[tuple[str, Check]] = [
    ("redis", redis_reachable),
    ("redis_durable", redis_durable),
    ("printnow", printnow_answering),
    ("registry", registry_loaded),
    ("pricebook", pricebook_loaded),
    ("orders_api", orders_api),
]


@bp.get("/readyz")
def readyz() -> tuple[dict[str, Any], int]:
    """200 when every readiness check passes, 503 otherwise; each check's result in the body."""
    c = connector()
    checks: dict[str, dict[str, Any]] = {}
    for name, check in READINESS_CHECKS:
        ok, detail = check(c)
        checks[name] = {"ok": ok, "detail": detail}
    ready = all(entry["ok"] for entry in checks.values())
    return {"status": "ready" if ready else "not ready", "checks": checks}, (200 if ready else 503)
