"""The Redis store against a real server: key builder, TTLs, JSON, one-time reads."""

from __future__ import annotations

import pytest
import redis

from punchout.runtime.store import Reads, Store


def test_key_builder_encodes_outside_values(store: Store) -> None:
    assert store.key("session", "abc") == "punchout:session:abc"
    # A separator inside a value cannot forge another key.
    assert store.key("replay", "buyer:1", "id") != store.key("replay", "buyer", "1:id")
    with pytest.raises(ValueError):
        store.key("bad:kind", "x")


def test_every_ephemeral_write_has_a_ttl(store: Store) -> None:
    key = store.key("session", "s1")
    store.put(key, {"token": "t", "items": [1, 2]}, ttl=30)
    assert store.get(key) == {"token": "t", "items": [1, 2]}
    assert 0 < store.redis.ttl(key) <= 30
    for bad in (0, -1, None, 1.5):
        with pytest.raises(ValueError):
            store.put(key, {}, ttl=bad)  # type: ignore[arg-type]


def test_put_many_writes_every_value_with_its_ttl_in_one_command(store: Store) -> None:
    values = {store.key("offer", "b", f"ref-{n}"): {"n": n, "text": "a'b\"c"} for n in range(300)}
    store.put_many(values, ttl=40)
    assert store.get_many(list(values)) == list(values.values())
    assert all(0 < store.redis.ttl(key) <= 40 for key in values)
    store.redis.script_flush()  # a restarted Redis has forgotten the script: sent again
    store.put_many({store.key("offer", "b", "again"): [1]}, ttl=5)
    assert store.get(store.key("offer", "b", "again")) == [1]
    assert 0 < store.redis.ttl(store.key("offer", "b", "again")) <= 5
    store.put_many({}, ttl=5)  # nothing to write: nothing sent
    for bad in (0, -1, None, 1.5):
        with pytest.raises(ValueError):
            store.put_many({store.key("offer", "b", "bad"): 1}, ttl=bad)  # type: ignore[arg-type]
    assert store.get(store.key("offer", "b", "bad")) is None


def test_put_new_writes_once(store: Store) -> None:
    key = store.key("lock", "po-1")
    assert store.put_new(key, "first", ttl=10)
    assert not store.put_new(key, "second", ttl=10)
    assert store.get(key) == "first"


def test_take_is_single_use(store: Store) -> None:
    key = store.key("start", "hash")
    store.put(key, {"session": "s"}, ttl=10)
    assert store.take(key) == {"session": "s"}
    assert store.take(key) is None


def test_touch_slides_the_expiry(store: Store) -> None:
    key = store.key("session", "s2")
    store.put(key, 1, ttl=5)
    assert store.touch(key, 100)
    assert store.redis.ttl(key) > 5
    assert not store.touch(store.key("session", "gone"), 100)


def test_permanent_records_have_no_ttl(store: Store) -> None:
    key = store.key("ledger", "buyer", "PO-1")
    store.put_permanent(key, {"state": "received"})
    assert store.redis.ttl(key) == -1


def test_get_pointed_reads_a_pointer_and_what_it_points_at_in_one_command(store: Store) -> None:
    pointer = store.key("account", "b:1", "digest")
    assert store.get_pointed(pointer, "user", "b:1") == (None, None)
    store.put_permanent(pointer, 12)
    assert store.get_pointed(pointer, "user", "b:1") == (12, None)  # points at nothing yet
    store.put_permanent(store.key("user", "b:1", "12"), {"kind": "derived"})
    store.put_permanent(store.key("user", "b", "1:12"), {"kind": "forged"})
    assert store.get_pointed(pointer, "user", "b:1") == (12, {"kind": "derived"})
    store.redis.script_flush()  # a restarted Redis has forgotten the script: sent again
    assert store.get_pointed(pointer, "user", "b:1") == (12, {"kind": "derived"})
    for not_an_id in ("12", 12.5, True, [12]):  # JSON that is no integer points nowhere
        store.put_permanent(pointer, not_an_id)
        assert store.get_pointed(pointer, "user", "b:1") == (not_an_id, None)
    store.put_permanent(pointer, -3)
    store.put_permanent(store.key("user", "b:1", "-3"), "negative")
    assert store.get_pointed(pointer, "user", "b:1") == (-3, "negative")


def test_a_queued_pointed_read_rides_in_the_pipeline_and_survives_a_forgotten_script(
    store: Store,
) -> None:
    pointer = store.key("account", "b:1", "digest")
    store.put_permanent(pointer, 12)
    store.put_permanent(store.key("user", "b:1", "12"), {"kind": "derived"})
    store.get_pointed(pointer, "user", "b:1")  # the script is cached
    reads = Reads(store.redis)
    pointed = store.queue_get_pointed(reads, pointer, "user", "b:1")
    nothing = store.queue_get_pointed(reads, store.key("account", "b:1", "none"), "user", "b:1")
    assert len(reads._pipe) == 2  # queued, not sent on their own
    reads.send()
    assert pointed.value() == (12, {"kind": "derived"})
    assert nothing.value() == (None, None)
    store.redis.script_flush()  # a restarted Redis: the pipeline's EVALSHA is refused
    reads = Reads(store.redis)
    pointed = store.queue_get_pointed(reads, pointer, "user", "b:1")
    reads.send()
    assert pointed.value() == (12, {"kind": "derived"})  # asked again with the script whole
    reads = Reads(store.redis)
    pointed = store.queue_get_pointed(reads, pointer, "user", "b:1")
    reads.send()
    assert pointed.value() == (12, {"kind": "derived"})  # and cached again


def test_reads_of_several_owners_go_in_one_pipeline_and_fail_one_by_one(store: Store) -> None:
    store.put(store.key("session", "r1"), {"n": 1}, ttl=30)
    reads = Reads(store.redis)
    found = reads.get(store.key("session", "r1"))
    missing = reads.get(store.key("session", "r2"))
    unknown_script = reads.script("0" * 40, [store.key("session", "r1")], [])
    with pytest.raises(RuntimeError):
        found.value()  # nothing is sent yet
    reads.send()
    assert (found.value(), missing.value()) == ({"n": 1}, None)
    with pytest.raises(redis.exceptions.NoScriptError):
        unknown_script.value()  # as the command alone would have raised
    Reads(store.redis).send()  # nothing queued: nothing sent


def test_a_batch_makes_its_writes_together_or_none(store: Store) -> None:
    store.put(store.key("session", "s1"), {"a": 1}, 60)
    store.redis.script_flush()  # a Redis that has forgotten the script: the batch sends it whole
    with store.batch() as batch:
        batch.put_many(
            {store.key("offer", "b", "r1"): {"p": 1}, store.key("offer", "b", "r2"): 2}, 30
        )
        assert batch.delete(store.key("session", "s1")) == 0  # not known until sent
        assert store.get(store.key("session", "s1")) == {"a": 1}  # nothing sent yet
    assert store.get(store.key("session", "s1")) is None
    assert store.get_many([store.key("offer", "b", "r1"), store.key("offer", "b", "r2")]) == [
        {"p": 1},
        2,
    ]
    assert 0 < store.redis.ttl(store.key("offer", "b", "r1")) <= 30

    store.put(store.key("session", "s2"), "kept", 60)
    with pytest.raises(RuntimeError), store.batch() as batch:
        batch.delete(store.key("session", "s2"))
        raise RuntimeError("the block failed")
    assert store.get(store.key("session", "s2")) == "kept"  # nothing of the batch was made
