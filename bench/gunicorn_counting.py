"""Gunicorn settings for the benchmarked servers: count, in each worker, what a request costs.

Loaded with ``gunicorn -c bench/gunicorn_counting.py``. Each worker gets a small file
``<pid>.counts`` in ``$BENCH_COUNTERS``, holding five 64-bit counters that the benchmark reads
from outside while the worker runs (:func:`bench.accounting.read_counters`):

- requests the worker finished (gunicorn's ``post_request`` hook);
- Redis round trips: every packed command or pipeline written to a Redis connection (one
  write of redis-py's ``send_packed_command`` is one request sent and one wait for the answer);
- Redis commands, as the server counts them (a pipeline of three is three);
- answers with a status of 400 or more;
- requests the worker started (``pre_request``): while it exceeds the finished ones, a
  request is still being served, and the benchmark waits before it reads the batch's cost.

Nothing here runs in production: the benchmark alone passes this file to gunicorn.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
from pathlib import Path
from typing import Any

SLOTS = ("requests", "redis_round_trips", "redis_commands", "errors", "started")
FORMAT = "<" + "q" * len(SLOTS)


class Counters:
    """Counters in a file mapped into memory: written by one worker, read by the benchmark."""

    def __init__(self, folder: Path) -> None:
        path = folder / f"{os.getpid()}.counts"
        path.write_bytes(b"\0" * struct.calcsize(FORMAT))
        with path.open("r+b") as file:  # the mapping outlives the file object
            self._map = mmap.mmap(file.fileno(), struct.calcsize(FORMAT))
        self._values = [0] * len(SLOTS)
        self._lock = threading.Lock()

    def add(self, slot: int, amount: int = 1) -> None:
        with self._lock:
            self._values[slot] += amount
            struct.pack_into(FORMAT, self._map, 0, *self._values)


_counters: Counters | None = None


def post_fork(server: Any, worker: Any) -> None:
    global _counters
    folder = os.environ.get("BENCH_COUNTERS")
    if not folder:
        return
    _counters = counters = Counters(Path(folder))
    from redis.connection import AbstractConnection

    original = AbstractConnection.send_packed_command

    def counted(self: Any, command: Any, check_health: bool = True) -> None:
        # ``command`` is one packed command (bytes) or a pipeline's list of chunks.
        commands = 1 if isinstance(command, bytes | str) else _commands_in(command)
        counters.add(1)
        counters.add(2, commands)
        original(self, command, check_health)  # type: ignore[no-untyped-call]

    AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


def _commands_in(chunks: Any) -> int:
    """Commands in a packed pipeline: each RESP command starts with ``*<n>`` on a new line."""
    data = b"".join(c if isinstance(c, bytes) else bytes(c) for c in chunks)
    return max(1, data.count(b"\r\n*") + int(data.startswith(b"*")))


def pre_request(worker: Any, req: Any) -> None:
    if _counters is not None:
        _counters.add(4)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    if _counters is not None:
        _counters.add(0)
        if getattr(resp, "status_code", 0) >= 400:
            _counters.add(3)
            if os.environ.get("BENCH_DEBUG"):
                print(f"bench: {resp.status_code} for {req.method} {req.path}", flush=True)


def post_worker_init(worker: Any) -> None:
    """After the app is loaded: what ``punchout serve`` does there (runtime/serve.py), moving
    the loaded app out of the cyclic collector's generations (Python docs, gc.freeze), for
    every server measured alike."""
    import gc

    gc.collect()
    gc.freeze()
