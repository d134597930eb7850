"""The ledger records: typed, round-tripped through Redis, exported and imported as JSON Lines."""

from __future__ import annotations

import json

import pytest

from punchout.domain.orders import BadRecord, Group, Ledger, Line, OrderRecord
from punchout.domain.orders.records import Answer
from punchout.runtime.store import Store


def record(order_id: str = "PO-1", buyer: str = "acme") -> OrderRecord:
    return OrderRecord(
        buyer=buyer,
        type="new",
        order_id=order_id,
        fingerprint="f" * 64,
        state="received",
        payload_ids=["p1"],
        groups=[Group(12345, [42, 43], "annotated", 5001), Group(12346, [44])],
        response=Answer(200, "ok"),
    )


LINES = [Line(1, "BC-STD-85x55", "1-42-abc", 0, 42, "2", "45.00", "USD", "BX")]


def test_a_record_round_trips_and_its_lines_live_apart(store: Store) -> None:
    ledger = Ledger(store)
    original = record()
    ledger.save_lines(original, LINES)
    ledger.save(original, "processed")
    again = ledger.get("acme", "new", "PO-1")
    assert again == original and again is not None
    assert again.state == "processed" and again.history[-1]["state"] == "processed"
    assert ledger.lines(again) == LINES
    # a step rewrites only the small record: it holds no lines
    raw = store.redis.get(store.key("order", "acme", "new", "PO-1"))
    assert raw is not None and "BC-STD" not in raw


@pytest.mark.parametrize(
    "broken",
    [
        {"state": "done"},
        {"groups": [{"user": 1, "projects": [2], "state": "finished"}]},
        {"groups": [{"user": "x", "projects": [2], "state": "pending"}]},
        {"response": {"code": "two hundred", "message": ""}},
    ],
)
def test_a_record_of_the_wrong_shape_is_refused_by_name(broken: dict[str, object]) -> None:
    data = record().to_json() | broken
    with pytest.raises(BadRecord):
        OrderRecord.from_json(data)


def test_export_then_import_into_an_empty_ledger_restores_every_order(store: Store) -> None:
    ledger = Ledger(store)
    for n in range(3):
        r = record(f"PO-{n}")
        ledger.save_lines(r, LINES)
        ledger.save(r)
    rows = list(ledger.export())
    assert len(rows) == 3 and all(json.loads(row)["lines"] for row in rows)
    assert len(list(ledger.export("globex"))) == 0
    store.delete(*store.redis.keys("punchout:order*"))
    assert list(ledger.records()) == []
    assert ledger.import_(rows) == (3, 0)
    assert [r.order_id for r in ledger.records()] == ["PO-0", "PO-1", "PO-2"]
    assert ledger.lines(record("PO-2")) == LINES
    assert ledger.import_(rows) == (0, 3)  # kept unless replaced
    assert ledger.import_(rows, replace=True) == (3, 0)


def test_an_import_with_one_bad_line_writes_nothing(store: Store) -> None:
    ledger = Ledger(store)
    good = json.dumps({"record": record("PO-9").to_json(), "lines": []})
    with pytest.raises(BadRecord, match="line 2"):
        ledger.import_([good, '{"record": {"state": "done"}}'])
    with pytest.raises(BadRecord, match="line 1"):
        ledger.import_(["not json"])
    assert list(ledger.records()) == []


def test_a_record_written_before_lines_were_kept_apart_is_read_and_rewritten(
    store: Store,
) -> None:
    old = {
        "buyer": "acme", "type": "new", "order_id": "PO-OLD", "fingerprint": "f" * 64,
        "payload_ids": ["p"], "state": "received",
        "lines": [
            {"number": 1, "part": "BC-STD-85x55", "reference": "r1", "user": 7, "project": 42,
             "quantity": "1", "unit_price": "45.00", "currency": "USD", "unit_of_measure": "BX"},
            {"number": 2, "part": "LH-A4-120", "reference": "r2", "user": 9, "project": 50,
             "quantity": "2", "unit_price": "30.00", "currency": "USD", "unit_of_measure": "PK"},
        ],
        "groups": [
            {"user": 7, "projects": [42], "pipo_order_id": 5001, "state": "processed"},
            {"user": 9, "projects": [50], "pipo_order_id": None, "state": "pending"},
        ],
    }  # fmt: skip
    store.put_permanent(store.key("order", "acme", "new", "PO-OLD"), old)
    ledger = Ledger(store)
    record = ledger.get("acme", "new", "PO-OLD")
    # then, processed meant annotated too (the comment was written first)
    assert record is not None and [g.state for g in record.groups] == ["annotated", "pending"]
    assert [(line.number, line.group, line.project) for line in ledger.lines(record)] == [
        (1, 0, 42),
        (2, 1, 50),
    ]
    assert "lines" not in store.get(store.key("order", "acme", "new", "PO-OLD"))


