"""The whole product on one machine: PrintNow sandbox, connector and buyer simulator.

:func:`start_demo` serves the three apps on loopback in background threads, with a demo buyer
registered in the connector's own registry (``buyers_file``, by default
``instance/buyers.toml``, where `punchout buyers` reads and writes). The demo buyer's secret
and OCI password are kept in the instance folder and reused on the next run, so
`punchout buyers show demo` and `punchout buyers test demo` work against the running demo.
``python -m punchout demo`` and the browser tests both use it.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import redis
from werkzeug.serving import BaseWSGIServer, make_server

from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app
from punchout.devtools.simulator import SimulatorConfig, create_simulator_app
from punchout.devtools.simulator.documents import BuyerAccount
from punchout.domain.keys import generate_secret, hash_secret
from punchout.domain.registry_file import add_buyer, remove_buyer
from punchout.printnow import PrintNowClient
from punchout.runtime.settings import ENV_PREFIX, SECRET_NAMES, Settings

DEMO_BUYER = "demo"
#: Files in the instance folder keeping the demo buyer's credentials (owner-only).
SECRET_FILE, OCI_PASSWORD_FILE = "demo-buyer-secret.txt", "demo-buyer-oci-password.txt"
#: The demo's own secrets (those not set in the environment), kept for the next run.
DEMO_SECRETS_FILE = "demo-secrets.env"

log = logging.getLogger(__name__)


@dataclass
class Demo:
    """The running demo: where each part answers."""

    connector_url: str
    sandbox_url: str
    simulator_url: str
    connector_app: Any
    account: BuyerAccount = field(repr=False)
    servers: list[BaseWSGIServer] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def _serve(app: Any, host: str, port: int, name: str) -> BaseWSGIServer:
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), name=name, daemon=True)
    thread.start()
    return server


def kept_secret(path: Path) -> str:
    """The secret in ``path``, made (readable by the owner only) on first use."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = generate_secret()
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(secret + "\n")
    return secret


def keep_demo_secrets(environ: dict[str, str]) -> tuple[list[str], Path]:
    """Fill in every secret missing from ``environ`` from the instance folder's
    ``demo-secrets.env`` (owner-only), generating and keeping there those it lacks, so a
    restarted demo keeps its sessions, signed references and the buyer's secret working.
    Returns the names taken from the file and the file."""
    instance = Path(environ.get(f"{ENV_PREFIX}INSTANCE_PATH") or Path.cwd() / "instance")
    path = instance / DEMO_SECRETS_FILE
    kept: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, equals, value = line.partition("=")
            if equals and value.strip():
                kept[name.strip()] = value.strip()
    filled = []
    for name in SECRET_NAMES:
        env_name = f"{ENV_PREFIX}{name.upper()}"
        if not environ.get(env_name):
            environ[env_name] = kept.setdefault(env_name, generate_secret() + generate_secret())
            filled.append(env_name)
    if filled:
        instance.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("".join(f"{name}={value}\n" for name, value in kept.items()))
    return filled, path


def write_demo_registry(path: Path, secret: str, oci_password: str = "") -> BuyerAccount:
    """The demo buyer (cXML and OCI) written afresh into the registry at ``path``, whose
    other buyers are kept; returns how it logs in."""
    account = BuyerAccount(
        buyer_id=DEMO_BUYER,
        name="Demo Buyer Inc.",
        domain="NetworkID",
        identity="AN-DEMO-BUYER",
        secret=secret,
        oci_username="DEMO-SAP",
        supplier_domain="",
        supplier_identity="",
        oci_password=oci_password or generate_secret(),
    )
    remove_buyer(path, DEMO_BUYER)
    add_buyer(
        path,
        DEMO_BUYER,
        name=account.name,
        protocols=["cxml", "oci"],
        storefront_id=1,
        user_policy="per_user",
        price_book="standard",
        return_hosts=["127.0.0.1", "localhost"],
        credentials=[(account.domain, account.identity)],
        secret_hash=hash_secret(secret),
        oci_username=account.oci_username,
        oci_secret_hash=hash_secret(account.oci_password),
    )
    return account


def start_demo(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    connector_port: int = 5000,
    sandbox_port: int = 8081,
    simulator_port: int = 5001,
    redis_client: redis.Redis | None = None,
    merge_seconds: float | None = None,
) -> Demo:
    """Serve the sandbox (when no PrintNow URL is set, in ``settings.sandbox_profile``), the
    connector and the simulator."""
    from punchout.runtime.settings import load_settings
    from punchout.web.app import create_app

    servers = []
    sandbox_url = settings.printnow_url
    if settings.uses_sandbox:
        sandbox = create_sandbox_app(
            SandboxConfig(
                api_token=settings.printnow_api_token,
                api_key=settings.printnow_api_key,
                token_idle_seconds=settings.sandbox_token_idle_seconds,
                merge_seconds=settings.sandbox_merge_seconds
                if merge_seconds is None
                else merge_seconds,
                profile=settings.sandbox_profile,
            )
        )
        servers.append(_serve(sandbox, host, sandbox_port, "printnow-sandbox"))
        sandbox_url = f"http://{host}:{servers[-1].server_port}"
    connector_server = make_server(host, connector_port, lambda e, s: [], threaded=True)
    connector_url = f"http://{host}:{connector_server.server_port}"
    secret_file = settings.instance_path / SECRET_FILE
    buyers_file = settings.buyers_path
    oci_password = kept_secret(settings.instance_path / OCI_PASSWORD_FILE)
    account = write_demo_registry(buyers_file, kept_secret(secret_file), oci_password)
    log.info(
        "demo buyer %r is in %s; test it with: punchout buyers test %s --secret \"$(cat %s)\"",
        DEMO_BUYER, buyers_file, DEMO_BUYER, secret_file,
    )  # fmt: skip
    overrides = {
        "printnow_url": sandbox_url,
        "public_url": connector_url,
        "buyers_file": str(buyers_file),
    }
    values = {f: getattr(settings, f) for f in settings.__dataclass_fields__}
    values["instance_path"] = str(settings.instance_path)
    values.update(overrides)
    final = load_settings(environ={}, overrides=values)
    connector_app = create_app(final, redis_client=redis_client)
    connector_server.app = connector_app
    threading.Thread(
        target=connector_server.serve_forever, args=(0.1,), name="connector", daemon=True
    ).start()
    servers.append(connector_server)
    account = replace(
        account, supplier_domain=final.supplier_domain, supplier_identity=final.supplier_identity
    )
    simulator = create_simulator_app(
        SimulatorConfig(
            connector_url=connector_url,
            account=account,
            printnow=PrintNowClient(
                sandbox_url + "/api/v2", final.printnow_api_token, final.printnow_api_key
            ),
        )
    )
    servers.append(_serve(simulator, host, simulator_port, "buyer-simulator"))
    simulator_url = f"http://{host}:{servers[-1].server_port}"
    return Demo(connector_url, sandbox_url, simulator_url, connector_app, account, servers)
