"""The floor under each hot path: bare Flask doing only the I/O the connector's request does.

A floor endpoint reads the same body, makes the same PrintNow calls to the same stub and the
same number of Redis round trips as the connector's request, and answers a few bytes. It parses
nothing, checks nothing and builds nothing, so what the connector costs above its floor is its
own work: reading the document, the checks, the records, the answer.

The PrintNow calls go through the standard library's ``http.client`` on one kept-alive
connection per thread, the cheapest client measured for these calls; the Redis round trips
through redis-py, as the connector's. The server
runs under the same gunicorn settings as the connector (:mod:`bench.load`), so gunicorn's own
cost is in the floor too. Nothing here runs in production.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from urllib.parse import urlsplit

import redis
from flask import Flask, request

app = Flask(__name__)
_redis = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
_stub = urlsplit(os.environ.get("BENCH_PRINTNOW_URL", "http://127.0.0.1:9"))
_local = threading.local()
_HEADERS = {"Accept": "application/json", "Content-Type": "application/json",
            "Authorization": "Basic YmVuY2gtdG9rZW46YmVuY2gta2V5"}  # fmt: skip

#: What each hot path sends PrintNow, in order (the connector's calls in the stub's counts).
SETUP_CALLS = [("POST", "/api/v2/pipo/user/login")]
CART_CALLS = [("GET", "/api/v2/pipo/project/all"), ("GET", "/api/v2/pipo/user/logout")]
ORDER_CALLS = [
    ("POST", "/api/v2/pipo/user/login"),
    ("GET", "/api/v2/pipo/project/all"),
    ("POST", "/api/v2/pipo/order/create"),
    ("GET", "/api/v2/order/{id}"),
    ("GET", "/api/v2/pipo/order/{id}/process"),
    ("GET", "/api/v2/order/{id}"),
    ("PATCH", "/api/v2/order/{id}/status"),
]


def _call(method: str, path: str, body: bytes = b"{}") -> bytes:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = http.client.HTTPConnection(
            _stub.hostname or "127.0.0.1", _stub.port, timeout=20
        )
    sent = None if method == "GET" else body
    connection.request(method, path, body=sent, headers=_HEADERS)
    answer = connection.getresponse()
    data = answer.read()
    if answer.status >= 300:
        raise RuntimeError(f"stub answered {answer.status} to {method} {path}")
    return data


def _calls(calls: list[tuple[str, str]]) -> None:
    order_id = "0"
    for method, path in calls:
        body = b'{"product_id": [1]}' if path.endswith("/create") else b"{}"
        data = _call(method, path.replace("{id}", order_id), body)
        if path.endswith("/create"):
            order_id = str(json.loads(data))


def _round_trips(count: int) -> None:
    """``count`` Redis round trips: the first a pipeline of two commands, then single GETs."""
    pipe = _redis.pipeline(transaction=False)
    pipe.get("floor:a")
    pipe.get("floor:b")
    pipe.execute()
    for _ in range(count - 1):
        _redis.get("floor:a")


def _floor(calls: list[tuple[str, str]], trips: int) -> str:
    size = len(request.get_data())
    _round_trips(trips)
    _calls(calls)
    return f"read {size} bytes"


@app.post("/floor/setup")
def setup() -> str:
    return _floor(SETUP_CALLS, 2)


@app.post("/floor/cart")
def cart() -> str:
    return _floor(CART_CALLS, 2)


@app.post("/floor/order")
def order() -> str:
    return _floor(ORDER_CALLS, 12)
