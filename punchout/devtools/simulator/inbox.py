"""What the simulator has received from the supplier, by purchase order (in memory).

Every accepted document is kept in arrival order under the purchase order it is about, with
its payloadID; a payloadID seen before is kept again, marked as a duplicate, and changes
nothing else (cXML User's Guide: the payloadID identifies a document, so a retry repeats it).
The inbox also remembers the payloadID of each OrderRequest the simulator sent, so a
StatusUpdateRequest that names only that payloadID finds its purchase order, and how many of
the next posts to fail on purpose (``POST /simulator/_control/fail``).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from punchout.devtools.simulator.inbound import Inbound


@dataclass(frozen=True)
class Received:
    """One document as it arrived."""

    number: int
    kind: str
    payload_id: str
    received_at: str
    order_id: str
    sender: str
    fields: dict[str, str]
    duplicate: bool
    raw: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Inbox:
    """The simulator's received documents, shared by its request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._documents: list[Received] = []
        self._payload_ids: set[str] = set()
        self._sent_orders: dict[str, str] = {}
        self._failures_left = 0

    def record_sent(self, payload_id: str, order_id: str) -> None:
        """Remember that the OrderRequest ``payload_id`` carried purchase order ``order_id``."""
        with self._lock:
            self._sent_orders[payload_id] = order_id

    def order_for_payload(self, payload_id: str | None) -> str | None:
        with self._lock:
            return self._sent_orders.get(payload_id or "")

    def add(self, inbound: Inbound, order_id: str, raw: str) -> Received:
        """Keep the document under ``order_id``; a repeated payloadID is a duplicate."""
        with self._lock:
            duplicate = inbound.payload_id in self._payload_ids
            self._payload_ids.add(inbound.payload_id)
            received = Received(
                number=len(self._documents) + 1,
                kind=inbound.kind,
                payload_id=inbound.payload_id,
                received_at=datetime.now().astimezone().isoformat(timespec="seconds"),
                order_id=order_id,
                sender=inbound.sender,
                fields=dict(inbound.fields),
                duplicate=duplicate,
                raw=raw,
            )
            self._documents.append(received)
            return received

    def for_order(self, order_id: str) -> list[Received]:
        """The documents about ``order_id``, in arrival order."""
        with self._lock:
            return [d for d in self._documents if d.order_id == order_id]

    def everything(self) -> list[Received]:
        with self._lock:
            return list(self._documents)

    def fail_next(self, times: int) -> None:
        """Make the next ``times`` posts answer 500 (0 stops it)."""
        with self._lock:
            self._failures_left = times

    def take_failure(self) -> bool:
        """Whether this post is to fail on purpose (counting it)."""
        with self._lock:
            if self._failures_left <= 0:
                return False
            self._failures_left -= 1
            return True
