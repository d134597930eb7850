"""The index of open POs the poller reads instead of the whole ledger: written with the save
that makes a PO pollable, pruned once nothing is left to do, built once for an older
ledger, rebuilt on demand; the PrintNow order → PO map the webhook path reads."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from punchout.domain.backchannel.poller import Poller
from punchout.domain.backchannel.records import DocumentBook, WatchedOrder
from punchout.domain.backchannel.worklist import Worklist
from punchout.domain.orders.records import Group, Ledger, Line, OrderRecord
from punchout.runtime.store import Store
from tests.cli.runner import PunchoutRunner
from tests.domain.backchannel.conftest import Receiver, documents_table, place_order
from tests.domain.orders.conftest import World

pytestmark = pytest.mark.sandbox


def poller(world: World) -> Poller:
    return Poller(world.c, DocumentBook(world.c.store), lambda doc_id: None)


def order_key(world: World, order_id: str) -> str:
    return world.c.store.key("order", "acme", "new", order_id)


def indexed(world: World) -> set[str]:
    return world.c.store.members(world.c.store.key("openpo"))


def closed_po(world: World, order_id: str, pipo: int) -> None:
    """A processed PO whose one PrintNow order was shipped and invoiced (nothing to do)."""
    watched = WatchedOrder("acme", order_id, pipo, status="Shipped", invoiced=True, closed=True)
    DocumentBook(world.c.store).save_watched(watched)
    record = OrderRecord("acme", "new", order_id, "fp", "received")
    record.groups = [Group(user=1, projects=[1], state="processed", pipo_order_id=pipo)]
    Ledger(world.c.store).save(record, "processed")


def forbid_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, reading the whole ledger fails the test."""

    def scan(self: Ledger, buyer_id: str | None = None) -> Iterator[OrderRecord]:
        raise AssertionError("the whole ledger was read")

    monkeypatch.setattr(Ledger, "records", scan)


def test_a_processed_po_is_indexed_with_its_save_and_leaves_once_closed(
    doc_world: Callable[..., World],
) -> None:
    world = doc_world()
    pipo = place_order(world, "PO-W1")
    key = order_key(world, "PO-W1")
    store = world.c.store
    assert indexed(world) == {key}
    assert store.get_field(store.key("pipopo"), str(pipo)) == key
    polled = poller(world)
    assert polled.poll_all() == 1  # the confirmation; the PrintNow order is still open
    assert indexed(world) == {key}
    world.c.client.mark_order_shipped(pipo)
    assert polled.poll_all() == 3  # status, shipment, invoice: closed
    assert indexed(world) == set()
    assert polled.poll_pipo_order(pipo) == 0  # still found by its map, nothing to do


