"""Every resume path, driven against the ledger: each PrintNow step failing, for one user or
for the second of two users after the first user's order went through, then the retry.

After the retry there is exactly one PrintNow order per user, each created, processed and
annotated exactly once, and a third copy of the PO gets the same answer and makes nothing."""

from __future__ import annotations

import pytest

from tests.cli.runner import PunchoutRunner
from tests.domain.orders.conftest import World

pytestmark = pytest.mark.sandbox

#: (the call that fails, the sandbox endpoint to fault, the group state it leaves behind,
#: which call of that kind is the second user's when there are two)
STEPS = [
    ("POST /pipo/user/login", "pipo_user_login", "pending", 2),
    ("GET /pipo/project/all", "pipo_project_all", "pending", 2),
    ("POST /pipo/order/create", "pipo_order_create", "pending", 2),
    # the read-back before processing (the first user's order is also read to annotate it)
    ("GET /order/*", "order_get", "created", 3),
    ("GET /pipo/order/*/process", "pipo_order_process", "created", 2),
    ("PATCH /order/*/status", "order_status", "processed", 2),  # the quantities comment
]


def _counts(world: World, pattern: str) -> dict[int, int]:
    """How often each PrintNow order id was the subject of an answered call like ``pattern``."""
    counts: dict[int, int] = {}
    for order in world.orders():
        call = pattern.replace("*", str(order["id"]))
        counts[order["id"]] = world.client.calls.count(call)
    return counts


@pytest.mark.parametrize(("call", "endpoint", "left", "nth"), STEPS, ids=[s[1] for s in STEPS])
@pytest.mark.parametrize("failing", ["only user", "second of two users"])
def test_a_failed_step_is_resumed_by_the_retry_and_nothing_is_repeated(
    world: World, call: str, endpoint: str, left: str, nth: int, failing: str
) -> None:
    users = [world.user()] if failing == "only user" else [world.user(), world.user()]
    lines = [world.line(u, world.design(u)) for u in users]
    order = world.po("PO-R1", *lines)
    fail = lambda: world.sandbox.fault(endpoint, mode="error", status=503, times=1)  # noqa: E731
    # the first user's call of this step goes through; the last user's fails
    world.client.trap(call, 1 if len(users) == 1 else nth, fail)

    first = world.send(order)
    assert first.code == 560, first
    record = world.desk.ledger.get("acme", "new", "PO-R1")
    assert record is not None and record.state == "received"
    assert record.groups[-1].state == left
    if len(users) == 2 and endpoint not in ("pipo_user_login", "pipo_project_all"):
        # the first user's order went all the way before the second user's step failed
        assert record.groups[0].state == "annotated"

    retry = world.send(order)
    assert retry.code == 200, retry
    orders = world.orders()
    assert sorted(o["user_id"] for o in orders) == sorted(users)
    assert all(o["merge"] in ("merging", "done") for o in orders)
    assert all(str(o["id"]) in retry.message for o in orders)
    assert world.client.calls.count("POST /pipo/order/create") == len(users)
    assert set(_counts(world, "GET /pipo/order/*/process").values()) == {1}
    assert set(_counts(world, "PATCH /order/*/status").values()) == {1}
    for o in orders:
        comments = [h.get("comments") or "" for h in o["history"]]
        assert sum(c.startswith("PO PO-R1:") for c in comments) == 1
    record = world.desk.ledger.get("acme", "new", "PO-R1")
    assert record is not None and record.state == "processed"
    assert [g.state for g in record.groups] == ["annotated"] * len(users)

    calls = len(world.client.calls)
    assert world.send(order) == retry
    assert len(world.client.calls) == calls  # answered from the ledger alone


def test_a_lost_create_answer_stays_uncertain_until_resolved_not_created(world: World) -> None:
    user = world.user()
    order = world.po("PO-R2", world.line(user, world.design(user)))
    # PrintNow drops the connection: the order may or may not exist
    world.sandbox.fault("pipo_order_create", mode="drop", times=1)
    assert world.send(order).code == 500
    assert world.send(order).code == 500  # never a second create while uncertain
    assert world.client.calls.count("POST /pipo/order/create") == 0
    runner = PunchoutRunner(world.app)
    result = runner.invoke(args=["orders", "resolve", "acme", "PO-R2", "--not-created"])
    assert result.exit_code == 0, result.output
    record = world.desk.ledger.get("acme", "new", "PO-R2")
    assert record is not None and record.groups[0].state == "pending"
    assert record.history[-1]["state"] == "resolved by operator"
    assert world.send(order).code == 200
    assert len(world.orders()) == 1


def test_the_time_budget_stops_before_the_next_step_and_the_retry_finishes(
    world: World,
) -> None:
    user = world.user()
    order = world.po("PO-R3", world.line(user, world.design(user)))

    def time_passes() -> None:
        world.clock.now += 1000  # the budget is long gone once create has answered

    world.client.trap("POST /pipo/order/create", 1, time_passes)
    first = world.send(order)
    assert first.code == 560
    record = world.desk.ledger.get("acme", "new", "PO-R3")
    assert record is not None and record.groups[0].state == "created"
    assert world.client.calls.count("GET /pipo/order/5001/process") == 0
    assert world.send(order).code == 200
    assert len(world.orders()) == 1


def test_create_is_not_started_without_time_for_printnow_to_answer(world: World) -> None:
    user = world.user()
    order = world.po("PO-R4", world.line(user, world.design(user)))
    budget = world.c.settings.order_budget_seconds

    def nearly_out() -> None:
        world.clock.now += budget - 5  # 5 s left: less than creating needs

    world.client.trap("GET /pipo/project/all", 1, nearly_out)
    assert world.send(order).code == 560
    record = world.desk.ledger.get("acme", "new", "PO-R4")
    assert record is not None and record.groups[0].state == "pending"
    assert world.orders() == []
