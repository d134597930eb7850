"""Small helpers every view uses: the connector, the buyer served and readable pages."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, make_response, render_template
from werkzeug.wrappers import Response

from punchout.domain.buyers import Buyer
from punchout.errors import NextStep
from punchout.runtime.connector import Connector


class ConnectorApp(Flask):
    """The connector's Flask app: the one place its :class:`Connector` is kept."""

    def __init__(self, connector: Connector, import_name: str, **options: Any) -> None:
        super().__init__(import_name, **options)
        self.connector = connector


def connector_of(app: Flask) -> Connector:
    """The connector an app was built around (tests and the demo hold the app itself)."""
    if not isinstance(app, ConnectorApp):
        raise TypeError(f"{app.name!r} is not a connector app")
    return app.connector


def connector() -> Connector:
    """The connector of the app serving this request or command: every part it owns
    (settings, store, sessions, accounts, order desk, binding, failed-login limits)."""
    return connector_of(current_app)


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
