"""Small helpers every view uses: the connector, the browser binding and readable pages."""

from __future__ import annotations

from flask import current_app, make_response, render_template
from werkzeug.wrappers import Response

from punchout.connector import Connector
from punchout.web.binding import Binding


def connector() -> Connector:
    value = current_app.extensions["punchout.connector"]
    assert isinstance(value, Connector)
    return value


def binding() -> Binding:
    value = current_app.extensions["punchout.binding"]
    assert isinstance(value, Binding)
    return value


def page(title: str, message: str, *, status: int = 200, hint: str = "") -> Response:
    """A readable page for a person: what happened and what to do next."""
    html = render_template(
        "message.html", title=title, message=message, hint=hint, error=status >= 400
    )
    return make_response(html, status)
