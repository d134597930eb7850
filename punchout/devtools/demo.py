"""The whole product on one machine: PrintNow sandbox, connector, worker and buyer simulator.

:func:`start_demo` serves the three apps on loopback in background threads, with a demo buyer
registered in the connector's own registry (``buyers_file``, by default
``instance/buyers.toml``, where `punchout buyers` reads and writes). The demo buyer's secret
and OCI password are kept in the instance folder and reused on the next run, so
`punchout buyers show demo` and `punchout buyers test demo` work against the running demo.
``python -m punchout demo`` and the browser tests both use it.

So the demo tells the whole story after the order too, it also starts ``punchout worker`` as
its own process on the same settings and Redis (its log in ``instance/demo-worker.log``),
gives the demo buyer a document URL at the simulator (``[buyers.demo.documents]``, with a
shared secret kept in the instance folder that the simulator checks), and subscribes the
connector's ``/printnow/webhook`` to the sandbox's ``order_updated`` webhook. Marking the
order shipped on the sandbox's orders page then brings the ship notice and the invoice to the
purchase order's page in the simulator, after the confirmation.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from werkzeug.serving import BaseWSGIServer, make_server

from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app
from punchout.devtools.sandbox.webhooks import WEBHOOKS_KEY
from punchout.devtools.simulator import SimulatorConfig, create_simulator_app
from punchout.devtools.simulator.documents import BuyerAccount
from punchout.domain.keys import Encryptor, generate_secret, hash_secret
from punchout.domain.registry_file import add_buyer, remove_buyer, set_values
from punchout.printnow import PrintNowClient
from punchout.runtime.settings import ENV_PREFIX, SECRET_NAMES, Settings, load_defaults
from punchout.web.context import connector_of

DEMO_BUYER = "demo"
#: Files in the instance folder keeping the demo buyer's credentials (owner-only).
SECRET_FILE, OCI_PASSWORD_FILE = "demo-buyer-secret.txt", "demo-buyer-oci-password.txt"
#: The demo's own secrets (those not set in the environment), kept for the next run.
DEMO_SECRETS_FILE = "demo-secrets.env"
#: The supplier's SharedSecret for the demo buyer's document URL, and the sandbox webhook's
#: signing secret when PUNCHOUT_PRINTNOW_WEBHOOK_SECRET is not set (owner-only files).
DOCUMENTS_SECRET_FILE, WEBHOOK_SECRET_FILE = "demo-documents-secret.txt", "demo-webhook-secret.txt"
#: Where the demo's ``punchout worker`` writes its log, in the instance folder.
WORKER_LOG = "demo-worker.log"
#: Where the simulator takes the documents sent after an order (see punchout/devtools/simulator).
DOCUMENTS_PATH = "/simulator/cxml/documents"
#: The demo reads open orders at least this often (seconds), so the confirmation of a new
#: purchase order shows soon; the webhook brings shipping at once.
DEMO_POLL_SECONDS = 15

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
    worker: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    worker_log: Path | None = None

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.terminate()
            try:
                self.worker.wait(20)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait(5)
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


def redis_url_of(client: redis.Redis) -> str:
    """A ``REDIS_URL`` naming the server and database ``client`` uses (an embedded server by
    its socket), so another process reaches the same data."""
    kwargs = client.connection_pool.connection_kwargs
    db = int(kwargs.get("db") or 0)
    if kwargs.get("path"):
        return f"unix://{kwargs['path']}?db={db}"
    password = kwargs.get("password")
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6379)}/{db}"


def worker_environment(settings: Settings, redis_client: redis.Redis) -> dict[str, str]:
    """The environment that gives ``punchout worker`` exactly these settings and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    for name in load_defaults():
        value = getattr(settings, name)
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        env[f"{ENV_PREFIX}{name.upper()}"] = text
    for name in (*SECRET_NAMES, "printnow_webhook_secret"):
        env[f"{ENV_PREFIX}{name.upper()}"] = str(getattr(settings, name))
    if settings.previous_master_keys:
        env[f"{ENV_PREFIX}PREVIOUS_MASTER_KEYS"] = ",".join(settings.previous_master_keys)
    env["REDIS_URL"] = redis_url_of(redis_client)
    return env


