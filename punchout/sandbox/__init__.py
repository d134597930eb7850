"""PrintNow sandbox: a Flask app that behaves like PrintNow as its API documentation describes.

It serves the PIPO, Orders and Customers APIs under ``/api/v2`` (``pipo.py``, ``orders.py``,
``customers.py``) with PrintNow's Basic Auth, session tokens, messages and status codes; a
small storefront where a punched-out user saves designs (``storefront.py``); and test
controls under ``/_sandbox`` (``control.py``), including a fault switch (``faults.py``). All
state lives in memory in one :class:`SandboxState` per app (``state.py``), so the sandbox runs
as one threaded process: ``python -m punchout.sandbox --port 8081``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from punchout.sandbox import control, customers, faults, orders, pipo, storefront, wire
from punchout.sandbox.config import SandboxConfig
from punchout.sandbox.state import SandboxState

__all__ = ["SandboxConfig", "SandboxState", "create_sandbox_app"]


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
    app.extensions[wire.STATE_KEY] = SandboxState(config, clock)
    app.extensions[faults.FAULTS_KEY] = faults.FaultSwitch()
    wire.init_app(app)  # Basic Auth first, then the fault switch
    app.before_request(faults.apply_faults)
    for blueprint in (pipo.bp, orders.bp, customers.bp, control.bp, storefront.bp):
        app.register_blueprint(blueprint)
    return app
