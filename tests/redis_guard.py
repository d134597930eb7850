"""Claim one Redis database for tests, and never flush one that was not claimed.

A ``REDIS_URL`` may name a database in its path (``redis://host:6379/0``); redis-py lets that
path win over a ``db=`` argument, so asking for ``db=15`` silently gave database 0. Here the
database is forced by rebuilding the connection arguments without the URL's path, then read
back from the server (``CLIENT INFO``) before anything is written.

A database is claimed by an owner key. A database that holds keys but no owner key belongs to
somebody else: the tests refuse to run rather than wipe it. After every flush the owner key
is written again, so the claim survives the test's own flushes.
"""

from __future__ import annotations

from typing import Any

import redis

OWNER_KEY = "punchout-tests:owner"
OWNER_VALUE = "this database is flushed by the punchout test suite"


class ForeignDatabase(RuntimeError):
    """The database holds keys the test suite did not write."""


def claim(url: str, db: int) -> redis.Redis:
    """A client on database ``db`` of the server at ``url``, verified and claimed for tests."""
    kwargs: dict[str, Any] = redis.connection.parse_url(url)  # type: ignore[no-untyped-call]
    kwargs["db"] = db  # the URL's own database is dropped: only ``db`` decides
    pool = redis.ConnectionPool(**kwargs, decode_responses=True)
    client = redis.Redis(connection_pool=pool)
    selected = int(client.client_info()["db"])
    if selected != db:
        client.close()
        raise ForeignDatabase(f"asked Redis for database {db} but the server selected {selected}")
    if client.dbsize() and client.get(OWNER_KEY) != OWNER_VALUE:
        count = client.dbsize()
        client.close()
        raise ForeignDatabase(
            f"Redis database {db} at {kwargs.get('host', kwargs.get('path', url))} holds {count}"
            f" keys the tests did not write; refusing to flush it. Point REDIS_URL at another"
            f" server, set PUNCHOUT_TEST_REDIS_DB to an empty database, or unset REDIS_URL to use"
            f" an embedded Redis."
        )
    client.set(OWNER_KEY, OWNER_VALUE)
    return client


def flush(client: redis.Redis) -> None:
    """Flush a claimed database and keep the claim."""
    if client.get(OWNER_KEY) != OWNER_VALUE:
        raise ForeignDatabase("refusing to flush a database the tests have not claimed")
    client.flushdb()
    client.set(OWNER_KEY, OWNER_VALUE)


def release(client: redis.Redis) -> None:
    """Close a claimed client and the connection pool it owns."""
    client.close()
    client.connection_pool.disconnect()
