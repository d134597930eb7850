"""The connector's Flask application factory.

Every answer gets the same security headers (one ``after_request`` hook): ``no-store``, as
pages carry session links and tokens; a Content-Security-Policy whose ``frame-ancestors``
lets only the buyer's return hosts (which show the connector in their iframe) frame a page;
no referrer; no content sniffing. Passwords are redacted from every log line
(:mod:`punchout.runtime.log_redaction`), and failed authentications are rate-limited
(:mod:`punchout.web.auth_limit`). Errors are answered once per protocol
(:mod:`punchout.web.error_answers`). The app keeps the one :class:`Connector` that owns every
part (:class:`punchout.web.context.ConnectorApp`).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import redis
from flask import Flask, Request, g
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from punchout import resources
from punchout.domain.buyers import Buyer, RegistryError
from punchout.printnow import PrintNowClient
from punchout.runtime import log_redaction
from punchout.runtime.connector import Connector, make_printnow_client
from punchout.runtime.observability import metrics, requests_log
from punchout.runtime.settings import Settings, SettingsError, load_settings
from punchout.runtime.store import Store, connect_redis, durability
from punchout.web import cxml_endpoint, error_answers, health, oci_endpoint, pages
from punchout.web import printnow_webhook as webhook
from punchout.web.context import ConnectorApp, connector

log = logging.getLogger(__name__)

#: A return host as it may appear in a CSP source: a name, an IPv4 address or *.name.
_CSP_HOST = re.compile(r"(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")


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
    log_redaction.install()
    if printnow is None and settings.uses_sandbox:
        raise SettingsError([SANDBOX_REFUSAL])
    store = Store(redis_client or connect_redis(settings.redis_url, settings.instance_path))
    _report_durability(store, settings)
    the_connector = Connector(settings, store, printnow or make_printnow_client(settings))
    app = ConnectorApp(
        the_connector,
        "punchout",
        instance_path=str(settings.instance_path),
        template_folder=resources.TEMPLATES,
        static_folder=resources.STATIC,
    )
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes)
    app.session_interface = NoCookieSession()
    if settings.proxy_hops:  # the client's address and the scheme, as the proxies saw them
        app.wsgi_app = trust_proxies(app.wsgi_app, settings.proxy_hops)  # type: ignore[method-assign]
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    the_connector.client.observe(metrics.printnow_call)
    requests_log.install(app)
    app.before_request(_watch_password_fields)
    app.after_request(_security_headers)
    blueprints = (health.bp, metrics.bp, cxml_endpoint.bp, oci_endpoint.bp, pages.bp, webhook.bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    error_answers.register(app)
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


#: Why a connector is never built on an unset PrintNow URL (only the demo plays PrintNow).
SANDBOX_REFUSAL = (
    "PUNCHOUT_PRINTNOW_URL is not set: set it to the PrintNow storefront's URL "
    "(only `python -m punchout demo` plays PrintNow with the built-in sandbox)"
)


def trust_proxies(wsgi_app: Any, hops: int) -> Any:
    """Read the client's address, scheme, host and port from the X-Forwarded-* headers the
    last ``hops`` reverse proxies appended (Werkzeug's ProxyFix): the one place they are read.
    """
    return ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


class NoCookieSession(SessionInterface):
    """No Flask cookie session: the connector keeps its state in Redis and binds browsers
    with its own signed cookie (:mod:`punchout.web.binding`). Flask's default interface
    builds a signing serializer and reads the cookie on every request
    (Flask docs, "Sessions", ``SessionInterface``); a null session costs nothing, and
    writing to it raises, so no page can come to rely on one unnoticed."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin:
        return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


#: The registry whose OCI password fields the log redaction last learnt.
_watched: list[object] = [None]


def _watch_password_fields() -> None:
    """Keep the log redaction aware of every buyer's (renamed) OCI password field: once per
    loaded registry (a reloaded registry is a new object), not on every request."""
    try:
        registry = connector().registry
    except RegistryError:
        return
    if _watched[0] is registry:
        return
    log_redaction.watch_fields(b.oci.password_field for b in registry.all())
    _watched[0] = registry


def _security_headers(response: Response) -> Response:
    """The headers every connector answer carries (see the module docstring)."""
    headers = response.headers
    headers["Cache-Control"] = "no-store"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = _frame_policy(g.get("punchout_buyer"))
    return response


#: The CSP each buyer's pages get (by buyer id; None: any buyer's), for the registry they were
#: made from: made once per loaded registry, not sorted again on every answer.
_policies: list[tuple[object, dict[str | None, str]]] = [(None, {})]


def _frame_policy(buyer: Buyer | None) -> str:
    """The Content-Security-Policy for a page of ``buyer``, or of any registered buyer (none
    while the registry has never loaded: then no buyer can be served, and ``/readyz`` says
    why, rather than every answer being a 500)."""
    try:
        registry = connector().registry
    except RegistryError:
        return _policy([buyer] if buyer is not None else [])
    loaded, policies = _policies[0]
    if loaded is not registry:
        policies = {}
        _policies[0] = (registry, policies)
    if buyer is not None and registry.get(buyer.id) is not buyer:
        return _policy([buyer])  # a buyer of a registry since reloaded
    key = buyer.id if buyer is not None else None
    policy = policies.get(key)
    if policy is None:
        policy = policies[key] = _policy([buyer] if buyer is not None else registry.all())
    return policy


def _policy(buyers: list[Buyer]) -> str:
    ancestors = " ".join(sorted({src for b in buyers for src in frame_sources(b)})) or "'none'"
    return f"frame-ancestors {ancestors}"


def frame_sources(buyer: Buyer) -> list[str]:
    """CSP sources for the pages of ``buyer``: its return hosts, on any port, over https (and
    http where its carts may return over http: loopback, or ``allow_http_return``)."""
    sources = []
    for host in buyer.return_hosts:
        if not _CSP_HOST.fullmatch(host):
            continue  # nothing that could break out of the header's grammar
        sources.append(f"https://{host}:*")
        if buyer.allow_http_return or host in ("localhost", "127.0.0.1", "[::1]"):
            sources.append(f"http://{host}:*")
    return sources
