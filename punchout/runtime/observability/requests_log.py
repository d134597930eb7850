"""One log event and one metric per request, each request with an id.

The id is the caller's ``X-Request-ID`` when it is a short plain token (a load balancer's),
else a new random one; it is on every log line written while the request is served
(:mod:`punchout.runtime.observability.logs`) and answered in the ``X-Request-ID`` header. Endpoints
add what they learn with :func:`note` (document type, payloadID); the buyer is the one the
request served. The path is logged without its query string, which may carry a password.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, g, request
from werkzeug.wrappers import Response

from punchout.runtime.observability import metrics

log = logging.getLogger("punchout.requests")

_GOOD_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def note(**fields: str) -> None:
    """Add fields (``buyer``, ``document``, ``payload_id``) to this request's log event."""
    g.setdefault("punchout_note", {}).update(fields)


def install(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)


def _begin() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _GOOD_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    if "request_id" not in g:  # a before_request hook answered before ours ran
        _begin()
    response.headers["X-Request-ID"] = g.request_id
    seconds = time.perf_counter() - g.request_started
    noted = g.get("punchout_note", {})
    buyer = g.get("punchout_buyer")
    endpoint = request.endpoint or "unmatched"
    outcome = metrics.outcome_of(response.status_code)
    event: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "outcome": outcome,
        "duration_ms": round(seconds * 1000, 1),
        "buyer": buyer.id if buyer is not None else "",
        **noted,
    }
    log.info("%s %s %d", request.method, request.path, response.status_code, extra=event)
    metrics.REQUESTS.labels(endpoint, event["buyer"], outcome).inc()
    metrics.REQUEST_SECONDS.labels(endpoint).observe(seconds)
    return response
