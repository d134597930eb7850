"""The fault switch: make chosen sandbox endpoints slow, fail, or drop the connection.

Tests of the connector's client switch faults on over HTTP (``POST /_sandbox/faults``, see
``control.py``) and check its timeouts, retries and error mapping against a real server.

A fault names its target by ``endpoint``:

- a Flask endpoint name (a view function name; shell-style wildcards allowed, e.g. ``pipo_*``):
  PIPO ``pipo_user_login``, ``pipo_user_logout``, ``pipo_user_loggedin``, ``pipo_user_info``
  (GET), ``pipo_user_info_update`` (POST), ``pipo_user_create``, ``pipo_user_createtemp``,
  ``pipo_user_convert``, ``pipo_user_transfer``, ``pipo_user_istemp``, ``pipo_project_all``,
  ``pipo_project_get``, ``pipo_project_delete``, ``pipo_order_create``, ``pipo_order_process``;
  Orders ``order_get``, ``order_download``, ``order_download_item``, ``order_assets``,
  ``order_shipped``, ``order_shipped_item``, ``order_status``, ``order_status_item``;
  Customers ``customer_get``, ``customer_create``, ``customer_update``,
  ``customer_transfer``, ``customer_delete``; storefront ``storefront_page``,
  ``storefront_save_project``, ``storefront_delete_project``; orders page ``admin_orders``,
  ``admin_order_status``, ``admin_order_ship``;
- or, when it starts with ``/``, a path pattern such as ``/api/v2/pipo/order/*/process``.

Modes: ``slow`` sleeps ``delay`` seconds then answers normally; ``error`` answers ``status``
(default 503) with ``{"message": ...}``; ``drop`` closes the TCP connection without any HTTP
answer (real only under the werkzeug server, which exposes the socket). ``times`` limits how
often a fault fires (default: until cleared). The first matching fault wins. ``/_sandbox``
itself is never faulted, so a test can always clear what it set.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from fnmatch import fnmatchcase
from typing import Any

from flask import Response, current_app, request

from punchout.devtools.sandbox.wire import message

MODES = ("slow", "error", "drop")
FAULTS_KEY = "punchout.devtools.sandbox.faults"


@dataclass
class Fault:
    """One switched-on fault. ``remaining`` None means until cleared."""

    id: int
    endpoint: str
    mode: str
    delay: float
    status: int
    remaining: int | None

    def matches(self, endpoint: str | None, path: str) -> bool:
        if self.endpoint.startswith("/"):
            return fnmatchcase(path, self.endpoint)
        if endpoint is None:
            return False
        short = endpoint.rsplit(".", 1)[-1]
        return fnmatchcase(short, self.endpoint) or fnmatchcase(endpoint, self.endpoint)


class FaultSwitch:
    """The app's faults, shared by the request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(
        self,
        endpoint: str,
        mode: str,
        *,
        delay: float = 0.0,
        status: int = 503,
        times: int | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            fault = Fault(self._next_id, endpoint, mode, delay, status, times)
            self._next_id += 1
            self._faults.append(fault)
            return asdict(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def take(self, endpoint: str | None, path: str) -> Fault | None:
        """The first fault matching this request, counted as fired once."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(endpoint, path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


def switch() -> FaultSwitch:
    result: FaultSwitch = current_app.extensions[FAULTS_KEY]
    return result


def _dropped() -> Iterator[bytes]:
    # The werkzeug server treats a ConnectionError from the body as a client that went
    # away: it writes nothing and logs nothing.
    raise ConnectionAbortedError("sandbox fault switch dropped the connection")
    yield b""  # pragma: no cover - makes this a generator


def drop_connection() -> Response:
    """Close the request's TCP connection, then answer with a body that writes nothing."""
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed by the client
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
    return Response(_dropped())


def apply_faults() -> Response | None:
    """``before_request``: act on the first fault that matches this request, if any."""
    if request.path.startswith("/_sandbox/"):
        return None
    fault = switch().take(request.endpoint, request.path)
    if fault is None:
        return None
    if fault.mode == "slow":
        time.sleep(fault.delay)
        return None
    if fault.mode == "error":
        return message(f"Fault injected by the sandbox (status {fault.status}).", fault.status)
    return drop_connection()
