"""Small helpers every view uses: the connector, the browser binding and readable pages."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Literal

from flask import current_app, g, make_response, render_template
from werkzeug.wrappers import Response

from punchout.domain.buyers import Buyer
from punchout.runtime.connector import Connector
from punchout.web.auth_limit import AuthLimiter
from punchout.web.binding import Binding


def connector() -> Connector:
    value = current_app.extensions["punchout.runtime.connector"]
    assert isinstance(value, Connector)
    return value


def binding() -> Binding:
    value = current_app.extensions["punchout.binding"]
    assert isinstance(value, Binding)
    return value


def auth_limiter() -> AuthLimiter:
    value = current_app.extensions["punchout.auth_limiter"]
    assert isinstance(value, AuthLimiter)
    return value


def serving(buyer: Buyer) -> Buyer:
    """Note that this request serves ``buyer``: its pages may be framed only by its return
    hosts (the Content-Security-Policy of :mod:`punchout.web.app`)."""
    g.punchout_buyer = buyer
    return buyer


def request_id() -> str:
    """This request's id: the one the logs and the ``X-Request-ID`` header carry when the app
    sets ``g.request_id``, else a fresh one kept for the rest of the request."""
    value = g.get("request_id")
    if not value:
        value = g.request_id = secrets.token_hex(8)
    return str(value)


#: What a person can do about an error: try again later (an outage, a slow storefront),
#: ask their administrator (a configuration the supplier or buyer must fix), or start the
#: punch-out again from the procurement system (an expired link or session).
NextStep = Literal["retry", "admin", "restart", ""]

BUYER_DISABLED = (
    "Punch-out is switched off for your organisation",
    "The supplier has switched off punch-out for your organisation, so this session has "
    "ended and nothing was sent. Please ask your administrator to contact the supplier.",
)

#: The usual next step for an error status, when the caller does not name one (a 500 names
#: none: it may be either, and its message says what to do).
_NEXT_STEPS: dict[int, NextStep] = {
    401: "admin",
    403: "admin",
    409: "admin",
    410: "restart",
    422: "admin",
    429: "retry",
}


def page(
    title: str, message: str, *, status: int = 200, hint: str = "", next_step: NextStep = ""
) -> Response:
    """A readable page for a person: what happened and what to do next. Error pages also show
    the reference (the request id) and time to quote to the supplier, and how to reach it."""
    if not next_step and status >= 400:
        next_step = _NEXT_STEPS.get(status, "")
    html = render_template(
        "message.html",
        title=title,
        message=message,
        hint=hint,
        error=status >= 400,
        next_step=next_step,
        reference=request_id() if status >= 400 else "",
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    return make_response(html, status)
