"""``python -m punchout.devtools.sandbox``: run the PrintNow sandbox on its own port.

The Basic Auth pair comes from ``PUNCHOUT_PRINTNOW_API_TOKEN`` / ``PUNCHOUT_PRINTNOW_API_KEY``
(the same variables the connector reads), so both agree; when unset, random ones are made for
this run and printed, since nothing else could know them.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from flask import Flask
from werkzeug.serving import make_server

from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app
from punchout.devtools.sandbox.profile import EXTENDED, PROFILES
from punchout.devtools.sandbox.webhooks import check_url

#: The environment variables holding the API token and key (the connector reads the same).
ENV_NAMES = ("PUNCHOUT_PRINTNOW_API_TOKEN", "PUNCHOUT_PRINTNOW_API_KEY")
#: The secret that signs the order_updated webhooks sent to ``--webhook-url``.
WEBHOOK_SECRET_ENV = "PUNCHOUT_PRINTNOW_WEBHOOK_SECRET"  # noqa: S105 - a variable name


def app_from_environment() -> Flask:
    """The sandbox as a WSGI app for a server such as gunicorn, with the API credentials from
    the environment (``PUNCHOUT_PRINTNOW_API_TOKEN`` and ``_KEY``)."""
    token, key = (os.environ.get(name, "") for name in ENV_NAMES)
    if not (token and key):
        raise SystemExit(f"set {' and '.join(ENV_NAMES)}")
    profile = os.environ.get("PUNCHOUT_SANDBOX_PROFILE") or EXTENDED
    return create_sandbox_app(SandboxConfig(api_token=token, api_key=key, profile=profile))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m punchout.devtools.sandbox", description="Run the PrintNow sandbox."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8081, help="port to listen on (0: any)")
    parser.add_argument("--merge-seconds", type=float, default=2.0, help="merge duration")
    parser.add_argument(
        "--token-idle-seconds", type=float, default=1800, help="PIPO session idle timeout"
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default=EXTENDED,
        help="documented: answer with only what PrintNow's documentation states",
    )
    parser.add_argument(
        "--webhook-url",
        action="append",
        default=[],
        help=f"send signed order_updated webhooks here (secret from {WEBHOOK_SECRET_ENV})",
    )
    args = parser.parse_args(argv)
    webhook_secret = os.environ.get(WEBHOOK_SECRET_ENV, "")
    if args.webhook_url and not webhook_secret:
        parser.error(f"--webhook-url needs the signing secret in {WEBHOOK_SECRET_ENV}")
    for url in args.webhook_url:
        if problem := check_url(url):
            parser.error(f"--webhook-url: {problem}")

    token, key = (os.environ.get(name, "") for name in ENV_NAMES)
    generated = not (token and key)
    if generated:
        token, key = secrets.token_urlsafe(18), secrets.token_urlsafe(24)
    app = create_sandbox_app(
        SandboxConfig(
            api_token=token,
            api_key=key,
            token_idle_seconds=args.token_idle_seconds,
            merge_seconds=args.merge_seconds,
            profile=args.profile,
            webhooks=tuple((url, webhook_secret) for url in args.webhook_url),
        )
    )
    server = make_server(args.host, args.port, app, threaded=True)
    url = f"http://{args.host}:{server.server_port}"
    print(f"PrintNow sandbox on {url} (API at {url}/api/v2)", flush=True)
    if generated:
        print(
            f"{' / '.join(ENV_NAMES)} not set; ephemeral credentials for this run only:\n"
            f"  API token: {token}\n  API key:   {key}",
            flush=True,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
