"""Test controls under ``/_sandbox`` (same Basic Auth as the API).

- ``POST /_sandbox/faults`` ``{"endpoint", "mode", "delay"?, "status"?, "times"?}`` switches a
  fault on (see ``faults.py``) and answers it as ``{id, endpoint, mode, delay, status,
  remaining}``; ``GET`` lists them; ``DELETE`` clears them (204).
- ``POST /_sandbox/reset`` forgets all users, sessions, projects, orders and faults (204).
- ``GET /_sandbox/state`` summarises users, projects, orders (with merge state and status
  history) and the number of live sessions.
- ``POST /_sandbox/projects`` ``{"user_id", "template", "fields"?}`` saves a project for a
  user as the storefront would, for tests that skip the pages.
- ``POST /_sandbox/sessions`` ``{"user_id"}`` answers a PIPO session token for any user, so
  tests can act as a temporary user whose password the ``documented`` profile never tells.
- ``POST /_sandbox/orders/<id>/status`` ``{"status", "item_id"?}`` sets a storefront status
  on the order (or one item), as the print shop does in PrintNow's admin.
- ``POST /_sandbox/orders/<id>/ship`` ``{"item_ids"?, "tracking_number"?,
  "shipping_provider"?, "service"?}`` marks the items (all when left out) shipped, with the
  tracking number, carrier and service. Both answer the order as ``GET /api/v2/order/<id>``
  does, and both send the ``order_updated`` webhook.
- ``POST /_sandbox/webhooks`` ``{"url", "secret"}`` subscribes a URL to the signed
  ``order_updated`` events (``webhooks.py``); ``GET`` lists the URLs and the last deliveries;
  ``DELETE`` forgets them all (204).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from punchout.devtools.sandbox.errors import bad_request
from punchout.devtools.sandbox.faults import MODES, switch
from punchout.devtools.sandbox.webhooks import check_url, sender
from punchout.devtools.sandbox.wire import (
    answer,
    json_body,
    no_content,
    opt_int,
    opt_int_list,
    opt_str,
    req_int,
    req_str,
    state,
)

bp = Blueprint("sandbox", __name__, url_prefix="/_sandbox")

MAX_DELAY = 300.0


@bp.post("/faults")
def sandbox_fault_add() -> Response:
    body = json_body()
    endpoint = req_str(body, "endpoint")
    mode = req_str(body, "mode")
    if mode not in MODES:
        raise bad_request(f"mode must be one of {', '.join(MODES)}, not {mode!r}.")
    delay = body.get("delay", 0.0 if mode != "slow" else None)
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise bad_request("delay must be a number of seconds (required for mode slow).")
    if not 0 <= delay <= MAX_DELAY:
        raise bad_request(f"delay must be between 0 and {MAX_DELAY:g} seconds.")
    status = opt_int(body, "status") or 503
    if not 400 <= status <= 599:
        raise bad_request("status must be an HTTP error status (400-599).")
    times = opt_int(body, "times")
    if times is not None and times < 1:
        raise bad_request("times must be a positive integer.")
    fault = switch().add(endpoint, mode, delay=float(delay), status=status, times=times)
    return jsonify(fault)


@bp.get("/faults")
def sandbox_fault_list() -> Response:
    return jsonify(switch().snapshot())


@bp.delete("/faults")
def sandbox_fault_clear() -> Response:
    switch().clear()
    return no_content()


@bp.post("/reset")
def sandbox_reset() -> Response:
    """Forget users, sessions, projects, orders, faults and deliveries (webhook
    subscriptions are configuration and stay)."""
    state().reset()
    switch().clear()
    sender().forget_deliveries()
    return no_content()


@bp.get("/state")
def sandbox_state() -> Response:
    return jsonify(state().summary())


@bp.post("/sessions")
def sandbox_session_add() -> Response:
    return jsonify(state().session_for(req_int(json_body(), "user_id")))


@bp.post("/projects")
def sandbox_project_add() -> Response:
    body = json_body()
    user_id = req_int(body, "user_id")
    template = req_str(body, "template")
    fields = body.get("fields")
    fields = {} if fields is None else fields
    if not isinstance(fields, dict):
        raise bad_request("fields must be an object of field name to text.")
    return jsonify(state().add_project(user_id, template, fields))


def _order(order_id: int) -> Response:
    return jsonify(answer("order", state().get_order(order_id)))


@bp.post("/orders/<int:order_id>/status")
def sandbox_order_status(order_id: int) -> Response:
    body = json_body()
    state().update_status(
        order_id,
        opt_int(body, "item_id"),
        order_status=req_str(body, "status"),
        note="Updated in the sandbox",
    )
    return _order(order_id)


@bp.post("/orders/<int:order_id>/ship")
def sandbox_order_ship(order_id: int) -> Response:
    body = json_body(optional=True)
    state().ship(
        order_id,
        opt_int_list(body, "item_ids"),
        opt_str(body, "tracking_number"),
        shipping_provider=opt_str(body, "shipping_provider"),
        shipping_service=opt_str(body, "service"),
        via="sandbox",
    )
    return _order(order_id)


@bp.post("/webhooks")
def sandbox_webhook_add() -> Response:
    body = json_body()
    url = req_str(body, "url").strip()
    problem = check_url(url)
    if problem:
        raise bad_request(problem)
    sender().subscribe(url, req_str(body, "secret"))
    return jsonify(sender().snapshot())


@bp.get("/webhooks")
def sandbox_webhook_list() -> Response:
    return jsonify(sender().snapshot())


@bp.delete("/webhooks")
def sandbox_webhook_clear() -> Response:
    sender().clear()
    return no_content()
