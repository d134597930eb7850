"""The HTTP edge of the sandbox API: Basic Auth, JSON bodies in, JSON answers and errors out.

Every ``/api`` and ``/_sandbox`` request must carry the configured Basic Auth pair (401
otherwise). Bodies are parsed strictly: malformed JSON, a non-object,
a missing required field or a wrong type is a 400 whose message names the problem. Every
error on those paths is ``{"message": ...}`` JSON (plain text in the ``documented``
profile), never an HTML page or a traceback.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from punchout.devtools.sandbox.errors import SESSION_EXPIRED, ApiError, bad_request
from punchout.devtools.sandbox.profile import DOCUMENTED_EXPIRED, documented_answer
from punchout.devtools.sandbox.state import SandboxState

log = logging.getLogger(__name__)

#: Paths that speak JSON and need Basic Auth.
JSON_PREFIXES = ("/api/", "/_sandbox/")
STATE_KEY = "punchout.devtools.sandbox.state"
#: ASP.NET Web API's wording, which PrintNow's API answers with.
UNAUTHORIZED = "Authorization has been denied for this request."


def state() -> SandboxState:
    """The app's one :class:`SandboxState`."""
    result: SandboxState = current_app.extensions[STATE_KEY]
    return result


def is_json_path() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def documented() -> bool:
    """Whether the app runs the ``documented`` profile."""
    return state().config.documented


def message(text: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """A ``{"message": text}`` answer; plain text in the ``documented`` profile."""
    if documented():
        response = Response(text, status=status, mimetype="text/plain")
    else:
        response = jsonify({"message": text})
        response.status_code = status
    response.headers.update(headers or {})
    return response


def ok() -> Response:
    """PIPO's "Returns 200 OK": ``true``, or an empty body in the ``documented`` profile."""
    return Response(status=200) if documented() else jsonify(True)


def answer(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An answer object, without invented fields in the ``documented`` profile."""
    return documented_answer(kind, data) if documented() else data


def no_content() -> Response:
    """204, as the Orders and Customers APIs answer updates and deletes."""
    return Response(status=204)


def check_basic_auth() -> Response | None:
    """``before_request``: 401 unless a JSON path carries the configured Basic Auth pair."""
    if not is_json_path():
        return None
    auth = request.authorization
    config = state().config
    if (
        auth is not None
        and auth.type == "basic"
        and hmac.compare_digest((auth.username or "").encode(), config.api_token.encode())
        and hmac.compare_digest((auth.password or "").encode(), config.api_key.encode())
    ):
        return None
    return message(UNAUTHORIZED, 401, {"WWW-Authenticate": 'Basic realm="PrintNow API"'})


def pn_token() -> str | None:
    """The PIPO session token from ``X-PN-TOKEN``."""
    return request.headers.get("X-PN-TOKEN") or None


# ------------------------------------------------------------------------ request bodies


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is ``{}`` when ``optional``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return {}
        raise bad_request("A JSON object body is required.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request(f"The request body must be a JSON object, not {_kind(body)}.")
    return body


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def opt_str(body: dict[str, Any], name: str) -> str | None:
    """``body[name]`` if it is a string; None if absent or null; 400 for another type."""
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"{name} must be a string, not {_kind(value)}.")
    return value


def req_str(body: dict[str, Any], name: str) -> str:
    """A required, non-blank string field."""
    value = opt_str(body, name)
    if value is None or not value.strip():
        raise bad_request(f"{name} is required.")
    return value


def opt_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise bad_request(f"{name} must be an integer, not {_kind(value)}.")
    return value


def req_int(body: dict[str, Any], name: str) -> int:
    value = opt_int(body, name)
    if value is None:
        raise bad_request(f"{name} is required.")
    return value


def opt_bool(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false, not {_kind(value)}.")
    return value


def req_int_list(body: dict[str, Any], name: str) -> list[int]:
    """A required array of integers."""
    value = body.get(name)
    if value is None:
        raise bad_request(f"{name} is required.")
    if not isinstance(value, list):
        raise bad_request(f"{name} must be an array of integers, not {_kind(value)}.")
    for element in value:
        if not isinstance(element, int) or isinstance(element, bool):
            raise bad_request(f"{name} must be an array of integers; found {_kind(element)}.")
    return value


def opt_int_list(body: dict[str, Any], name: str) -> list[int] | None:
    """An optional array of integers (None when absent or null)."""
    return None if body.get(name) is None else req_int_list(body, name)


def zip_response(data: bytes, filename: str) -> Response:
    """An ``application/zip`` download named ``filename``."""
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# ------------------------------------------------------------------------ error handlers


def _api_error(error: ApiError) -> Response:
    text = error.message
    transfer = request.endpoint == "pipo.pipo_user_transfer"
    if documented() and text == SESSION_EXPIRED and not transfer:
        text = DOCUMENTED_EXPIRED  # PIPO documents only the 403 for an expired token
    return message(text, error.status, error.headers)


def _html_error(status: int, heading: str, text: str) -> Response:
    """The storefront's own error page (pages are HTML, never a traceback)."""
    page = render_template("message.html", title=heading, heading=heading, text=text)
    return Response(page, status=status, mimetype="text/html")


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if not is_json_path():
        return _html_error(status, error.name, error.description or error.name)
    text = {
        404: f"No resource matches {request.path}.",
        405: f"The resource does not support the {request.method} method.",
    }.get(status, error.description or error.name)
    headers = {}
    if status == 405 and (allow := error.get_response().headers.get("Allow")):
        headers["Allow"] = allow
    return message(text, status, headers)


def _unexpected(error: Exception) -> Response:
    log.exception("sandbox error on %s %s", request.method, request.path)
    if is_json_path():
        return message("An unexpected error occurred in the sandbox.", 500)
    return _html_error(500, "Something went wrong", "The sandbox storefront hit an error.")


def init_app(app: Flask) -> None:
    """Install Basic Auth and the JSON error handlers."""
    app.before_request(check_basic_auth)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
