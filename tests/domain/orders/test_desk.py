"""The desk's state machine, driven directly: locks, rejections, identities, designs, the
Orders API licence, created orders that lack a project, updates and cancels."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from punchout.domain.identity import ProcurementUser
from tests.cli.runner import PunchoutRunner
from tests.domain.orders.conftest import World

pytestmark = pytest.mark.sandbox


def test_a_po_locked_by_another_request_for_the_whole_budget_gets_560(
    make_world: Callable[..., World],
) -> None:
    world = make_world(order_budget_seconds=5.0)
    user = world.user()
    order = world.po("PO-L1", world.line(user, world.design(user)))
    lock = world.c.store.lock(
        world.desk.ledger.lock_key("acme", "new", "PO-L1"), timeout=30, wait=1
    )
    assert lock.acquire()
    try:
        answer = world.send(order)
    finally:
        lock.release()
    assert (answer.code, answer.message) == (
        560,
        "This order is being processed; please retry later.",
    )
    assert world.orders() == [] and world.desk.ledger.get("acme", "new", "PO-L1") is None
    assert world.send(order).code == 200


def test_a_rejected_po_resent_gets_the_same_rejection_and_a_fixed_one_is_accepted(
    world: World,
) -> None:
    from decimal import Decimal

    user = world.user()
    project = world.design(user)
    wrong = world.po("PO-J1", world.line(user, project, price=Decimal("1.00")))
    first = world.send(wrong)
    assert first.code == 400 and "the unit price 1.00 USD differs" in first.message
    assert world.send(wrong) == first  # the same rejection, not 409
    record = world.desk.ledger.get("acme", "new", "PO-J1")
    assert record is not None and record.state == "rejected"
    fixed = world.po("PO-J1", world.line(user, project))
    assert world.send(fixed).code == 200
    assert len(world.orders()) == 1


def test_a_design_deleted_before_the_po_is_refused_naming_its_line(world: World) -> None:
    user = world.user()
    kept, deleted = world.design(user), world.design(user)
    order = world.po("PO-D1", world.line(user, kept), world.line(user, deleted))
    login = world.c.accounts.login_as(world.buyer, user)
    world.c.client.delete_project(login.token, deleted)
    answer = world.send(order)
    assert answer.code == 400
    assert answer.message == "Line 2 (BC-STD-85x55): the design no longer exists in the storefront."
    assert world.orders() == []


def test_a_user_the_connector_does_not_know_gets_409_naming_the_lines(world: World) -> None:
    user = world.user()
    order = world.po("PO-I1", world.line(user, world.design(user)), world.line(99999, 1))
    answer = world.send(order)
    assert answer.code == 409
    assert answer.message.startswith("Line 2 (BC-STD-85x55): ")
    assert world.orders() == []  # nothing is created before every user is checked


def test_a_guest_is_transferred_into_the_account_that_exists_already(world: World) -> None:
    if world.sandbox.documented:
        pytest.skip("the documented createtemp answers no password: guests get no temporary user")
    world.set_buyer(user_policy="guest")
    buyer = world.buyer
    temp = world.c.accounts.start(buyer, ProcurementUser("guest@buyer.example"))
    assert temp.is_temp
    project = world.design(temp.user_id)
    # the account this guest's order goes to exists already (a crash after converting, or
    # another punch-out): settling must transfer into it, not fail
    username, password = world.c.accounts.logins.derived(buyer, f"guest-order:{temp.user_id}")
    existing = world.c.client.create_customer(
        buyer.storefront_id, username=username, password=password, email="g@buyer.example",
        first_name="Procurement", last_name="Guest",
    )  # fmt: skip
    answer = world.send(world.po("PO-G1", world.line(temp.user_id, project)))
    assert answer.code == 200, answer
    (order,) = world.orders()
    assert order["user_id"] == existing.id
    record = world.desk.ledger.get("acme", "new", "PO-G1")
    assert record is not None and record.groups[0].user == existing.id


def test_without_the_orders_api_orders_are_still_processed_and_it_is_logged_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    world.sandbox.fault("order_*", mode="error", status=403)  # not licensed: every Orders call
    for order_id in ("PO-O1", "PO-O2"):
        user = world.user()
        answer = world.send(world.po(order_id, world.line(user, world.design(user))))
        assert answer.code == 200, answer
        record = world.desk.ledger.get("acme", "new", order_id)
        assert record is not None and record.groups[0].state == "processed"
    orders = world.orders()
    assert len(orders) == 2 and all(o["merge"] in ("merging", "done") for o in orders)
    assert caplog.text.count("PrintNow refused the Orders API") == 1


def test_a_created_order_missing_a_project_is_an_alert_and_never_processed(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    user = world.user()
    kept, lost = world.design(user), world.design(user)
    order = world.po("PO-M1", world.line(user, kept), world.line(user, lost))

    def delete_lost() -> None:  # gone between the check of designs and create
        token = world.c.accounts.login_as(world.buyer, user).token
        world.c.client.delete_project(token, lost)

    world.client.trap("POST /pipo/order/create", 1, delete_lost)
    answer = world.send(order)
    assert answer.code == 500 and "will confirm" in answer.message
    assert f"lacks projects [{lost}]" in caplog.text
    (created,) = world.orders()
    assert created["merge"] == "not started"
    assert world.send(order).code == 500  # still not processed, not created again
    assert len(world.orders()) == 1


def test_an_update_while_the_order_is_being_placed_is_postponed(world: World) -> None:
    user = world.user()
    order = world.po("PO-U1", world.line(user, world.design(user)))
    world.sandbox.fault("pipo_order_process", mode="error", status=503, times=1)
    assert world.send(order).code == 560
    update = world.po("PO-U1", *order.lines, order_type="update")
    assert world.send(update).code == 560
    assert world.send(order).code == 200
    assert world.send(update).code == 200


def test_cancel_failures(
    make_world: Callable[..., World], caplog: pytest.LogCaptureFixture
) -> None:
    world = make_world(order_cancel_status="Voided")  # not a status of this storefront
    user = world.user()
    order = world.po("PO-C1", world.line(user, world.design(user)))
    assert world.send(order).code == 200
    delete = world.po("PO-C1", *order.lines, order_type="delete")
    unknown = world.send(delete)
    assert unknown.code == 560  # the supplier's setting, not "can no longer be cancelled"
    assert "'Voided' (the buyer's cancel_status or order_cancel_status)" in caplog.text
    world = make_world()
    world.sandbox.fault("order_status", mode="error", status=503, times=1)
    assert world.send(delete).code == 560
    world.sandbox.fault("order_status", mode="error", status=404, times=1)
    gone = world.send(delete)
    assert gone.code == 409 and "can no longer be cancelled" in gone.message
    assert world.send(delete).code == 200
    (placed,) = world.orders()
    assert placed["status"] == "Cancelled"
    assert world.send(delete).code == 200  # repeated: the same answer, nothing sent


def test_a_buyer_may_name_its_storefronts_cancel_status(
    make_world: Callable[..., World],
) -> None:
    world = make_world(order_cancel_status="Voided")
    world.set_buyer(cancel_status="Cancelled")
    user = world.user()
    order = world.po("PO-C2", world.line(user, world.design(user)))
    assert world.send(order).code == 200
    assert world.send(world.po("PO-C2", *order.lines, order_type="delete")).code == 200
    (placed,) = world.orders()
    assert placed["status"] == "Cancelled"


def test_a_ledger_exported_and_imported_answers_retried_pos_as_before(
    world: World, tmp_path: Path
) -> None:
    user = world.user()
    order = world.po("PO-E1", world.line(user, world.design(user)))
    first = world.send(order)
    assert first.code == 200
    runner = PunchoutRunner(world.app)
    backup = tmp_path / "ledger.jsonl"
    exported = runner.invoke(args=["orders", "export", str(backup)])
    assert exported.exit_code == 0, exported.output
    assert "Exported 1 order." in exported.output
    store = world.c.store
    store.delete(*store.keys("order"), *store.keys("orderlines"))  # the ledger is lost
    assert world.desk.ledger.get("acme", "new", "PO-E1") is None
    imported = runner.invoke(args=["orders", "import", str(backup)])
    assert imported.exit_code == 0 and "Imported 1 orders" in imported.output
    again = runner.invoke(args=["orders", "import", str(backup), "--json"])
    assert json.loads(again.stdout) == {"imported": 0, "kept": 1}
    asked = runner.invoke(args=["orders", "import", str(backup), "--replace"], input="n\n")
    assert asked.exit_code == 1 and "overwrites" in asked.output
    replaced = runner.invoke(args=["orders", "import", str(backup), "--replace", "--yes"])
    assert replaced.exit_code == 0 and "Imported 1 orders" in replaced.output
    calls = len(world.client.calls)
    assert world.send(order) == first
    assert len(world.client.calls) == calls and len(world.orders()) == 1
    shown = runner.invoke(args=["orders", "show", "acme", "PO-E1"])
    assert "line 1: BC-STD-85x55 x 1 BX at 45.00 USD" in shown.output
    backup.write_text('{"record": {"state": "lost"}}\n', encoding="utf-8")
    bad = runner.invoke(args=["orders", "import", str(backup)])
    assert bad.exit_code == 1 and "nothing imported: line 1" in bad.output
