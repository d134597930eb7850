"""Prometheus metrics, served at ``/metrics``.

Counted as they happen (per process, summed over gunicorn's workers by prometheus_client's
multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set, as ``punchout serve`` does):

- ``punchout_requests_total{endpoint,buyer,outcome}`` and ``punchout_request_seconds{endpoint}``;
- ``punchout_printnow_seconds{call}`` and ``punchout_printnow_errors_total{call,kind}``: every
  HTTP exchange with PrintNow, timed by the client's transport (no answer, or a 5xx, is an
  error).

Read from Redis at each scrape (the same for every instance sharing that Redis, so take the
max, not the sum, over instances): ``punchout_orders{state}`` and
``punchout_orders_needing_attention`` (orders whose PrintNow create was never confirmed, to be
settled with ``punchout orders resolve``).
"""

from __future__ import annotations

import os
import re
from collections import Counter as Tally
from collections.abc import Iterator
from urllib.parse import urlsplit

from flask import Blueprint, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from punchout.runtime.store import Store
from punchout.web.context import connector

bp = Blueprint("metrics", __name__)

REQUESTS = Counter("punchout_requests", "Requests answered", ["endpoint", "buyer", "outcome"])
REQUEST_SECONDS = Histogram("punchout_request_seconds", "Time to answer a request", ["endpoint"])
PRINTNOW_SECONDS = Histogram(
    "punchout_printnow_seconds",
    "Time of one HTTP call to PrintNow",
    ["call"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40),
)
PRINTNOW_ERRORS = Counter(
    "punchout_printnow_errors", "PrintNow calls that failed", ["call", "kind"]
)

_NUMBER = re.compile(r"/\d+(?=/|$)")

#: Group states of an order whose PrintNow create was never confirmed: a person settles it.
ATTENTION_STATES = frozenset({"creating"})


def outcome_of(status: int) -> str:
    """A request's outcome from its HTTP status: ok, refused (4xx) or error (5xx)."""
    return "ok" if status < 400 else "refused" if status < 500 else "error"


def call_name(method: str, url: str) -> str:
    """A PrintNow call as a label: method and path, numbers replaced by ``{id}``."""
    path = urlsplit(url).path
    path = path.split("/api/v2", 1)[-1] or "/"
    return method + " " + _NUMBER.sub("/{id}", path)


def printnow_call(
    method: str, url: str, seconds: float, status: int | None, error: BaseException | None
) -> None:
    """Count one HTTP exchange with PrintNow: its time, and an error when none answered or the
    answer was a 5xx (the PrintNow client's observer, installed by ``create_app``)."""
    call = call_name(method, url)
    PRINTNOW_SECONDS.labels(call).observe(seconds)
    if error is not None:
        PRINTNOW_ERRORS.labels(call, type(error).__name__).inc()
    elif status is not None and status >= 500:
        PRINTNOW_ERRORS.labels(call, f"http {status}").inc()


class OrdersCollector(Collector):
    """Orders by state and orders needing attention, counted in the ledger at each scrape."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from punchout.domain.orders.records import Ledger  # the ledger's one owner reads it

        states: Tally[str] = Tally()
        attention = 0
        for record in Ledger(self.store).records():
            states[record.state] += 1
            if any(group.state in ATTENTION_STATES for group in record.groups):
                attention += 1
        by_state = GaugeMetricFamily("punchout_orders", "Orders in the ledger", labels=["state"])
        for state, count in sorted(states.items()):
            by_state.add_metric([state], count)
        yield by_state
        yield GaugeMetricFamily(
            "punchout_orders_needing_attention",
            "Orders whose PrintNow create was never confirmed (punchout orders resolve)",
            value=attention,
        )


@bp.get("/metrics")
def metrics() -> Response:
    """Every metric in Prometheus's text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    output = generate_latest(registry) + generate_latest(_orders_registry(connector().store))
    return Response(output, mimetype=CONTENT_TYPE_LATEST)


def _orders_registry(store: Store) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(OrdersCollector(store))
    return registry
