"""The container image (deploy/Dockerfile) builds, runs `punchout serve` as a non-root user,
answers /readyz and stops cleanly on `docker stop`.

Needs a container engine: skipped, saying so, where `docker info` fails (a docker client
without a running engine included).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.runtime.production.helpers import free_port
from tests.support import TEST_SECRETS, LiveSandbox

pytestmark = [pytest.mark.production, pytest.mark.sandbox]
CHECKOUT = Path(__file__).resolve().parents[3]
IMAGE = "printnow-punchout:test"


def engine_problem() -> str:
    """Why no container can run here, or "" when one can."""
    if shutil.which("docker") is None:
        return "no docker client on this machine"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    if info.returncode != 0:
        return "docker info fails: no container engine runs on this machine"
    return ""


def docker(*args: str, timeout: float = 900) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()


def test_the_image_serves_the_connector_and_stops_cleanly(live_sandbox: LiveSandbox) -> None:
    problem = engine_problem()
    if problem:
        pytest.skip(f"container test skipped: {problem}")
    docker("build", "-f", str(CHECKOUT / "deploy" / "Dockerfile"), "-t", IMAGE, str(CHECKOUT))
    port = free_port()
    env = {f"PUNCHOUT_{k.upper()}": v for k, v in TEST_SECRETS.items()}
    env.update(
        PUNCHOUT_PRINTNOW_URL=live_sandbox.url,
        PUNCHOUT_STOREFRONT_URL_TEMPLATE=live_sandbox.url + "/storefront/{storefront_id}",
        PUNCHOUT_PUBLIC_URL=f"http://127.0.0.1:{port}",
        PUNCHOUT_TEST_SYSTEM="true",
    )
    args = [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
    container = docker(
        "run", "-d", "--network", "host", *args, IMAGE,
        "punchout", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    )  # fmt: skip
    try:
        assert docker("exec", container, "id", "-u") != "0"
        deadline = time.monotonic() + 120
        while True:
            try:
                ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, docker("logs", container)
                time.sleep(0.5)
        assert ready.status_code == 200, ready.text
        docker("stop", "--time", "60", container)
        state = json.loads(docker("inspect", "--format", "{{json .State}}", container))
        assert state["ExitCode"] == 0, docker("logs", container)
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True, timeout=60)