def test_audit_entries_are_kept_per_order_oldest_first_for_the_days_asked(store: Store) -> None:
    ledger = Ledger(store)
    ledger.audit("acme", "PO-1", {"event": "received"}, days=30)
    ledger.audit("acme", "PO-1", {"event": "processed"}, days=30)
    ledger.audit("acme", "PO-2", {"event": "received"}, days=7)
    assert ledger.audit_entries("acme", "PO-1") == [{"event": "received"}, {"event": "processed"}]
    assert ledger.audit_entries("acme", "PO-2") == [{"event": "received"}]
    assert ledger.audit_entries("other", "PO-1") == []
    key = store.key("audit", "acme", "PO-1")
    assert store.redis.llen(key) == 2
    assert 29 * 86400 < store.redis.ttl(key) <= 30 * 86400
    assert 6 * 86400 < store.redis.ttl(store.key("audit", "acme", "PO-2")) <= 7 * 86400


def test_an_empty_audit_entry_is_not_listed(store: Store) -> None:
    ledger = Ledger(store)
    ledger.audit("acme", "PO-1", {}, days=1)
    ledger.audit("acme", "PO-1", {"event": "received"}, days=1)
    assert ledger.audit_entries("acme", "PO-1") == [{"event": "received"}]


def test_the_order_lock_is_one_per_buyer_type_and_order(store: Store) -> None:
    ledger = Ledger(store)
    assert ledger.lock_key("acme", "new", "PO-1") == store.key("orderlock", "acme", "new", "PO-1")
    keys = {
        ledger.lock_key("acme", "new", "PO-1"),
        ledger.lock_key("acme", "update", "PO-1"),
        ledger.lock_key("acme", "new", "PO-2"),
        ledger.lock_key("beta", "new", "PO-1"),
    }
    assert len(keys) == 4


MINIMAL = {
    "buyer": "acme",
    "type": "new",
    "order_id": "PO-1",
    "fingerprint": "f",
    "state": "received",
}


def test_a_record_without_its_optional_parts_reads_with_empty_defaults() -> None:
    assert OrderRecord.from_json(MINIMAL) == OrderRecord("acme", "new", "PO-1", "f", "received")
    group = Group.from_json({"user": "7", "projects": ["1", 2], "state": "created"})
    assert group == Group(7, [1, 2], "created", None, False)
    assert Group.from_json({**group.__dict__, "pipo_order_id": "5001", "cancelled": 1}) == Group(
        7, [1, 2], "created", 5001, True
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["not", "a", "dict"], "an order record must be a JSON object"),
        ({**MINIMAL, "state": "bogus"}, "unknown order state 'bogus'"),
        ({k: v for k, v in MINIMAL.items() if k != "state"}, "unknown order state None"),
        ({k: v for k, v in MINIMAL.items() if k != "buyer"}, "not an order record: 'buyer'"),
        ({**MINIMAL, "response": {"code": "x", "message": "m"}}, "not an order record: "),
        ({**MINIMAL, "payload_ids": None}, "not an order record: "),
        ({**MINIMAL, "groups": [{"user": 1, "projects": [], "state": "lost"}]},
         "not an order record: unknown group state 'lost'"),
        ({**MINIMAL, "groups": [{"projects": [], "state": "pending"}]},
         "not an order record: not an order group: 'user'"),
        ({**MINIMAL, "groups": [{"user": 1, "projects": ["x"], "state": "pending"}]},
         "not an order record: not an order group: invalid literal"),
        ({**MINIMAL, "groups": [{"user": 1, "projects": [], "state": "pending",
                                 "pipo_order_id": "x"}]},
         "not an order record: not an order group: invalid literal"),
    ],
)  # fmt: skip
def test_a_record_of_the_wrong_shape_is_refused_saying_what_is_wrong(
    data: object, message: str
) -> None:
    with pytest.raises(BadRecord) as caught:
        OrderRecord.from_json(data)
    assert str(caught.value).startswith(message)


