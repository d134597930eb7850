"""The order ledger: typed records, and the only code that knows their Redis keys.

Each OrderRequest ``type="new"`` has two records, both kept with no expiry:

- :class:`OrderRecord` (key ``order``): the state, the fingerprint, the answer and one small
  :class:`Group` per PrintNow user. It is rewritten after every step, so it stays small.
- its lines (key ``orderlines``): written once when the PO is accepted, read when a step needs
  them (checking designs, writing quantities) and by ``punchout orders show``.

The audit trail (key ``audit``, kept ``audit_days``) holds each request received. The ledger
exports to and imports from JSON Lines, one order a line, so an operator can back it up, move
it and restore it; a restored ledger answers retried POs as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, cast, get_args

from punchout.domain.backchannel.worklist import IndexWrites, index_writes
from punchout.runtime.store import Pending, Reads, Store

#: Where one PrintNow user's order is: ``creating`` means the answer to create may be lost.
GroupState = Literal["pending", "creating", "created", "processed", "annotated"]
#: ``processed`` means every group's PrintNow order is processed (and annotated when it can be).
OrderState = Literal["received", "rejected", "processed", "cancelled"]
#: Groups whose PrintNow order needs nothing more.
DONE: tuple[GroupState, ...] = ("processed", "annotated")


class BadRecord(ValueError):
    """A stored or imported record that does not have the shape of a ledger record."""


@dataclass
class Line:
    """One PO line as accepted: what was ordered, and which group (PrintNow user) orders it."""

    number: int
    part: str
    reference: str
    group: int
    project: int
    quantity: str
    unit_price: str
    currency: str
    unit_of_measure: str

    def to_json(self) -> dict[str, Any]:
        # Every field is a plain value: a copy of them is what ``asdict`` makes, without its
        # deep copy of each value (measurable when an order has hundreds of lines).
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Line:
        try:
            return cls(
                number=int(data["number"]),
                part=str(data["part"]),
                reference=str(data["reference"]),
                group=int(data["group"]),
                project=int(data["project"]),
                quantity=str(data["quantity"]),
                unit_price=str(data["unit_price"]),
                currency=str(data["currency"]),
                unit_of_measure=str(data["unit_of_measure"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRecord(f"not an order line: {exc}") from None


@dataclass
class Group:
    """The lines of one PrintNow user: one PrintNow order."""

    user: int
    projects: list[int]
    state: GroupState = "pending"
    pipo_order_id: int | None = None
    cancelled: bool = False

    @property
    def done(self) -> bool:
        return self.state in DONE

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user, "projects": list(self.projects), "state": self.state,
                "pipo_order_id": self.pipo_order_id, "cancelled": self.cancelled}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Group:
        state = data.get("state")
        if state not in get_args(GroupState):
            raise BadRecord(f"unknown group state {state!r}")
        try:
            pipo = data.get("pipo_order_id")
            return cls(
                user=int(data["user"]),
                projects=[int(p) for p in data["projects"]],
                state=cast(GroupState, state),
                pipo_order_id=None if pipo is None else int(pipo),
                cancelled=bool(data.get("cancelled", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRecord(f"not an order group: {exc}") from None


@dataclass
class Answer:
    """The Status the buyer got, kept so a retry gets the same."""

    code: int
    message: str


@dataclass
class OrderRecord:
    """The ledger's record of one PO."""

    buyer: str
    type: str
    order_id: str
    fingerprint: str
    state: OrderState
    payload_ids: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    response: Answer | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    def pipo_ids(self) -> list[int]:
        return [g.pipo_order_id for g in self.groups if g.pipo_order_id is not None]

    def to_json(self) -> dict[str, Any]:
        """The record as stored. Written field by field: the record is saved after every step
        of an order, and ``asdict`` deep-copies every value (each project id of each group)."""
        return {
            "buyer": self.buyer,
            "type": self.type,
            "order_id": self.order_id,
            "fingerprint": self.fingerprint,
            "state": self.state,
            "payload_ids": list(self.payload_ids),
            "groups": [group.to_json() for group in self.groups],
            "response": None if self.response is None else asdict(self.response),
            "attachments": [dict(a) for a in self.attachments],
            "history": [dict(h) for h in self.history],
        }

    @classmethod
    def from_json(cls, data: Any) -> OrderRecord:
        if not isinstance(data, dict):
            raise BadRecord("an order record must be a JSON object")
        state = data.get("state")
        if state not in get_args(OrderState):
            raise BadRecord(f"unknown order state {state!r}")
        response = data.get("response")
        try:
            return cls(
                buyer=str(data["buyer"]),
                type=str(data["type"]),
                order_id=str(data["order_id"]),
                fingerprint=str(data["fingerprint"]),
                state=cast(OrderState, state),
                payload_ids=[str(p) for p in data.get("payload_ids", [])],
                groups=[Group.from_json(g) for g in data.get("groups", [])],
                response=None
                if response is None
                else Answer(int(response["code"]), str(response["message"])),
                attachments=list(data.get("attachments", [])),
                history=list(data.get("history", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRecord(f"not an order record: {exc}") from None


class Ledger:
    """Reads and writes order records, their lines and the audit trail in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _key(self, buyer_id: str, order_type: str, order_id: str) -> str:
        return self.store.key("order", buyer_id, order_type, order_id)

    def _lines_key(self, buyer_id: str, order_type: str, order_id: str) -> str:
        return self.store.key("orderlines", buyer_id, order_type, order_id)

    def _audit_key(self, buyer_id: str, order_id: str) -> str:
        return self.store.key("audit", buyer_id, order_id)

    def lock_key(self, buyer_id: str, order_type: str, order_id: str) -> str:
        return self.store.key("orderlock", buyer_id, order_type, order_id)

    # ------------------------------------------------------------------ records

    def get(self, buyer_id: str, order_type: str, order_id: str) -> OrderRecord | None:
        reads = Reads(self.store.redis)
        found = self.queue_get(reads, buyer_id, order_type, order_id)
        reads.send()
        return found.value()

    def queue_get(
        self, reads: Reads, buyer_id: str, order_type: str, order_id: str
    ) -> Pending[OrderRecord | None]:
        """:meth:`get` queued on ``reads``, to share their round trip."""
        raw = reads.get(self._key(buyer_id, order_type, order_id))
        return Pending(lambda: None if (found := raw.value()) is None else self._read(found))

    def _read(self, raw: Any) -> OrderRecord:
        """A stored record; one written before lines were kept apart (with ``lines`` inside,
        each naming its PrintNow user) is rewritten in today's shape on first read. Then the
        quantities were written before processing: its ``processed`` was also annotated,
        and its ``annotated`` not yet processed (the comment will be written once more)."""
        record = OrderRecord.from_json(raw)
        if isinstance(raw, dict) and isinstance(raw.get("lines"), list):
            then: dict[GroupState, GroupState] = {"processed": "annotated", "annotated": "created"}
            for group in record.groups:
                group.state = then.get(group.state, group.state)
            index = {group.user: n for n, group in enumerate(record.groups)}
            lines = []
            for old in raw["lines"]:
                line = {k: v for k, v in old.items() if k != "user"}
                lines.append(Line.from_json({**line, "group": index.get(old.get("user"), 0)}))
            self.save(record, lines=lines)
        return record

    def save(
        self,
        record: OrderRecord,
        state: OrderState | None = None,
        *,
        lines: list[Line] | None = None,
    ) -> None:
        """Write the record (a small write: no lines); a new ``state`` goes into its history.
        With ``lines``, the lines are written too, in the same command (all or nothing)."""
        if state:
            record.state = state
            record.history.append({"at": now(), "state": state})
        key = self._key(record.buyer, record.type, record.order_id)
        members, fields = self.index(record)
        if lines is None and not members and not fields:
            self.store.put_permanent(key, record.to_json())
            return
        values: dict[str, Any] = {key: record.to_json()}
        if lines is not None:
            values[self._lines_key(record.buyer, record.type, record.order_id)] = [
                line.to_json() for line in lines
            ]
        self.store.put_many_permanent(values, members=members, fields=fields)

    def index(self, record: OrderRecord) -> IndexWrites:
        """What the back channel's index of open POs holds for the record, written in the
        same transaction as the record (see :mod:`punchout.domain.backchannel.worklist`)."""
        return index_writes(
            self.store, self._key(record.buyer, record.type, record.order_id), record
        )

    def note(self, record: OrderRecord, event: dict[str, Any]) -> None:
        """Add an event (an operator's resolution, ...) to the history and save."""
        record.history.append({"at": now(), **event})
        self.save(record)

    def lines(self, record: OrderRecord) -> list[Line]:
        raw = self.store.get(self._lines_key(record.buyer, record.type, record.order_id))
        return [Line.from_json(line) for line in raw or []]

    def save_lines(self, record: OrderRecord, lines: list[Line]) -> None:
        key = self._lines_key(record.buyer, record.type, record.order_id)
        self.store.put_permanent(key, [line.to_json() for line in lines])

    def records(self, buyer_id: str | None = None) -> Iterator[OrderRecord]:
        """Every order record (of one buyer, or of all), in key order."""
        keys = self.store.keys("order", buyer_id) if buyer_id else self.store.keys("order")
        for raw in self.store.get_many(keys):
            if raw is not None:
                yield self._read(raw)

    # ------------------------------------------------------------------ audit

    def audit(self, buyer_id: str, order_id: str, entry: dict[str, Any], days: int) -> None:
        self.store.append(self._audit_key(buyer_id, order_id), entry, days * 86400)

    def audit_entries(self, buyer_id: str, order_id: str) -> list[dict[str, Any]]:
        return [e for e in self.store.items(self._audit_key(buyer_id, order_id)) if e]

    # ------------------------------------------------------------------ export, import

    def export(self, buyer_id: str | None = None) -> Iterator[str]:
        """One JSON line per order: its record and its lines."""
        for record in self.records(buyer_id):
            lines = [line.to_json() for line in self.lines(record)]
            yield json.dumps({"record": record.to_json(), "lines": lines}, sort_keys=True)

    def import_(self, rows: Iterable[str], *, replace: bool = False) -> tuple[int, int]:
        """Write exported orders back; returns (written, skipped). An order already in the
        ledger is kept unless ``replace``. Every row is checked before anything is written."""
        parsed: list[tuple[OrderRecord, list[Line]]] = []
        for n, row in enumerate(rows, start=1):
            if not row.strip():
                continue
            try:
                data = json.loads(row)
                record = OrderRecord.from_json(data.get("record"))
                lines = [Line.from_json(line) for line in data.get("lines", [])]
            except (ValueError, AttributeError, TypeError) as exc:
                raise BadRecord(f"line {n}: {exc}") from None
            parsed.append((record, lines))
        written = skipped = 0
        for record, lines in parsed:
            if not replace and self.get(record.buyer, record.type, record.order_id):
                skipped += 1
                continue
            self.save(record, lines=lines)
            written += 1
        return written, skipped


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
