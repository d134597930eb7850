"""Exactly once rests on Redis keeping the ledger: a real redis-server, killed and restarted.

Each test starts its own ``redis-server`` on a unix socket in a temporary folder, so it can
SIGKILL it (no shutdown, no final save) and start it again on the same files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from punchout.domain.orders.desk import DURABILITY_RECHECK_SECONDS
from punchout.protocol.cxml.model import OrderRequest
from punchout.runtime.store import connect_redis, durability
from tests.buyer_side import BuyerIdentity, header, status_of
from tests.domain.orders.conftest import World

pytestmark = pytest.mark.sandbox

SERVER = shutil.which("redis-server")


class RedisProcess:
    """A redis-server this test started, with its own folder and socket."""

    def __init__(self, folder: Path, *options: str) -> None:
        self.folder = folder
        self.options = options
        self.socket = folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert SERVER is not None
        self.process = subprocess.Popen(
            [SERVER, "--port", "0", "--unixsocket", str(self.socket), "--dir", str(self.folder),
             "--daemonize", "no", "--logfile", str(self.folder / "redis.log"), *self.options],
        )  # fmt: skip
        probe = redis.Redis(unix_socket_path=str(self.socket))
        for _ in range(500):  # poll until it answers (and has loaded its files)
            try:
                if probe.ping():
                    return
            except redis.RedisError:
                time.sleep(0.01)
        raise AssertionError(
            "redis-server did not start: " + (self.folder / "redis.log").read_text()
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final save."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.process = None

    def client(self) -> redis.Redis:
        # no reconnect attempts with backoff: a dead server fails at once, keeping tests fast
        return redis.Redis(
            unix_socket_path=str(self.socket), decode_responses=True, retry=Retry(NoBackoff(), 0)
        )


@pytest.fixture
def start_redis(tmp_path: Path) -> Iterator[Callable[..., RedisProcess]]:
    if SERVER is None:
        pytest.skip("redis-server is not installed")
    started: list[RedisProcess] = []

    def start(*options: str) -> RedisProcess:
        folder = tmp_path / f"redis{len(started)}"
        folder.mkdir()
        server = RedisProcess(folder, *options)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process is not None:
            server.kill()


AOF = ("--appendonly", "yes", "--appendfsync", "always", "--save", "")
NOTHING = ("--appendonly", "no", "--save", "")


def _document(order_id: str) -> bytes:
    """A one-line OrderRequest from the test buyer, as its procurement system sends it."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="{order_id}.http@buyer.example" timestamp="2026-11-22T11:00:00Z">
  {header(BuyerIdentity(), BuyerIdentity().secret, "Coupa Procurement 1.0")}
  <Request><OrderRequest>
    <OrderRequestHeader orderID="{order_id}" orderDate="2026-11-22T11:00:00Z" type="new">
      <Total><Money currency="USD">45.00</Money></Total></OrderRequestHeader>
    <ItemOut quantity="1" lineNumber="1"><ItemID><SupplierPartID>BC-STD-85x55</SupplierPartID>
      <SupplierPartAuxiliaryID>1-2-abc</SupplierPartAuxiliaryID></ItemID>
      <ItemDetail><UnitPrice><Money currency="USD">45.00</Money></UnitPrice>
      <Description xml:lang="en">Cards</Description><UnitOfMeasure>BX</UnitOfMeasure>
      </ItemDetail></ItemOut>
  </OrderRequest></Request>