def test_a_record_and_its_lines_live_under_the_ledgers_keys(store: Store) -> None:
    ledger = Ledger(store)
    original = record()
    ledger.save_lines(original, LINES)
    ledger.save(original, "received")
    assert store.redis.exists(store.key("order", "acme", "new", "PO-1"))
    assert store.redis.exists(store.key("orderlines", "acme", "new", "PO-1"))
    assert store.redis.ttl(store.key("order", "acme", "new", "PO-1")) == -1  # kept for good
    assert store.redis.ttl(store.key("orderlines", "acme", "new", "PO-1")) == -1


def test_an_old_annotated_group_was_not_yet_processed_and_an_unknown_user_goes_to_the_first(
    store: Store,
) -> None:
    old = {
        "buyer": "acme", "type": "new", "order_id": "PO-OLD2", "fingerprint": "f",
        "state": "received",
        "lines": [
            {"number": 1, "part": "P", "reference": "r1", "user": 9, "project": 50,
             "quantity": "1", "unit_price": "1", "currency": "USD", "unit_of_measure": "EA"},
            {"number": 2, "part": "P", "reference": "r2", "user": 404, "project": 51,
             "quantity": "1", "unit_price": "1", "currency": "USD", "unit_of_measure": "EA"},
        ],
        "groups": [
            {"user": 7, "projects": [], "pipo_order_id": 5001, "state": "created"},
            {"user": 9, "projects": [50], "pipo_order_id": 5002, "state": "annotated"},
        ],
    }  # fmt: skip
    store.put_permanent(store.key("order", "acme", "new", "PO-OLD2"), old)
    ledger = Ledger(store)
    (record,) = ledger.records("acme")
    assert [g.state for g in record.groups] == ["created", "created"]
    assert [(line.number, line.group) for line in ledger.lines(record)] == [(1, 1), (2, 0)]
    assert all(
        "user" not in line for line in store.get(ledger._lines_key("acme", "new", "PO-OLD2"))
    )


def test_records_are_listed_per_buyer_or_all(store: Store) -> None:
    ledger = Ledger(store)
    ledger.save(record("PO-1", "acme"))
    ledger.save(record("PO-2", "globex"))
    assert [r.order_id for r in ledger.records("acme")] == ["PO-1"]
    assert [r.order_id for r in ledger.records("globex")] == ["PO-2"]
    assert sorted(r.order_id for r in ledger.records()) == ["PO-1", "PO-2"]


def test_a_new_state_and_a_note_go_into_the_history_with_a_utc_time(store: Store) -> None:
    ledger = Ledger(store)
    r = record()
    ledger.save(r, "processed")
    ledger.note(r, {"event": "resolved", "by": "operator"})
    again = ledger.get("acme", "new", "PO-1")
    assert again is not None and [sorted(h) for h in again.history] == [
        ["at", "state"],
        ["at", "by", "event"],
    ]
    assert again.history[0]["state"] == "processed" and again.history[1]["event"] == "resolved"
    assert all(h["at"].endswith("+00:00") for h in again.history)


def test_attachments_and_pipo_ids_come_back_from_a_stored_record() -> None:
    r = record()
    r.attachments = [{"filename": "proof.pdf", "size": 3}]
    assert OrderRecord.from_json(r.to_json()).attachments == [{"filename": "proof.pdf", "size": 3}]
    assert r.pipo_ids() == [5001]  # the group without a PrintNow order has none


def test_a_line_of_the_wrong_shape_is_refused_naming_the_field() -> None:
    with pytest.raises(BadRecord) as caught:
        Line.from_json({"part": "P"})
    assert str(caught.value) == "not an order line: 'number'"


def test_export_is_sorted_json_and_import_takes_rows_without_lines(store: Store) -> None:
    ledger = Ledger(store)
    ledger.save(record("PO-1"))
    (row,) = ledger.export()
    data = json.loads(row)
    assert list(data) == ["lines", "record"] and list(data["record"]) == sorted(data["record"])
    fresh = json.dumps({"record": record("PO-3").to_json()})
    # an order already there is skipped, and the rows after it are still imported
    assert ledger.import_([row, fresh]) == (1, 1)
    assert ledger.get("acme", "new", "PO-3") is not None


def test_blank_rows_in_an_import_are_passed_over(store: Store) -> None:
    rows = [json.dumps({"record": record(f"PO-{n}").to_json(), "lines": []}) for n in (1, 2)]
    assert Ledger(store).import_([rows[0], "  ", rows[1]]) == (2, 0)