def test_the_save_that_processes_a_po_indexes_it_in_the_same_command(
    doc_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = doc_world(kinds=["ship"])
    store = world.c.store
    record = OrderRecord("acme", "new", "PO-W2", "fp", "received")
    record.groups = [Group(user=1, projects=[1], state="processed", pipo_order_id=9901)]
    sent: list[tuple[Any, ...]] = []
    execute = redis.Redis.execute_command

    def spy(self: redis.Redis, *args: Any, **options: Any) -> Any:
        sent.append(args)
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", spy)
    Ledger(store).save(record, "processed")
    monkeypatch.undo()
    # One command: a script, which Redis runs whole or not at all (redis.io, "EVAL").
    [(command, _, numkeys, *rest)] = sent
    key = order_key(world, "PO-W2")
    assert command in ("EVALSHA", "EVAL")
    assert rest[:numkeys] == [key, store.key("openpo"), store.key("pipopo")]
    assert store.get(key)["state"] == "processed" and indexed(world) == {key}
    assert store.get_field(store.key("pipopo"), "9901") == key


def test_a_po_being_placed_is_saved_as_before_and_not_indexed(
    doc_world: Callable[..., World],
) -> None:
    world = doc_world()
    record = OrderRecord("acme", "new", "PO-W3", "fp", "received")
    Ledger(world.c.store).save(record, "received")
    assert indexed(world) == set()
    Ledger(world.c.store).save(record, "rejected")
    assert indexed(world) == set()


def test_poll_all_reads_only_the_indexed_pos(
    doc_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = doc_world(kinds=["ship"])
    for n in range(30):
        closed_po(world, f"PO-C{n}", 9000 + n)
    open_key = order_key(world, "PO-W4")
    pipo = place_order(world, "PO-W4")
    polled = poller(world)
    assert polled.poll_all() == 0
    assert indexed(world) == {open_key}  # the closed ones left at their first poll
    read: list[str] = []
    get_many = Store.get_many

    def counting(self: Store, keys: list[str]) -> list[Any]:
        read.extend(keys)
        return get_many(self, keys)

    monkeypatch.setattr(Store, "get_many", counting)
    forbid_scan(monkeypatch)
    world.c.client.mark_order_shipped(pipo)
    assert polled.poll_all() == 1  # the ship notice
    assert read == [open_key]


def test_a_webhook_finds_its_po_by_the_map_without_a_scan(
    doc_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = doc_world()
    Worklist(world.c.store).build(poller(world).ledger_index())  # while the ledger was empty
    forbid_scan(monkeypatch)
    pipo = place_order(world, "PO-W5")
    polled = poller(world)
    assert polled.poll_pipo_order(pipo) == 1  # the confirmation
    assert polled.poll_pipo_order(987654) == 0  # belongs to no PO: nothing scanned


def test_an_older_ledger_is_indexed_once_at_the_first_poll(
    doc_world: Callable[..., World], caplog: pytest.LogCaptureFixture
) -> None:
    world = doc_world()
    pipo = place_order(world, "PO-W6")
    store = world.c.store
    store.delete(store.key("openpo"), store.key("pipopo"))  # as kept before the index
    worklist = Worklist(store)
    assert not worklist.built()
    with caplog.at_level(logging.INFO, "punchout.domain.backchannel.worklist"):
        assert poller(world).poll_pipo_order(pipo) == 1
    assert "index of open POs built: 1 POs to poll" in caplog.text
    assert worklist.built() and indexed(world) == {order_key(world, "PO-W6")}
    assert (
        worklist.build(poller(world).ledger_index()) == 1
    )  # again (two workers at once): the same index
    assert indexed(world) == {order_key(world, "PO-W6")}
    assert store.get_field(store.key("pipopo"), str(pipo)) == order_key(world, "PO-W6")


def test_a_pos_removal_waits_when_its_record_changed_since_it_was_read(
    doc_world: Callable[..., World],
) -> None:
    world = doc_world(kinds=["ship"])
    closed_po(world, "PO-W7", 9907)
    worklist = Worklist(world.c.store)
    [[(key, raw)]] = list(worklist.batches())
    Ledger(world.c.store).note(OrderRecord.from_json(raw), {"event": "resolved"})
    assert worklist.finish({key: raw}) == 0 and indexed(world) == {key}
    [[(key, fresh)]] = list(worklist.batches())
    assert worklist.finish({key: fresh}) == 1 and indexed(world) == set()


def test_a_po_the_buyer_cancelled_leaves_once_printnow_shows_the_cancel(
    doc_world: Callable[..., World],
) -> None:
    world = doc_world(kinds=["confirm"])
    place_order(world, "PO-W8")
    polled = poller(world)
    polled.poll_all()
    assert indexed(world) == {order_key(world, "PO-W8")}
    assert world.send(world.po("PO-W8", order_type="delete")).code == 200
    assert indexed(world) == {order_key(world, "PO-W8")}
    assert polled.poll_all() == 0
    assert indexed(world) == set()


def test_an_old_po_without_documents_leaves_and_reindex_brings_it_back(
    world: World, receiver: Receiver
) -> None:
    place_order(world, "PO-W9")
    ledger = Ledger(world.c.store)
    record = ledger.get("acme", "new", "PO-W9")
    assert record is not None
    record.history[0]["at"] = "2001-01-01T00:00:00+00:00"
    ledger.save(record)
    polled = poller(world)
    assert polled.poll_all() == 0
    assert indexed(world) == set()  # no documents for its buyer, and long past
    world.set_buyer(documents=documents_table(receiver.url))
    assert polled.poll_all() == 0  # no longer polled
    result = PunchoutRunner(world.app).invoke(["documents", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Index of open POs rebuilt: 1 POs to poll" in result.output
    assert polled.poll_all() == 1  # its confirmation


def test_a_restored_po_is_indexed_with_its_lines(doc_world: Callable[..., World]) -> None:
    world = doc_world(kinds=["ship"])
    ledger = Ledger(world.c.store)
    record = OrderRecord("acme", "new", "PO-W10", "fp", "processed")
    record.groups = [
        Group(user=1, projects=[1], state="processed", pipo_order_id=9910),
        Group(user=2, projects=[2], state="processed", pipo_order_id=9911),
    ]
    line = Line(1, "BC-STD", "ref", 0, 1, "250", "10.00", "EUR", "EA")
    row = json.dumps({"record": record.to_json(), "lines": [line.to_json()]})
    assert ledger.import_([row]) == (1, 0)
    key, store = order_key(world, "PO-W10"), world.c.store
    assert indexed(world) == {key}
    assert [store.get_field(store.key("pipopo"), p) for p in ("9910", "9911")] == [key, key]
    assert ledger.lines(record) == [line]
