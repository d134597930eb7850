"""``python -m punchout``: run the connector, and the PrintNow sandbox when no PrintNow is set.

``python -m punchout demo`` runs everything on embedded defaults: it generates ephemeral
secrets for whatever is not set (and says so), starts an embedded Redis, the PrintNow
sandbox, the connector and the buyer simulator with a demo buyer registered, and prints the
one URL to open. ``python -m punchout serve`` does the same but insists that
the secrets come from the environment.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from punchout.settings import Settings, SettingsError, load_settings

log = logging.getLogger("punchout")


def start_sandbox(settings: Settings, host: str, port: int) -> str:
    """Serve the PrintNow sandbox in a background thread; return its base URL."""
    from punchout.sandbox import SandboxConfig, create_sandbox_app

    app = create_sandbox_app(
        SandboxConfig(
            api_token=settings.printnow_api_token,
            api_key=settings.printnow_api_key,
            token_idle_seconds=settings.sandbox_token_idle_seconds,
            merge_seconds=settings.sandbox_merge_seconds,
            profile=settings.sandbox_profile,
        )
    )
    server = make_server(host, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="printnow-sandbox", daemon=True).start()
    return f"http://{host}:{server.server_port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m punchout", description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["demo", "serve"], nargs="?", default="serve")
    parser.add_argument("--sandbox-port", type=int, default=8081)
    parser.add_argument("--simulator-port", type=int, default=5001)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    environ = dict(os.environ)
    if args.mode == "demo":
        from punchout.demo import keep_demo_secrets

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
    if args.mode == "demo":
        from punchout.demo import start_demo

        demo = start_demo(
            settings,
            host=host,
            connector_port=port,
            sandbox_port=args.sandbox_port,
            simulator_port=args.simulator_port,
        )
        print(
            f"PrintNow sandbox: {demo.sandbox_url}\nPunch-out connector: {demo.connector_url}\n"
            f"Demo buyer registered: {demo.account.name} (cXML and OCI)\n\n"
            f"Open the buyer simulator: {demo.simulator_url}\n(Ctrl-C stops)",
            file=sys.stderr,
        )
        threading.Event().wait()
        return 0
    if settings.uses_sandbox:
        sandbox_url = start_sandbox(settings, host, args.sandbox_port)
        settings = load_settings(environ, {"printnow_url": sandbox_url})
        print(f"PrintNow sandbox (playing PrintNow): {sandbox_url}", file=sys.stderr)

    from punchout.app import create_app

    app = create_app(settings)
    print(f"Punch-out connector: {settings.public_url}  (Ctrl-C stops)", file=sys.stderr)
    make_server(host, port, app, threaded=True).serve_forever()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
