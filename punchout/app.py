"""The connector's Flask application factory."""

from __future__ import annotations

import logging

import redis
from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from punchout.settings import Settings, load_settings
from punchout.store import Store, connect_redis
from punchout.web import health

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, redis_client: redis.Redis | None = None
) -> Flask:
    """Build the connector app from validated settings (loaded from the environment if absent)."""
    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    client = redis_client or connect_redis(settings.redis_url, settings.instance_path)
    app.extensions["punchout.settings"] = settings
    app.extensions["punchout.store"] = Store(client)
    app.register_blueprint(health.bp)
    app.register_error_handler(HTTPException, _http_error)
    return app


def page(title: str, message: str, *, status: int = 200, hint: str = "") -> Response:
    """A readable page for a person."""
    body = render_template(
        "message.html", title=title, message=message, hint=hint, error=status >= 400
    )
    return Response(body, status=status, mimetype="text/html")


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    return page(
        exc.name,
        {
            400: "The request was not understood. Please go back and try again.",
            404: "There is nothing at this address.",
            405: "This address does not accept that kind of request.",
            413: "What was sent is too large.",
        }.get(code, "Something went wrong. Please try again."),
        status=code,
    )
