"""The sandbox's orders page: what the print shop does in PrintNow's admin, in small.

``GET /admin/orders`` lists every order as the Orders API reports it (status, items and
their statuses, shipped date, carrier, service, tracking numbers), with a form to set a
storefront status on the order or one item, a form to mark items shipped with a tracking
number, carrier and service, and the last ``order_updated`` webhook deliveries. The forms
POST to ``/admin/orders/<id>/status`` and ``/admin/orders/<id>/ship`` and come back with
POST-redirect-GET; each change sends the webhook, as the API calls do.

A dev tool, not PrintNow: there is no sign-in (the sandbox listens on loopback), but every
form carries a random token made when the app starts, so another site cannot post them
(CSRF); the page may not be framed, is never cached and sends no Referer.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from punchout.devtools.sandbox.errors import ApiError
from punchout.devtools.sandbox.webhooks import sender
from punchout.devtools.sandbox.wire import state

bp = Blueprint("admin", __name__, url_prefix="/admin")

FORM_EXTENSION = "punchout.devtools.sandbox.forms"


def form_token() -> str:
    """The app's form token, made on first use."""
    app: Flask = current_app
    token: str | None = app.extensions.get(FORM_EXTENSION)
    if token is None:
        token = app.extensions.setdefault(FORM_EXTENSION, secrets.token_urlsafe(24))
    return token


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _page(status: int = 200, **context: Any) -> Response:
    page = render_template(
        "orders.html",
        orders=state().orders_view(),
        statuses=state().config.order_statuses,
        webhooks=sender().snapshot(),
        form_token=form_token(),
        **context,
    )
    return Response(page, status=status, mimetype="text/html")


@bp.get("/orders")
def admin_orders() -> Response:
    return _page(notice=request.args.get("notice"))


def _form_token_ok() -> bool:
    sent = request.form.get("form_token", "")
    return hmac.compare_digest(sent.encode(), form_token().encode())


def _refused(order_id: int, problem: str, status: int) -> Response:
    return _page(status, problem=problem, problem_order=order_id)


def _done(order_id: int, notice: str) -> BaseResponse:
    target = url_for("admin.admin_orders", notice=notice) + f"#order-{order_id}"
    return redirect(target, code=303)


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@bp.post("/orders/<int:order_id>/status")
def admin_order_status(order_id: int) -> BaseResponse:
    if not _form_token_ok():
        return _refused(order_id, "The form has expired: reload the page and try again.", 403)
    status = request.form.get("status", "")
    item_text = request.form.get("item_id", "")
    item_id = _int_or_none(item_text)
    if item_text and item_id is None:
        return _refused(order_id, f"No item {item_text!r} in order {order_id}.", 400)
    try:
        state().update_status(
            order_id, item_id, order_status=status, note="Updated in the sandbox admin"
        )
    except ApiError as error:
        return _refused(order_id, error.message, error.status)
    where = f"item {item_id}" if item_id is not None else f"order {order_id}"
    return _done(order_id, f"Set {where} to “{status.strip()}”.")


@bp.post("/orders/<int:order_id>/ship")
def admin_order_ship(order_id: int) -> BaseResponse:
    if not _form_token_ok():
        return _refused(order_id, "The form has expired: reload the page and try again.", 403)
    item_ids = [_int_or_none(v) for v in request.form.getlist("item_id")]
    if not item_ids or None in item_ids:
        return _refused(order_id, "Tick at least one item to ship.", 400)
    try:
        state().ship(
            order_id,
            [i for i in item_ids if i is not None],
            request.form.get("tracking_number"),
            shipping_provider=request.form.get("shipping_provider"),
            shipping_service=request.form.get("service"),
            via="sandbox admin",
        )
    except ApiError as error:
        return _refused(order_id, error.message, error.status)
    return _done(order_id, f"Marked order {order_id} shipped ({len(item_ids)} item(s)).")
