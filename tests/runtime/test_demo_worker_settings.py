"""The demo's `punchout worker` runs on exactly the demo's settings and Redis: the environment
it is given loads back into the same settings, and its REDIS_URL reaches the same data."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import redis

from punchout.devtools.demo import redis_url_of, worker_environment
from punchout.runtime.redis_url import client_from_url
from punchout.runtime.settings import load_settings
from tests.conftest import make_settings


def test_the_worker_environment_loads_back_into_the_same_settings(
    tmp_path: Path, redis_client: redis.Redis
) -> None:
    settings = make_settings(
        tmp_path,
        printnow_url="http://127.0.0.1:8081",
        printnow_webhook_secret="hook-SECRET-1",
        previous_master_keys=("previous-SECRET-" + "p" * 32,),
        documents_poll_seconds=15,
        supplier_name="Print & Co",
    )
    env = worker_environment(settings, redis_client)
    again = load_settings(environ=env)
    assert again == dataclasses.replace(settings, redis_url=env["REDIS_URL"])


def test_the_worker_redis_url_reaches_the_same_database(redis_client: redis.Redis) -> None:
    other = client_from_url(redis_url_of(redis_client))
    redis_client.set("demo-worker-probe", "seen")
    try:
        assert other.get("demo-worker-probe") in ("seen", b"seen")
    finally:
        redis_client.delete("demo-worker-probe")
        other.close()
