"""The connector's Flask application factory."""

from __future__ import annotations

import logging

import redis
from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from punchout import cli
from punchout.connector import Connector
from punchout.orders import OrderDesk
from punchout.printnow import PrintNowClient
from punchout.settings import Settings, load_settings
from punchout.store import Store, connect_redis, durability
from punchout.web import cxml_endpoint, health, oci_endpoint, pages
from punchout.web.binding import Binding
from punchout.web.context import page

log = logging.getLogger(__name__)

#: Paths whose callers are procurement systems: errors there are answered as cXML.
CXML_PATHS = ("/cxml",)


def create_app(
    settings: Settings | None = None,
    *,
    redis_client: redis.Redis | None = None,
    printnow: PrintNowClient | None = None,
) -> Flask:
    """Build the connector app from validated settings (loaded from the environment if absent).

    ``redis_client`` and ``printnow`` let tests, the demo and benchmarks inject their own;
    otherwise they are made from the settings (``REDIS_URL`` or an embedded Redis under the
    instance folder; the configured PrintNow).
    """
    settings = settings or load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    client = redis_client or connect_redis(settings.redis_url, settings.instance_path)
    store = Store(client)
    _report_durability(store, settings)
    connector = Connector(settings, store, printnow or make_printnow_client(settings))
    app.extensions["punchout.settings"] = settings
    app.extensions["punchout.store"] = store
    app.extensions["punchout.printnow"] = connector.client
    app.extensions["punchout.connector"] = connector
    app.extensions["punchout.orders"] = OrderDesk(connector)
    app.extensions["punchout.binding"] = Binding(
        settings.secret_key, max_age=settings.session_ttl_seconds * 4
    )
    cli.register(app)
    for blueprint in (health.bp, cxml_endpoint.bp, oci_endpoint.bp, pages.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _report_durability(store: Store, settings: Settings) -> None:
    """Say at start whether Redis keeps the order ledger; orders are refused while it does not."""
    try:
        kept = durability(store.redis)
    except redis.RedisError as exc:
        log.error("Redis did not answer at start: %s", exc)
        return
    if not kept.problems:
        log.info("Redis persistence: %s; a crash loses %s", kept.persistence, kept.loss_window)
    elif settings.redis_volatile_accepted:
        log.warning("Redis may lose the order ledger (%s); accepted", "; ".join(kept.problems))
    else:
        log.error("purchase orders are refused: %s", "; ".join(kept.problems))


def make_printnow_client(settings: Settings) -> PrintNowClient:
    """The one PrintNow client of the process, configured from the settings."""
    return PrintNowClient(
        settings.printnow_url + "/api/v2",
        settings.printnow_api_token,
        settings.printnow_api_key,
        timeout=(settings.printnow_connect_timeout, settings.printnow_read_timeout),
        retries=settings.printnow_retries,
    )


def _wants_cxml() -> bool:
    return request.path.startswith(CXML_PATHS)


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    if _wants_cxml():
        messages = {
            405: "Send cXML documents with POST.",
            413: "The document is larger than this endpoint accepts.",
        }
        return cxml_endpoint.status_response(code, messages.get(code, exc.name))
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


def _unexpected_error(exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    if _wants_cxml():
        return cxml_endpoint.status_response(
            500, "The supplier could not process the request; please try again later."
        )
    return page(
        "Something went wrong",
        "The punch-out could not continue. Please try again; if it keeps happening, "
        "contact the supplier.",
        status=500,
    )
