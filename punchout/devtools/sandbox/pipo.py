"""PIPO endpoints (seed 000): users, sessions, projects, order create and process.

Answers are JSON: login a string token, loggedin/istemp a boolean, order/create an integer,
createtemp and user/info user objects, projects ``{id, name, external_id, fields}``; the
calls that only succeed or fail answer ``true``. The ``documented`` profile leaves out what
the documentation does not state (``profile.py``): empty 200 bodies, no ``fields``, no
createtemp ``password``. Endpoint names (usable in the fault switch)
are the view function names, ``pipo_*``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from punchout.devtools.sandbox.wire import (
    answer,
    documented,
    json_body,
    ok,
    opt_str,
    pn_token,
    req_int,
    req_int_list,
    req_str,
    state,
)

bp = Blueprint("pipo", __name__, url_prefix="/api/v2/pipo")


def _credentials(body: dict[str, Any]) -> dict[str, str]:
    """The five fields of a new permanent account, all required strings."""
    names = ("username", "password", "email", "first_name", "last_name")
    return {name: req_str(body, name) for name in names}


def _session_body() -> tuple[str | None, dict[str, Any]]:
    """For token endpoints with a body: the token, checked first (403 before any 400)."""
    token = pn_token()
    state().check_session(token)
    return token, json_body()


@bp.post("/user/login")
def pipo_user_login() -> Response:
    body = json_body()
    username, password = req_str(body, "username"), req_str(body, "password")
    return jsonify(state().login(username, password, req_int(body, "storefront_id")))


@bp.get("/user/logout")
def pipo_user_logout() -> Response:
    state().logout(pn_token())
    return ok()


@bp.get("/user/loggedin")
def pipo_user_loggedin() -> Response:
    return jsonify(state().is_logged_in(pn_token()))


@bp.get("/user/info")
def pipo_user_info() -> Response:
    return jsonify(state().user_info(pn_token()))


@bp.post("/user/info")
def pipo_user_info_update() -> Response:
    token, body = _session_body()
    user = state().update_user_info(
        token,
        first_name=opt_str(body, "first_name"),
        last_name=opt_str(body, "last_name"),
        current_password=opt_str(body, "current_password"),
        new_password=opt_str(body, "new_password"),
    )
    return ok() if documented() else jsonify(user)


@bp.post("/user/create")
def pipo_user_create() -> Response:
    body = json_body()
    storefront_id = req_int(body, "storefront_id")
    state().create_user(storefront_id, **_credentials(body))
    return ok()


@bp.post("/user/createtemp")
def pipo_user_createtemp() -> Response:
    temp = state().create_temp_user(req_int(json_body(), "storefront_id"))
    return jsonify(answer("temp_user", temp))


@bp.post("/user/convert")
def pipo_user_convert() -> Response:
    token, body = _session_body()
    state().convert_user(token, **_credentials(body))
    return ok()


@bp.post("/user/transfer")
def pipo_user_transfer() -> Response:
    token, body = _session_body()
    username, password = req_str(body, "username"), req_str(body, "password")
    state().transfer_user(token, username=username, password=password)
    return ok()


@bp.get("/user/istemp")
def pipo_user_istemp() -> Response:
    return jsonify(state().is_temp(pn_token()))


@bp.get("/project/all")
def pipo_project_all() -> Response:
    return jsonify([answer("project", p) for p in state().list_projects(pn_token())])


@bp.get("/project/<int:project_id>")
def pipo_project_get(project_id: int) -> Response:
    return jsonify(answer("project", state().get_project(pn_token(), project_id)))


@bp.delete("/project/<int:project_id>")
def pipo_project_delete(project_id: int) -> Response:
    state().delete_project(pn_token(), project_id)
    return ok()


@bp.post("/order/create")
def pipo_order_create() -> Response:
    token, body = _session_body()
    product_ids = req_int_list(body, "product_id")
    external_id = opt_str(body, "external_id")
    return jsonify(state().create_order(token, product_ids, external_id))


@bp.get("/order/<int:order_id>/process")
def pipo_order_process(order_id: int) -> Response:
    state().process_order(pn_token(), order_id)
    return ok()
