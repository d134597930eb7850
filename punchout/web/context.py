"""Small helpers every view uses: the connector, the browser binding and readable pages."""

from __future__ import annotations

from flask import current_app, g, make_response, render_template
from werkzeug.wrappers import Response

from punchout.buyers import Buyer
from punchout.connector import Connector
from punchout.web.auth_limit import AuthLimiter
from punchout.web.binding import Binding


def connector() -> Connector:
    value = current_app.extensions["punchout.connector"]
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
    hosts (the Content-Security-Policy of :mod:`punchout.app`)."""
    g.punchout_buyer = buyer
    return buyer


BUYER_DISABLED = (
    "Punch-out is switched off for your organisation",
    "The supplier has switched off punch-out for your organisation, so this session has "
    "ended and nothing was sent. Please ask your administrator to contact the supplier.",
)


def page(title: str, message: str, *, status: int = 200, hint: str = "") -> Response:
    """A readable page for a person: what happened and what to do next."""
    html = render_template(
        "message.html", title=title, message=message, hint=hint, error=status >= 400
    )
    return make_response(html, status)
