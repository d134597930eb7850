"""Under gunicorn, as deployed: an OCI call-up by GET leaves no password in the access log.

The connector runs in a gunicorn worker with its own embedded Redis; the access log is
gunicorn's own file handler, configured by gunicorn, not by the connector.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from tests.support import OCI_PASSWORD, TEST_SECRETS, buyers_toml

pytestmark = pytest.mark.sandbox
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answer(url: str, deadline: float) -> requests.Response:
    """The first answer from ``url`` once gunicorn listens (polled until ``deadline``)."""
    while True:
        try:
            return requests.get(url, timeout=10)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed with the test extra")
def test_gunicorn_access_log_carries_no_oci_password(tmp_path: Path) -> None:
    buyers = tmp_path / "buyers.toml"
    buyers.write_text(buyers_toml(oci={"password_field": "KENNWORT"}), encoding="utf-8")
    port, log = free_port(), tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({f"PUNCHOUT_{k.upper()}": v for k, v in TEST_SECRETS.items()})
    env.update(
        PUNCHOUT_INSTANCE_PATH=str(tmp_path / "instance"),
        PUNCHOUT_BUYERS_FILE=str(buyers),
        PUNCHOUT_PRINTNOW_URL="http://127.0.0.1:9",
        PUNCHOUT_PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    command = [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", str(log), "punchout.web.app:create_app()"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        query = urlencode(
            {"USERNAME": "ACME-SAP", "KENNWORT": "renamed-SECRET-9", "HOOK_URL": "http://x/"}
        )
        url = f"http://127.0.0.1:{port}/oci/acme?{query}&PASSWORD={OCI_PASSWORD}"
        refused = answer(url, time.monotonic() + 60)
        assert refused.status_code == 401
        deadline = time.monotonic() + 10
        while "/oci/acme" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "gunicorn wrote no access log line"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    text = log.read_text()
    assert OCI_PASSWORD not in text and "renamed-SECRET-9" not in text
    assert "PASSWORD=[redacted]" in text and "KENNWORT=[redacted]" in text
