"""``POST /printnow/webhook``: PrintNow's order_updated webhook triggers a poll of that order.

PrintNow names the webhook (Orders: Mark Order Shipped and Update Order Status "trigger the
order_updated webhook") but documents neither its payload nor how it is signed. So the body
is trusted for nothing: it is authenticated with the shared secret
``PUNCHOUT_PRINTNOW_WEBHOOK_SECRET`` in the header ``printnow_webhook_header`` (either the
HMAC-SHA256 of the body, hex, optionally ``sha256=``-prefixed, or the secret itself,
as ``printnow_webhook_auth`` says; compared in constant time), and only an order id is read
from it, to choose which order to poll. Every fact comes from the Orders API. A body with no
order id the connector can read polls every open order.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from punchout.runtime.settings import Settings
from punchout.web.context import connector

log = logging.getLogger(__name__)
bp = Blueprint("printnow_webhook", __name__)

#: Where an order id may sit in a webhook body (names seen in PrintNow's other payloads).
_ID_KEYS = ("order_id", "orderId", "id")
_NESTED = ("order", "data", "payload")


def authentic(settings: Settings, header: str, body: bytes) -> bool:
    """Whether ``header`` proves the body came from PrintNow (constant-time compare)."""
    secret = settings.printnow_webhook_secret
    if not secret or not header:
        return False
    if settings.printnow_webhook_auth == "secret":
        return hmac.compare_digest(header.strip().encode(), secret.encode())
    presented = header.strip().removeprefix("sha256=").lower()
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(presented.encode(), expected.encode())


def order_id_in(body: bytes) -> int | None:
    """The PrintNow order id a webhook body names, if one can be read; nothing else is used."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    for holder in [data, *(data.get(k) for k in _NESTED if isinstance(data, dict))]:
        if not isinstance(holder, dict):
            continue
        for key in _ID_KEYS:
            value = holder.get(key)
            if isinstance(value, bool):
                continue
            if isinstance(value, int) and value > 0:
                return value
            if isinstance(value, str) and value.isdigit() and 0 < len(value) < 19:
                return int(value)
    return None


@bp.post("/printnow/webhook")
def printnow_webhook() -> tuple[Response, int]:
    settings: Settings = connector().settings
    if not settings.printnow_webhook_secret:
        return jsonify(error="webhooks are not configured on this connector"), 403
    body = request.get_data(cache=False)
    if not authentic(settings, request.headers.get(settings.printnow_webhook_header, ""), body):
        log.warning(
            "PrintNow webhook refused: wrong or missing %s", settings.printnow_webhook_header
        )
        return jsonify(error="not authenticated"), 401
    from punchout.domain.backchannel.queue import Backchannel

    order_id = order_id_in(body)
    Backchannel(connector()).request_poll(order_id)
    log.info("PrintNow webhook: poll of %s queued", order_id or "every open order")
    return jsonify(queued=f"order {order_id}" if order_id else "all open orders"), 202
