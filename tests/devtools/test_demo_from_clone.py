"""From a fresh clone, `punchout buyers show demo` and `buyers test demo` work against the
running demo: the demo registers its buyer in the connector's own registry and keeps the
buyer's secret in the instance folder."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from punchout.runtime.settings import ENV_PREFIX

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_cli_reaches_the_running_demo(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=60)
    (clone / ".venv").symlink_to(Path(sys.prefix))  # the quickstart's .venv: this test's own
    url = f"http://127.0.0.1:{_free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env.pop("REDIS_URL", None)  # the demo's embedded Redis, under the clone's instance/
    env[f"{ENV_PREFIX}PUBLIC_URL"] = url
    punchout = [str(clone / ".venv" / "bin" / "punchout")]
    secret_file = clone / "instance" / "demo-buyer-secret.txt"
    kept = clone / "instance" / "demo-secrets.env"
    demo = _start_demo(clone, env, url, tmp_path / "demo.log")
    try:
        assert secret_file.stat().st_mode & 0o777 == 0o600
        assert kept.stat().st_mode & 0o777 == 0o600
        assert len(kept.read_text().splitlines()) == 4  # the four secrets, for the next run
        shown = subprocess.run(
            [*punchout, "buyers", "show", "demo", "--for-buyer"],
            cwd=clone, env=env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        assert f"{url}/cxml" in shown.stdout and "AN-DEMO-BUYER" in shown.stdout
        assert "/simulator/cxml/documents" in (clone / "instance" / "buyers.toml").read_text()
    finally:
        demo.terminate()
        demo.wait(timeout=30)
    started = re.search(
        r"punchout worker started \(pid (\d+)\)", (tmp_path / "demo.log").read_text()
    )
    assert started, "the demo did not start its worker"
    assert (clone / "instance" / "demo-worker.log").exists()
    with pytest.raises(ProcessLookupError):  # the demo stopped its worker when it stopped
        os.kill(int(started.group(1)), 0)
    secrets_before, buyer_secret = kept.read_text(), secret_file.read_text()
    demo = _start_demo(clone, env, url, tmp_path / "demo-again.log")  # a restart keeps them
    try:
        assert kept.read_text() == secrets_before and secret_file.read_text() == buyer_secret
        tested = subprocess.run(
            [*punchout, "buyers", "test", "demo", "--secret", buyer_secret.strip()],
            cwd=clone, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert "The cxml link of demo works." in tested.stdout
    finally:
        demo.terminate()
        demo.wait(timeout=30)


def _start_demo(clone: Path, env: dict[str, str], url: str, log: Path) -> subprocess.Popen[bytes]:
    """`python -m punchout demo` in the clone, once its connector answers."""
    with log.open("w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "punchout", "demo", "--sandbox-port", "0",
             "--simulator-port", "0"], cwd=clone, env=env, stdout=out, stderr=out,
        )  # fmt: skip
    secret_file = clone / "instance" / "demo-buyer-secret.txt"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and demo.poll() is None:
        try:
            if secret_file.exists() and requests.get(url + "/", timeout=2).ok:
                return demo
        except requests.RequestException:
            pass
        time.sleep(0.2)
    demo.terminate()
    demo.wait(timeout=30)
    raise AssertionError(log.read_text())
