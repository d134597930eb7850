"""The failed-login limiter against a real Redis."""

from __future__ import annotations

from pytest import MonkeyPatch
from redis.connection import AbstractConnection

from punchout.runtime.store import Reads, Store
from punchout.web.auth_limit import AuthLimiter


def test_failures_block_one_credential_from_one_address_with_small_keys(store: Store) -> None:
    limiter = AuthLimiter.for_store(store, "2/minute;5/hour")
    huge = "cxml:networkid:" + "A" * 100_000
    for _ in range(2):
        assert limiter.retry_after(huge, "10.0.0.1") == 0
        limiter.failed(huge, "10.0.0.1")
    assert 0 < limiter.retry_after(huge, "10.0.0.1") <= 60
    assert limiter.retry_after(huge, "10.0.0.2") == 0  # another address
    assert limiter.retry_after("cxml:networkid:b", "10.0.0.1") == 0  # another credential
    keys = [k for k in store.redis.scan_iter(f"{store.namespace}:limits*")]
    assert keys and max(len(k) for k in keys) < 200


def test_all_limits_are_read_in_one_round_trip(store: Store, monkeypatch: MonkeyPatch) -> None:
    limiter = AuthLimiter.for_store(store, "2/minute;5/hour;50/day")
    limiter.retry_after("cxml:networkid:c", "10.0.0.3")  # scripts loaded, connection open
    writes: list[object] = []
    send = AbstractConnection.send_packed_command

    def counted(self: AbstractConnection, command: object, check_health: bool = True) -> None:
        writes.append(command)
        send(self, command, check_health)  # type: ignore[arg-type]

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    assert limiter.retry_after("cxml:networkid:c", "10.0.0.3") == 0
    assert len(writes) == 1
    for _ in range(2):
        limiter.failed("cxml:networkid:c", "10.0.0.3")
    writes.clear()
    assert 0 < limiter.retry_after("cxml:networkid:c", "10.0.0.3") <= 60
    assert len(writes) == 1
    store.redis.script_flush()  # as after a Redis restart: the script is loaded again
    assert 0 < limiter.retry_after("cxml:networkid:c", "10.0.0.3") <= 60


def test_the_limiter_reads_beside_other_reads_and_still_blocks(store: Store) -> None:
    limiter = AuthLimiter.for_store(store, "2/minute;5/hour")
    store.put(store.key("resend", "acme", "p-1"), {"session": "s"}, ttl=30)
    for _ in range(2):
        limiter.failed("cxml:networkid:d", "10.0.0.4")
    store.redis.script_flush()  # a restarted Redis: each window's script is loaded again
    reads = Reads(store.redis)
    blocked = limiter.queue_retry_after(reads, "cxml:networkid:d", "10.0.0.4")
    free = limiter.queue_retry_after(reads, "cxml:networkid:d", "10.0.0.5")
    other = reads.get(store.key("resend", "acme", "p-1"))
    reads.send()
    assert 0 < blocked.value() <= 60
    assert free.value() == 0
    assert other.value() == {"session": "s"}
