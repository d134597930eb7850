"""The records of what is sent after an order, and the only code that knows their keys.

- :class:`DocumentRecord` (key ``document``): one document for one buyer's PO, its state
  ``queued`` → ``delivering`` → ``delivered``, or ``dead`` after its last failed attempt,
  with the attempts made and the last error. Its id and payloadID are derived from the
  buyer, the PO, the kind and a sequence number, and it is created only if absent, so a
  document is made once however often the same change is seen. Its XML (key
  ``documentxml``, without any SharedSecret) is written once beside it. Both are kept.
- :class:`WatchedOrder` (key ``watch``): one PrintNow order of a PO as last seen (its status
  and its items' statuses, the items already announced as shipped, how many shipments and
  status updates were sent, whether it was invoiced or rejected); ``closed`` once nothing
  more is to be sent for it.
- The storefronts whose Orders API PrintNow refused (key ``ordersapi_refused``), kept for a
  day so polling stops and resumes on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast, get_args

from punchout.runtime.store import Store

DocumentState = Literal["queued", "delivering", "delivered", "dead"]
DocumentKind = Literal["confirm", "status", "ship", "invoice"]
#: Seconds a refusal of the Orders API keeps a storefront from being polled.
REFUSAL_TTL = 86400


class BadDocumentRecord(ValueError):
    """A stored record that does not have the shape of a document record."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def document_id(buyer: str, order_id: str, kind: str, seq: str | int) -> str:
    """The stable id of the ``seq``-th document of ``kind`` for a buyer's PO."""
    digest = hashlib.sha256("\0".join((buyer, order_id, kind, str(seq))).encode()).hexdigest()
    return digest[:20]


