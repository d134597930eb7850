"""The procurement system's cXML document URL: where the supplier posts what follows an order.

- ``POST /simulator/cxml/documents`` takes a ConfirmationRequest, StatusUpdateRequest,
  ShipNoticeRequest or InvoiceDetailRequest (read by ``inbound.py``) and answers a cXML
  Response: Status 200 when kept (a repeated payloadID too, kept as a duplicate), 401 when the
  Sender's SharedSecret is wrong, 400 with the reason for anything else. The HTTP status is
  the cXML status code, so a sender can act on either. Accepted documents show on the
  purchase order's page (``/po/<orderID>``).
- ``POST /simulator/_control/fail`` ``{"times": N}`` makes the next N posts answer 500
  (a buyer's system having a bad moment), for retry tests; ``{"times": 0}`` stops it.
- ``GET /simulator/_control/documents`` (``?order_id=`` optional) lists what was received,
  as JSON, for tests.
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Response, current_app, jsonify, request

from punchout.devtools.simulator.inbound import Refused, read_document, response
from punchout.devtools.simulator.inbox import Inbox

log = logging.getLogger(__name__)

bp = Blueprint("receiver", __name__, url_prefix="/simulator")

INBOX_KEY = "simulator.inbox"
SECRET_KEY = "simulator.supplier_secret"  # noqa: S105 - where the secret is kept, not it
MAX_FAILURES = 1000
#: The SharedSecret's content, hidden in the copy the pages show.
HIDDEN_SECRET = re.compile(r"(<SharedSecret\b[^>]*>).*?(</SharedSecret>)", re.DOTALL)
STATUS_TEXT = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 500: "Internal Server Error"}


def inbox() -> Inbox:
    """The app's one :class:`Inbox`."""
    value: Inbox = current_app.extensions[INBOX_KEY]
    return value


def _answer(code: int, detail: str) -> Response:
    body = response(code, STATUS_TEXT[code], detail)
    return Response(body, status=code, mimetype="text/xml", content_type="text/xml; charset=UTF-8")


@bp.post("/cxml/documents")
def cxml_documents() -> Response:
    if inbox().take_failure():
        return _answer(500, "the procurement system failed on purpose (test control)")
    document = request.get_data(cache=False)
    try:
        inbound = read_document(document, current_app.extensions[SECRET_KEY])
        order_id = inbound.order_id or inbox().order_for_payload(inbound.referenced_payload_id)
        if not order_id:
            raise Refused(
                400,
                "the document names no purchase order: no OrderReference or OrderIDInfo orderID, "
                "and no DocumentReference to an OrderRequest sent from here",
            )
    except Refused as refused:
        log.info("refused a supplier document: %s %s", refused.code, refused.text)
        return _answer(refused.code, refused.text)
    raw = HIDDEN_SECRET.sub(r"\1(hidden)\2", document.decode("utf-8", "replace"))
    received = inbox().add(inbound, order_id, raw)
    if received.duplicate:
        return _answer(200, f"duplicate of {inbound.payload_id!r}, already received; kept as such")
    return _answer(200, f"{inbound.kind} for purchase order {order_id} received")


@bp.post("/_control/fail")
def control_fail() -> tuple[Response, int]:
    body = request.get_json(silent=True)
    times = body.get("times") if isinstance(body, dict) else None
    if isinstance(times, bool) or not isinstance(times, int) or not 0 <= times <= MAX_FAILURES:
        message = f"send {{'times': N}} with N a whole number from 0 to {MAX_FAILURES}"
        return jsonify({"message": message}), 400
    inbox().fail_next(times)
    return jsonify({"times": times}), 200


@bp.get("/_control/documents")
def control_documents() -> Response:
    order_id = request.args.get("order_id")
    documents = inbox().for_order(order_id) if order_id else inbox().everything()
    return jsonify([d.as_json() for d in documents])