</cXML>""".encode()


def _po(world: World, order_id: str) -> OrderRequest:
    user = world.user()
    return world.po(order_id, world.line(user, world.design(user)))


def test_a_po_retried_after_redis_is_killed_and_restarted_gets_the_same_answer_and_no_second_order(
    make_world: Callable[..., World], start_redis: Callable[..., RedisProcess]
) -> None:
    server = start_redis(*AOF)
    world = make_world(server.client())
    order = _po(world, "PO-K1")
    first = world.send(order)
    assert first.code == 200
    server.kill()
    down = world.send(order)
    assert down.code == 560 and "retry later" in down.message  # retryable, not 500
    over_http = world.app.test_client().post(
        "/cxml", data=_document("PO-K1"), content_type="text/xml; charset=UTF-8"
    )
    assert (over_http.status_code, status_of(over_http.data)[0]) == (503, 560)
    server.start()  # the same folder: the append-only file is replayed
    again = world.send(order)
    assert again == first
    assert len(world.orders()) == 1


def test_a_redis_without_persistence_is_refused_for_orders_unless_accepted(
    make_world: Callable[..., World], start_redis: Callable[..., RedisProcess]
) -> None:
    server = start_redis(*NOTHING)
    world = make_world(server.client(), redis_volatile_accepted=False)
    order = _po(world, "PO-K2")
    refused = world.send(order)
    assert refused.code == 560
    assert "neither an append-only file nor RDB snapshots" in refused.message
    assert world.orders() == []
    ready = world.app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["redis_durable"] == {
        "ok": False,
        "detail": "Redis has neither an append-only file nor RDB snapshots",
    }
    accepting = make_world(server.client(), redis_volatile_accepted=True)
    assert accepting.send(order).code == 200
    ready = accepting.app.test_client().get("/readyz")
    assert ready.json["checks"]["redis_durable"]["ok"] is True
    assert "risk accepted" in ready.json["checks"]["redis_durable"]["detail"]


def test_a_redis_that_may_evict_keys_is_refused(
    make_world: Callable[..., World], start_redis: Callable[..., RedisProcess]
) -> None:
    server = start_redis(*AOF, "--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru")
    world = make_world(server.client(), redis_volatile_accepted=False)
    refused = world.send(_po(world, "PO-K3"))
    assert refused.code == 560 and "maxmemory-policy allkeys-lru" in refused.message


@pytest.mark.parametrize(
    ("options", "persistence", "loss"),
    [
        (AOF, "append-only file, fsync always", "none"),
        (("--appendonly", "yes", "--appendfsync", "everysec"), "append-only file, fsync everysec",
         "about 1 second of writes"),
        (("--appendonly", "no", "--save", "900 1 60 100"), "RDB snapshots (save 900 1 60 100)",
         "writes since the last snapshot, up to 900 seconds"),
    ],
)  # fmt: skip
def test_durability_states_what_a_crash_loses(
    start_redis: Callable[..., RedisProcess], options: tuple[str, ...], persistence: str, loss: str
) -> None:
    kept = durability(start_redis(*options).client())
    assert (kept.persistence, kept.loss_window, kept.problems) == (persistence, loss, ())


def test_the_embedded_redis_writes_an_append_only_file(tmp_path: Path) -> None:
    client = connect_redis("", tmp_path)
    kept = durability(client)
    assert kept.persistence == "append-only file, fsync everysec" and not kept.problems
    # the file (Redis before 7) or folder (Redis 7) of the append-only file, in the instance
    assert {"appendonly.aof", "appendonlydir"} & {p.name for p in tmp_path.iterdir()}


def test_a_clean_durability_check_is_trusted_for_a_few_seconds_and_a_problem_never(
    make_world: Callable[..., World], start_redis: Callable[..., RedisProcess]
) -> None:
    server = start_redis(*AOF)
    world = make_world(server.client(), redis_volatile_accepted=False)
    assert world.send(_po(world, "PO-C1")).code == 200
    server.client().config_set("appendonly", "no")
    # Within the window the clean answer stands: no CONFIG GET round trip for this PO.
    assert world.send(_po(world, "PO-C2")).code == 200
    world.clock.now += DURABILITY_RECHECK_SECONDS
    assert world.send(_po(world, "PO-C3")).code == 560
    server.client().config_set("appendonly", "yes")
    assert world.send(_po(world, "PO-C3")).code == 200  # a problem is not cached
