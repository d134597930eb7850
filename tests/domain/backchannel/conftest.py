"""After the order, end to end on real parts: the test Redis, the PrintNow sandbox over
HTTP, the connector's desk placing real orders, a buyer's receiving endpoint over HTTP and
a real ``punchout worker`` process delivering from the RQ queue."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask, Response, request

from punchout.domain.backchannel.queue import Backchannel
from punchout.protocol.cxml import build
from punchout.runtime.connector import Connector
from tests.domain.orders import conftest as orders_conftest
from tests.domain.orders.conftest import World
from tests.support import TEST_SECRETS, serve
from tests.web import conftest as web_conftest

DOCUMENT_SECRET = "network-SECRET-789"
#: The order desk's world (a connector on the test Redis, the sandbox as PrintNow), shared.
make_world = orders_conftest.make_world
#: The connector served over HTTP (tests/web), shared.
make_connector = web_conftest.make_connector
world = orders_conftest.world


@dataclass
class Receiver:
    """A buyer's document endpoint: answers 500 to the first ``fail_next`` posts, then a
    cXML Status 200; keeps every post (and what it was answered)."""

    fail_next: int = 0
    posts: list[tuple[bytes, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def app(self) -> Flask:
        app = Flask("receiver")

        @app.post("/cxml/documents")
        def documents() -> Response:
            body = request.get_data()
            with self.lock:
                failing = self.fail_next > 0
                self.fail_next -= 1 if failing else 0
                code = 500 if failing else 200
                self.posts.append((body, code))
            if failing:
                return Response(build.response(500, "try again"), 500, content_type="text/xml")
            return Response(build.response(200), 200, content_type="text/xml")

        return app

    def accepted(self) -> list[bytes]:
        return [body for body, code in self.posts if code == 200]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    with serve(found.app()) as url:
        found.url = url + "/cxml/documents"
        yield found


def documents_table(url: str, **extra: Any) -> dict[str, Any]:
    from punchout.domain.keys import Encryptor

    secret = Encryptor(TEST_SECRETS["master_key"]).encrypt(DOCUMENT_SECRET)
    return {"url": url, "secret": secret, **extra}


@pytest.fixture
def doc_world(make_world: Callable[..., World], receiver: Receiver) -> Callable[..., World]:
    """A world whose buyer takes documents at the receiver (3 attempts, 1 s backoff)."""

    def make(**documents: Any) -> World:
        world = make_world(documents_attempts=3, documents_backoff_seconds=1)
        world.set_buyer(documents=documents_table(receiver.url, **documents))
        return world

    return make


def redis_url_of(client: redis.Redis) -> str:
    """A REDIS_URL naming the test Redis (the embedded server's socket, or CI's server)."""
    kwargs = client.connection_pool.connection_kwargs
    db = int(kwargs.get("db") or 0)
    if kwargs.get("path"):
        return f"unix://{kwargs['path']}?db={db}"
    password = kwargs.get("password")
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6379)}/{db}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Start `punchout worker` as its own process, on a connector's settings and Redis."""
    started: list[WorkerProcess] = []

    def start(c: Connector, *, embedded: bool = False) -> WorkerProcess:
        """``embedded``: no REDIS_URL, so the worker opens the instance folder's Redis."""
        s = c.settings
        outside = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHOUT_")}
        outside.pop("REDIS_URL", None)
        env = {
            **outside,
            **({} if embedded else {"REDIS_URL": redis_url_of(c.store.redis)}),
            "PUNCHOUT_PUBLIC_URL": s.public_url,
            "PUNCHOUT_PRINTNOW_URL": s.printnow_url,
            "PUNCHOUT_PRINTNOW_API_TOKEN": s.printnow_api_token,
            "PUNCHOUT_PRINTNOW_API_KEY": s.printnow_api_key,
            "PUNCHOUT_MASTER_KEY": s.master_key,
            "PUNCHOUT_SECRET_KEY": s.secret_key,
            "PUNCHOUT_BUYERS_FILE": s.buyers_file,
            "PUNCHOUT_INSTANCE_PATH": str(s.instance_path),
            "PUNCHOUT_DOCUMENTS_ATTEMPTS": str(s.documents_attempts),
            "PUNCHOUT_DOCUMENTS_BACKOFF_SECONDS": str(s.documents_backoff_seconds),
            "PUNCHOUT_DOCUMENTS_POLL_SECONDS": "3600",
        }
        log = tmp_path / f"worker-{len(started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-c", "from punchout.cli import main; main()", "worker"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = WorkerProcess(process, log)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.process.terminate()
        try:
            worker.process.wait(20)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(5)


def wait_until(
    condition: Callable[[], bool], worker: WorkerProcess, what: str, limit: float = 60.0
) -> None:
    """Wait for ``condition`` (the worker delivers in the background); fail naming ``what``
    with the worker's output when it does not come."""
    deadline = time.monotonic() + limit
    while not condition():
        if worker.process.poll() is not None:
            pytest.fail(f"the worker stopped before {what}:\n{worker.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen:\n{worker.output()[-4000:]}")
        time.sleep(0.2)


def backchannel(world: World) -> Backchannel:
    return Backchannel(world.c)


def place_order(world: World, order_id: str = "PO-D1", lines: int = 1) -> int:
    """Place a PO through the desk (real PrintNow sandbox orders); its PrintNow order id."""
    user = world.user()
    order_lines = [world.line(user, world.design(user)) for _ in range(lines)]
    answer = world.send(world.po(order_id, *order_lines), payload_id=f"{order_id}-payload@buyer")
    assert answer.code == 200, answer.message
    record = world.desk.ledger.get("acme", "new", order_id)
    assert record is not None
    return record.pipo_ids()[0]