def start_worker(
    settings: Settings, redis_client: redis.Redis
) -> tuple[subprocess.Popen[bytes], Path]:
    """``punchout worker`` as its own process on these settings and Redis; its log file."""
    log_path = settings.instance_path / WORKER_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from punchout.cli import main; main()", "worker"],
            env=worker_environment(settings, redis_client),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, log_path


def _bound(host: str, port: int) -> BaseWSGIServer:
    """A server bound now (its port known) whose app is set before it starts serving."""
    return make_server(host, port, lambda environ, start_response: [], threaded=True)


def _start(server: BaseWSGIServer, app: Any, name: str) -> BaseWSGIServer:
    server.app = app
    threading.Thread(target=server.serve_forever, args=(0.1,), name=name, daemon=True).start()
    return server


def start_demo(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    connector_port: int = 5000,
    sandbox_port: int = 8081,
    simulator_port: int = 5001,
    redis_client: redis.Redis | None = None,
    merge_seconds: float | None = None,
    worker: bool = True,
) -> Demo:
    """Serve the sandbox (when no PrintNow URL is set, in ``settings.sandbox_profile``), the
    connector and the simulator; with ``worker``, start ``punchout worker`` too."""
    from punchout.runtime.settings import load_settings
    from punchout.web.app import create_app

    servers = []
    sandbox_url = settings.printnow_url
    sandbox = None
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
    connector_server = _bound(host, connector_port)
    connector_url = f"http://{host}:{connector_server.server_port}"
    simulator_server = _bound(host, simulator_port)
    simulator_url = f"http://{host}:{simulator_server.server_port}"
    instance = settings.instance_path
    secret_file = instance / SECRET_FILE
    buyers_file = settings.buyers_path
    oci_password = kept_secret(instance / OCI_PASSWORD_FILE)
    account = write_demo_registry(buyers_file, kept_secret(secret_file), oci_password)
    documents_secret = kept_secret(instance / DOCUMENTS_SECRET_FILE)
    encryptor = Encryptor(settings.master_key, settings.previous_master_keys)
    set_values(
        buyers_file,
        DEMO_BUYER,
        {
            "documents.url": simulator_url + DOCUMENTS_PATH,
            "documents.secret": encryptor.encrypt(documents_secret),
            "documents.deployment_mode": "test",
            # The simulator remembers nothing across runs: earlier runs' POs get no documents.
            "documents.since": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    log.info(
        "demo buyer %r is in %s; test it with: punchout buyers test %s --secret \"$(cat %s)\"",
        DEMO_BUYER, buyers_file, DEMO_BUYER, secret_file,
    )  # fmt: skip
    webhook_secret = settings.printnow_webhook_secret or kept_secret(instance / WEBHOOK_SECRET_FILE)
    overrides = {
        "printnow_url": sandbox_url,
        "public_url": connector_url,
        "buyers_file": str(buyers_file),
        "printnow_webhook_secret": webhook_secret,
        "documents_poll_seconds": min(settings.documents_poll_seconds, DEMO_POLL_SECONDS),
    }
    values = {f: getattr(settings, f) for f in settings.__dataclass_fields__}
    values["instance_path"] = str(settings.instance_path)
    values.update(overrides)
    final = load_settings(environ={}, overrides=values)
    connector_app = create_app(final, redis_client=redis_client)
    servers.append(_start(connector_server, connector_app, "connector"))
    if sandbox is not None:
        # The sandbox's order_updated webhook (format: punchout/devtools/sandbox/webhooks.py).
        sandbox.extensions[WEBHOOKS_KEY].subscribe(
            connector_url + "/printnow/webhook", webhook_secret
        )
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
            supplier_secret=documents_secret,
        )
    )
    servers.append(_start(simulator_server, simulator, "buyer-simulator"))
    demo = Demo(connector_url, sandbox_url, simulator_url, connector_app, account, servers)
    if worker:
        store_client = connector_of(connector_app).store.redis
        demo.worker, demo.worker_log = start_worker(final, store_client)
        log.info("punchout worker started (pid %s); its log: %s", demo.worker.pid, demo.worker_log)
    return demo