@dataclass
class DocumentRecord:
    """One document for a buyer's PO and where its delivery stands."""

    id: str
    kind: DocumentKind
    buyer: str
    order_id: str
    payload_id: str
    title: str
    state: DocumentState = "queued"
    attempts: int = 0
    last_error: str = ""
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)
    delivered_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> DocumentRecord:
        if not isinstance(data, dict):
            raise BadDocumentRecord("a document record must be a JSON object")
        if data.get("state") not in get_args(DocumentState):
            raise BadDocumentRecord(f"unknown document state {data.get('state')!r}")
        if data.get("kind") not in get_args(DocumentKind):
            raise BadDocumentRecord(f"unknown document kind {data.get('kind')!r}")
        try:
            delivered = data.get("delivered_at")
            return cls(
                id=str(data["id"]),
                kind=cast(DocumentKind, data["kind"]),
                buyer=str(data["buyer"]),
                order_id=str(data["order_id"]),
                payload_id=str(data["payload_id"]),
                title=str(data["title"]),
                state=cast(DocumentState, data["state"]),
                attempts=int(data["attempts"]),
                last_error=str(data.get("last_error", "")),
                created_at=str(data["created_at"]),
                updated_at=str(data["updated_at"]),
                delivered_at=None if delivered is None else str(delivered),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadDocumentRecord(f"not a document record: {exc}") from None


@dataclass
class WatchedOrder:
    """A PrintNow order of a PO as last seen, and what was already sent for it."""

    buyer: str
    order_id: str
    pipo_order_id: int
    status: str = ""
    item_statuses: dict[str, str] = field(default_factory=dict)
    shipped_items: list[int] = field(default_factory=list)
    tracking_numbers: list[str] = field(default_factory=list)
    shipments: int = 0
    status_updates: int = 0
    invoiced: bool = False
    rejected: bool = False
    closed: bool = False

    @property
    def seen(self) -> bool:
        return bool(self.status)

    @classmethod
    def from_json(cls, data: Any) -> WatchedOrder:
        if not isinstance(data, dict):
            raise BadDocumentRecord("a watched order must be a JSON object")
        try:
            return cls(
                buyer=str(data["buyer"]),
                order_id=str(data["order_id"]),
                pipo_order_id=int(data["pipo_order_id"]),
                status=str(data.get("status", "")),
                item_statuses={str(k): str(v) for k, v in data.get("item_statuses", {}).items()},
                shipped_items=[int(i) for i in data.get("shipped_items", [])],
                tracking_numbers=[str(t) for t in data.get("tracking_numbers", [])],
                shipments=int(data.get("shipments", 0)),
                status_updates=int(data.get("status_updates", 0)),
                invoiced=bool(data.get("invoiced", False)),
                rejected=bool(data.get("rejected", False)),
                closed=bool(data.get("closed", False)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadDocumentRecord(f"not a watched order: {exc}") from None


class DocumentBook:
    """Reads and writes document records, their XML, watched orders and API refusals."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _key(self, doc_id: str) -> str:
        return self.store.key("document", doc_id)

    def _xml_key(self, doc_id: str) -> str:
        return self.store.key("documentxml", doc_id)

    def lock_key(self, doc_id: str) -> str:
        return self.store.key("documentlock", doc_id)

    def _watch_key(self, buyer: str, order_id: str, pipo_order_id: int) -> str:
        return self.store.key("watch", buyer, order_id, pipo_order_id)

    # ------------------------------------------------------------------ documents

    def exists(self, doc_id: str) -> bool:
        return bool(self.store.redis.exists(self._key(doc_id)))

    def create(self, record: DocumentRecord, xml: bytes) -> bool:
        """Keep a new document and its XML; False when it exists. Neither is ever rewritten,
        so a document is built once: the XML is written first, so a record never lacks it."""
        self.store.put_new_permanent(self._xml_key(record.id), xml.decode("utf-8"))
        return self.store.put_new_permanent(self._key(record.id), record.to_json())

    def get(self, doc_id: str) -> DocumentRecord | None:
        raw = self.store.get(self._key(doc_id))
        return None if raw is None else DocumentRecord.from_json(raw)

    def xml(self, doc_id: str) -> bytes:
        raw = self.store.get(self._xml_key(doc_id))
        if not isinstance(raw, str):
            raise BadDocumentRecord(f"document {doc_id} has no XML")
        return raw.encode("utf-8")

    def save(self, record: DocumentRecord) -> None:
        record.updated_at = now()
        self.store.put_permanent(self._key(record.id), record.to_json())

    def all(self) -> Iterator[DocumentRecord]:
        """Every document, oldest first."""
        found = [
            DocumentRecord.from_json(raw)
            for raw in self.store.get_many(self.store.keys("document"))
            if raw is not None
        ]
        yield from sorted(found, key=lambda r: (r.created_at, r.id))

    def find(self, prefix: str) -> DocumentRecord | None:
        """The document whose id is ``prefix`` or starts with it (when only one does)."""
        exact = self.get(prefix) if prefix else None
        if exact is not None:
            return exact
        matches = [r for r in self.all() if prefix and r.id.startswith(prefix)]
        return matches[0] if len(matches) == 1 else None

    # ------------------------------------------------------------------ watched orders

    def watched(self, buyer: str, order_id: str, pipo_order_id: int) -> WatchedOrder:
        raw = self.store.get(self._watch_key(buyer, order_id, pipo_order_id))
        if raw is None:
            return WatchedOrder(buyer, order_id, pipo_order_id)
        return WatchedOrder.from_json(raw)

    def save_watched(self, watched: WatchedOrder) -> None:
        key = self._watch_key(watched.buyer, watched.order_id, watched.pipo_order_id)
        self.store.put_permanent(key, asdict(watched))

    # ------------------------------------------------------------------ Orders API refusals

    def refuse_orders_api(self, storefront_id: int, reason: str) -> None:
        key = self.store.key("ordersapi_refused", storefront_id)
        self.store.put(key, {"at": now(), "reason": reason}, REFUSAL_TTL)

    def orders_api_refused(self, storefront_id: int) -> bool:
        return self.store.get(self.store.key("ordersapi_refused", storefront_id)) is not None

    def refusals(self) -> dict[str, dict[str, str]]:
        """Each storefront whose Orders API was refused in the last day: when and why."""
        keys = self.store.keys("ordersapi_refused")
        return {
            key.rsplit(":", 1)[-1]: value
            for key, value in zip(keys, self.store.get_many(keys), strict=True)
            if isinstance(value, dict)
        }
