"""Customers API (seed 001): get, create (permanent or temporary), update, transfer, delete.

Answers are the customer object of the seed's example (create and update answer it too,
transfer answers the destination); delete answers 204. Errors use the seed's sentences
("Username is already in use.", "Customer not found."). Endpoint names (usable in the fault
switch) are the view function names, ``customer_*``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from punchout.devtools.sandbox.wire import (
    json_body,
    no_content,
    opt_bool,
    opt_str,
    req_int,
    state,
)

bp = Blueprint("customers", __name__, url_prefix="/api/v2/customer")

_TEXT_FIELDS = ("username", "password", "email", "first_name", "last_name", "company")
_FLAG_FIELDS = ("is_temporary", "receive_marketing_emails", "tax_exempt")


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """The known customer fields the body sent, type-checked (null counts as not sent)."""
    fields: dict[str, Any] = {name: opt_str(body, name) for name in _TEXT_FIELDS}
    fields.update({name: opt_bool(body, name) for name in _FLAG_FIELDS})
    return {name: value for name, value in fields.items() if value is not None}


@bp.get("/<int:customer_id>")
def customer_get(customer_id: int) -> Response:
    return jsonify(state().get_customer(customer_id))


@bp.post("")
def customer_create() -> Response:
    body = json_body()
    storefront_id = req_int(body, "storefront_id")
    fields = _fields(body)
    fields.pop("tax_exempt", None)  # not a create field
    return jsonify(state().create_customer(storefront_id, **fields))


@bp.patch("/<int:customer_id>")
def customer_update(customer_id: int) -> Response:
    return jsonify(state().update_customer(customer_id, _fields(json_body())))


@bp.patch("/<int:customer_id>/transfer")
def customer_transfer(customer_id: int) -> Response:
    destination_id = req_int(json_body(), "id")
    return jsonify(state().transfer_customer(customer_id, destination_id))


@bp.delete("/<int:customer_id>")
def customer_delete(customer_id: int) -> Response:
    state().delete_customer(customer_id)
    return no_content()
