"""A Redis client from a URL: a single server, TLS, a unix socket or a Sentinel group.

- ``redis://[:password@]host:port/db`` and ``rediss://...`` (TLS; redis-py's query options
  such as ``ssl_ca_certs=/path`` or ``ssl_cert_reqs=required`` apply) and ``unix:///path``:
  as redis-py reads them.
- ``redis+sentinel://[:password@]host:port[,host:port...]/service[/db]`` (and
  ``rediss+sentinel://`` for TLS to the sentinels and the master): the sentinels are asked
  for the current master of ``service`` on every new connection, so a failover is followed.
  The password, when given, is the master's (and the sentinels', if they require one).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import redis
from redis.sentinel import Sentinel

SCHEMES = ("redis", "rediss", "unix", "redis+sentinel", "rediss+sentinel")


class BadRedisUrl(ValueError):
    """The URL cannot name a Redis: the message says why."""


def client_from_url(url: str) -> redis.Redis:
    """A client (``decode_responses=True``) for ``url``; see the module docstring."""
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise BadRedisUrl(f"must start with one of {', '.join(s + '://' for s in SCHEMES)}")
    if not scheme.endswith("+sentinel"):
        return redis.Redis.from_url(url, decode_responses=True)
    hosts, service, db, password = sentinel_parts(url)
    tls = {"ssl": True} if scheme.startswith("rediss") else {}
    sentinel = Sentinel(  # type: ignore[no-untyped-call]
        hosts, sentinel_kwargs={"password": password, **tls}, password=password, **tls
    )
    client: redis.Redis = sentinel.master_for(  # type: ignore[no-untyped-call]
        service, db=db, decode_responses=True
    )
    return client


def sentinel_parts(url: str) -> tuple[list[tuple[str, int]], str, int, str | None]:
    """The sentinels, service name, database and password of a ``redis+sentinel://`` URL."""
    parts = urlsplit(url)
    userinfo, _, hostlist = parts.netloc.rpartition("@")
    password = unquote(userinfo.partition(":")[2]) if userinfo else None
    hosts = []
    for entry in hostlist.split(","):
        host, _, port = entry.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise BadRedisUrl(f"must name each sentinel as host:port, not {entry!r}")
        hosts.append((host.strip("[]"), int(port)))
    path = [p for p in parts.path.split("/") if p]
    if not path or len(path) > 2 or (len(path) == 2 and not path[1].isdigit()):
        raise BadRedisUrl("must end with /service or /service/db (a Sentinel URL)")
    return hosts, unquote(path[0]), int(path[1]) if len(path) == 2 else 0, password or None
