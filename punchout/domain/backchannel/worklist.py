"""The POs the back channel still has work on, and the PO each PrintNow order belongs to.

So that a poll reads the open work, not the ledger's whole history:

- key ``openpo``: a set of order keys (the ledger's ``order`` keys) of the POs in a state
  the poller acts on (``processed``, ``cancelled``). The ledger adds a PO in the same
  command (an atomic script) as the save that puts it in that state (every save of it), so no
  crash leaves one out. The poller removes it once nothing is left to do: its confirmation
  made (when the buyer takes them) and each PrintNow order closed (invoiced and shipped, or
  rejected; for a PO the buyer cancelled, seen in the cancel status). It is removed only
  while the record is as the poller read it, so a save in between keeps it.
  A PO whose buyer takes no documents, or whose documents start after it, stays while it
  is younger than ``UNCOVERED_DAYS`` (documents turned on, or their start moved back, soon
  after it still reach it), then is removed: if the buyer's settings later cover it,
  ``punchout documents reindex`` adds it again.
- key ``pipopo``: a hash, PrintNow order id → order key, written by the same command as
  the save that records the PrintNow order: an ``order_updated`` webhook finds its PO with
  one HGET.
- key ``openpo_built``: when both were first built from the whole ledger (a ledger kept
  before they existed has neither). Until then the first poll builds them: SADD and HSET
  are idempotent, so two workers building at once do no harm.

Only :func:`index_writes` is needed by the ledger; it imports nothing of the domain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from punchout.runtime.store import Store

log = logging.getLogger(__name__)

#: The ledger states the poller acts on.
WORK_STATES = ("processed", "cancelled")
#: Order records read per round trip.
BATCH = 200
#: Days a PO the buyer's documents do not cover stays in the index, in case they come to.
UNCOVERED_DAYS = 90

#: Set key → members to add, hash key → fields to set: what one save adds to the index.
IndexWrites = tuple[dict[str, list[str]], dict[str, dict[str, str]]]


class Indexed(Protocol):
    """What the index reads of an order record (the ledger's ``OrderRecord``)."""

    @property
    def type(self) -> str: ...

    @property
    def state(self) -> str: ...

    def pipo_ids(self) -> list[int]: ...


def index_writes(store: Store, order_key: str, record: Indexed) -> IndexWrites:
    """What the index holds for ``record`` stored at ``order_key`` (nothing for most saves:
    a PO being placed, before PrintNow knows it)."""
    if record.type != "new":
        return {}, {}
    members = {store.key("openpo"): [order_key]} if record.state in WORK_STATES else {}
    pipo = record.pipo_ids()
    fields = {store.key("pipopo"): {str(i): order_key for i in pipo}} if pipo else {}
    return members, fields


def recent(received_at: str | None, now: datetime) -> bool:
    """Whether a PO received at ``received_at`` (ISO, from the ledger) is younger than
    ``UNCOVERED_DAYS`` (False when the time is unknown)."""
    try:
        received = datetime.fromisoformat(received_at) if received_at else None
    except ValueError:
        return False
    if received is None:
        return False
    received = received if received.tzinfo else received.replace(tzinfo=UTC)
    return now - received < timedelta(days=UNCOVERED_DAYS)


class Worklist:
    """Reads the index of open POs for the poller, builds it once, and prunes it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.open_key = store.key("openpo")
        self.pipo_key = store.key("pipopo")
        self.built_key = store.key("openpo_built")

    def built(self) -> bool:
        return self.store.get(self.built_key) is not None

    def ensure_built(self, writes: Callable[[], Iterable[IndexWrites]]) -> None:
        """Build the index when it never was (an older ledger): ``writes`` gives the index
        writes of every record of the ledger (``Ledger.index`` of each of its records)."""
        if not self.built():
            self.build(writes())

    def build(self, writes: Iterable[IndexWrites]) -> int:
        """Add every PO the poller acts on, and every PrintNow order's PO, from the index
        writes of every record of the ledger (a full scan); the number of POs added
        (already there or not). Adds only: a PO finished meanwhile is found finished again
        at the next poll."""
        log.info("building the back channel's index of open POs from the whole ledger")
        added = 0
        members: list[str] = []
        fields: dict[str, str] = {}
        for sets, hashes in writes:
            for found in sets.values():
                members.extend(found)
            for mapping in hashes.values():
                fields.update(mapping)
            if len(members) + len(fields) >= BATCH:
                added += self._write(members, fields)
                members, fields = [], {}
        added += self._write(members, fields)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        self.store.put_permanent(self.built_key, {"at": at})
        log.info("index of open POs built: %d POs to poll", added)
        return added

    def _write(self, members: list[str], fields: dict[str, str]) -> int:
        self.store.add_permanent_members(self.open_key, members)
        self.store.put_fields_permanent(self.pipo_key, fields)
        return len(members)

    def batches(self) -> Iterator[list[tuple[str, dict[str, Any]]]]:
        """The indexed POs as (order key, stored record), ``BATCH`` records per MGET."""
        keys: list[str] = []
        for key in self.store.scan_members(self.open_key, BATCH):
            keys.append(key)
            if len(keys) >= BATCH:
                yield self._read(keys)
                keys = []
        if keys:
            yield self._read(keys)

    def _read(self, keys: list[str]) -> list[tuple[str, dict[str, Any]]]:
        found = zip(keys, self.store.get_many(keys), strict=True)
        return [(key, raw) for key, raw in found if isinstance(raw, dict)]

    def po_of(self, pipo_order_id: int) -> tuple[str, dict[str, Any]] | None:
        """The PO a PrintNow order belongs to: (order key, stored record), or None."""
        key = self.store.get_field(self.pipo_key, str(pipo_order_id))
        raw = None if key is None else self.store.get(key)
        return None if key is None or not isinstance(raw, dict) else (key, raw)

    def finish(self, done: dict[str, dict[str, Any]]) -> int:
        """Remove POs with nothing left to do (order key → the record as read), each only
        while its record is unchanged; how many were removed."""
        return self.store.remove_members_if_unchanged(self.open_key, done)

    def size(self) -> int:
        return self.store.count_members(self.open_key)
