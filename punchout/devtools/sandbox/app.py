"""The sandbox's Flask app: :func:`create_sandbox_app` (see the package's docstring)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from punchout.devtools.sandbox import (
    admin,
    control,
    customers,
    faults,
    orders,
    pipo,
    storefront,
    webhooks,
    wire,
)
from punchout.devtools.sandbox.config import SandboxConfig
from punchout.devtools.sandbox.state import SandboxState


def create_sandbox_app(config: SandboxConfig, *, clock: Callable[[], float] = time.time) -> Flask:
    """Build a sandbox app with fresh state. ``clock`` (Unix seconds) lets tests move time."""
    here = Path(__file__).resolve().parent
    app = Flask(
        __name__,
        template_folder=str(here / "templates"),
        static_folder=str(here / "static"),
        static_url_path="/static",
    )
    app.config.update(MAX_CONTENT_LENGTH=config.max_body_bytes)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep PrintNow's key order
    state = SandboxState(config, clock)
    sender = webhooks.WebhookSender(config.webhooks, clock=clock)
    state.order_listener = sender.order_updated
    app.extensions[wire.STATE_KEY] = state
    app.extensions[webhooks.WEBHOOKS_KEY] = sender
    app.extensions[faults.FAULTS_KEY] = faults.FaultSwitch()
    wire.init_app(app)  # Basic Auth first, then the fault switch
    app.before_request(faults.apply_faults)
    for blueprint in (pipo.bp, orders.bp, customers.bp, control.bp, storefront.bp, admin.bp):
        app.register_blueprint(blueprint)
    return app
