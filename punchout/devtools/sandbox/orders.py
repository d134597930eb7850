"""Orders API (seed 003): get an order, download print files, mark shipped, set status.

Downloads answer 409 with ``Retry-After`` (60 for the order, 30 for an item) until the merge
started by PIPO ``order/{id}/process`` has finished, then a real ZIP. Updates answer 204.
Endpoint names (usable in the fault switch) are the view function names, ``order_*``.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from punchout.devtools.sandbox.wire import (
    answer,
    json_body,
    no_content,
    opt_bool,
    opt_str,
    req_str,
    state,
    zip_response,
)

bp = Blueprint("orders", __name__, url_prefix="/api/v2/order")


@bp.get("/<int:order_id>")
def order_get(order_id: int) -> Response:
    return jsonify(answer("order", state().get_order(order_id)))


@bp.get("/<int:order_id>/download")
def order_download(order_id: int) -> Response:
    return zip_response(state().download(order_id), f"order-{order_id}.zip")


@bp.get("/<int:order_id>/download/<int:item_id>")
def order_download_item(order_id: int, item_id: int) -> Response:
    return zip_response(state().download(order_id, item_id), f"item-{item_id}.zip")


@bp.get("/<int:order_id>/assets/<int:item_id>")
def order_assets(order_id: int, item_id: int) -> Response:
    return zip_response(state().assets(order_id, item_id), f"item-assets-{item_id}.zip")


def _shipped(order_id: int, item_id: int | None) -> Response:
    body = json_body(optional=True)
    state().mark_shipped(order_id, item_id, opt_str(body, "tracking_number"))
    return no_content()


@bp.patch("/<int:order_id>/shipped")
def order_shipped(order_id: int) -> Response:
    return _shipped(order_id, None)


@bp.patch("/<int:order_id>/shipped/<int:item_id>")
def order_shipped_item(order_id: int, item_id: int) -> Response:
    return _shipped(order_id, item_id)


def _status(order_id: int, item_id: int | None) -> Response:
    body = json_body()
    state().update_status(
        order_id,
        item_id,
        order_status=req_str(body, "order_status"),
        comments=opt_str(body, "comments"),
        tracking_number=opt_str(body, "tracking_number"),
        user_initials=opt_str(body, "user_initials"),
        notify_customer=bool(opt_bool(body, "notify_customer")),
        notify_vendor=bool(opt_bool(body, "notify_vendor")),
    )
    return no_content()


@bp.patch("/<int:order_id>/status")
def order_status(order_id: int) -> Response:
    return _status(order_id, None)


@bp.patch("/<int:order_id>/status/<int:item_id>")
def order_status_item(order_id: int, item_id: int) -> Response:
    return _status(order_id, item_id)
