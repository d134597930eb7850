"""Running the connector as deployed: ``punchout serve`` processes on free ports."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from tests.support import TEST_SECRETS

BIN = Path(sys.executable).parent
STOREFRONT = "/storefront/{storefront_id}?token={token}&return_url={return_url}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_env(
    instance: Path, printnow_url: str, public_url: str, **extra: str
) -> dict[str, str]:
    """The environment of a connector on a test system, with the test secrets."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PUNCHOUT_", "REDIS_URL", "PROMETHEUS"))
    }
    env.update({f"PUNCHOUT_{k.upper()}": v for k, v in TEST_SECRETS.items()})
    env.update(
        PUNCHOUT_INSTANCE_PATH=str(instance),
        PUNCHOUT_PRINTNOW_URL=printnow_url,
        PUNCHOUT_STOREFRONT_URL_TEMPLATE=printnow_url + STOREFRONT,
        PUNCHOUT_PUBLIC_URL=public_url,
        PUNCHOUT_TEST_SYSTEM="true",
    )
    env.update(extra)
    return env


class Served:
    """One ``punchout serve`` process; its JSON log lines are kept in a file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path, port: int) -> None:
        self.log = log
        self.url = f"http://127.0.0.1:{port}"
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, env=env, stderr=out, stdout=out)

    def wait_ready(self, path: str = "/healthz", seconds: float = 60) -> requests.Response:
        deadline = time.monotonic() + seconds
        while True:
            assert self.process.poll() is None, self.log.read_text()
            try:
                return requests.get(self.url + path, timeout=10)
            except requests.ConnectionError:
                assert time.monotonic() < deadline, self.log.read_text()
                time.sleep(0.1)

    def events(self) -> list[dict[str, Any]]:
        return [
            json.loads(line) for line in self.log.read_text().splitlines() if line.startswith("{")
        ]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        return self.process.wait(90)


def serve(
    tmp: Path,
    name: str,
    env: dict[str, str],
    *args: str,
    punchout: Path = BIN / "punchout",
    port: int | None = None,
) -> Served:
    port = port or free_port()
    command = [str(punchout), "serve", "--port", str(port), *args]
    return Served(command, env, tmp / f"{name}.log", port)


def gone(pid: int, seconds: float = 30) -> bool:
    """True once no process ``pid`` runs (polled)."""
    import psutil

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False
