"""A PrintNow stand-in that answers instantly, so benchmarks measure the connector alone.

Plain WSGI, no framework. Every user has the same saved designs, projects 1..N (business
cards; N is 100 unless :func:`set_designs` says otherwise: the benchmark gives the user as many
designs as the OrderRequest it sends has lines, so each line orders a design of its own);
logins always succeed; orders get increasing ids.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

_ORDER_IDS = itertools.count(1000 + os.getpid() * 100_000)
_PROJECT_LIST = b"[]"


def set_designs(count: int) -> None:
    """Give the user ``count`` saved designs (``project/all`` lists projects 1..count)."""
    global _PROJECT_LIST
    _PROJECT_LIST = json.dumps(
        [
            {"id": n, "name": f"Business Cards {n}", "external_id": "BC-STD-85x55",
             "fields": {"name_on_card": f"Bench User {n}"}}
            for n in range(1, count + 1)
        ]
    ).encode()  # fmt: skip


set_designs(100)
USER = {"id": 42, "username": "bench", "first_name": "Bench", "last_name": "User",
        "email": "bench@example.com", "is_temp": False}  # fmt: skip
TEMP = {**USER, "id": 43, "username": "tmp_bench", "password": "pw", "is_temp": True,
        "storefront_id": 1}  # fmt: skip
ORDER = re.compile(r"^/api/v2/order/(\d+)(/.*)?$")
PROCESS = re.compile(r"^/api/v2/pipo/order/\d+/process$")
PROJECT = re.compile(r"^/api/v2/pipo/project/(\d+)$")


_ORDERS: dict[int, list[int]] = {}  # order id: its projects, for the read-back after create


def answer(method: str, path: str, body: bytes = b"") -> tuple[str, bytes]:
    """The status line and body PrintNow would answer, instantly."""
    if path == "/api/v2/pipo/user/login":
        return "200 OK", json.dumps(f"tok-{next(_ORDER_IDS)}").encode()
    if path == "/api/v2/pipo/user/info":
        return "200 OK", json.dumps(USER).encode()
    if path == "/api/v2/pipo/user/createtemp":
        return "200 OK", json.dumps(TEMP).encode()
    if path == "/api/v2/pipo/project/all":
        return "200 OK", _PROJECT_LIST
    if match := PROJECT.match(path):
        project = {"id": int(match[1]), "name": "Business Cards", "external_id": "BC-STD-85x55"}
        return "200 OK", json.dumps(project).encode()
    if path == "/api/v2/pipo/order/create":
        order_id = next(_ORDER_IDS)
        _ORDERS[order_id] = [int(p) for p in json.loads(body or b"{}").get("product_id", [])]
        return "200 OK", str(order_id).encode()
    if PROCESS.match(path):
        return "200 OK", b"true"
    if (match := ORDER.match(path)) and method == "GET":
        projects = _ORDERS.get(int(match[1]), [])
        items = [{"id": n, "product_id": p, "quantity": 1} for n, p in enumerate(projects, 1)]
        return "200 OK", json.dumps(
            {"id": int(match[1]), "status": "New Order", "items": items}
        ).encode()
    if match and method == "PATCH":
        return "204 No Content", b""
    if path.startswith("/api/v2/pipo/user/"):
        return "200 OK", b"true"
    return "404 Not Found", b'{"message": "not found"}'


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The stub as a WSGI app (for the sandbox-free runs under any WSGI server)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    sent = environ["wsgi.input"].read(length) if length else b""
    status, body = answer(environ["REQUEST_METHOD"], environ["PATH_INFO"], sent)
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
