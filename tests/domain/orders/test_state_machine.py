"""The order desk's states, driven from the records a cart leaves behind, without a browser.

Each PO here is made the way a buyer's system makes it: from the lines of a cart the
connector priced (:func:`punchout.domain.cart.build_cart`), whose offers were kept through
:class:`punchout.domain.offers.Offers`. The desk runs on a real Redis with the PrintNow
sandbox over real HTTP; the ledger is read between and after the steps."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from punchout.domain.cart import Cart, Selection, build_cart
from punchout.domain.offers import Offers
from punchout.domain.orders.records import OrderRecord
from punchout.printnow import Project
from punchout.protocol.cxml.model import OrderLine
from tests.domain.orders.conftest import World, make_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.sandbox


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:  # noqa: F811 (the fixture it uses)
    return make_world()


def returned_cart(w: World, user_id: int, *quantities: int) -> Cart:
    """A cart of new designs of ``user_id``, one per quantity, returned with its offers kept."""
    selections = [
        Selection(Project(w.design(user_id), "cards", "BC-STD-85x55"), Decimal(q))
        for q in quantities
    ]
    cart = build_cart(w.c.pricebook, w.buyer, user_id, selections, w.c.reference_key)
    Offers(w.c.store).remember("acme", cart, ttl=3600)
    return cart


def po_lines(*carts: Cart, quantity: Decimal | None = None) -> list[OrderLine]:
    """The carts' lines as the buyer's system sends them back in an OrderRequest."""
    return [
        OrderLine(
            line_number=None,
            quantity=line.priced.quantity if quantity is None else quantity,
            supplier_part_id=line.priced.template,
            supplier_part_auxiliary_id=line.reference,
            unit_price=line.priced.unit_price,
            currency=line.priced.currency,
            unit_of_measure=line.priced.unit_of_measure,
            description=line.priced.description,
        )
        for cart in carts
        for line in cart.lines
    ]


def record(w: World, order_id: str) -> OrderRecord:
    found = w.desk.ledger.get("acme", "new", order_id)
    assert found is not None
    return found


def test_a_multi_user_po_is_received_then_each_users_order_created_and_processed(
    world: World,
) -> None:
    first, second = world.user(), world.user()
    carts = [returned_cart(world, first, 1, 10), returned_cart(world, second, 50)]
    order = world.po("PO-S1", *po_lines(*carts))
    seen: list[tuple[str, list[str]]] = []

    def look() -> None:  # just before the first user's order is processed
        now = record(world, "PO-S1")
        seen.append((now.state, [g.state for g in now.groups]))

    world.client.trap("GET /pipo/order/*/process", 1, look)
    answer = world.send(order)
    assert seen == [("received", ["created", "pending"])]
    assert answer.code == 200
    done = record(world, "PO-S1")
    assert done.state == "processed"
    assert [h["state"] for h in done.history] == ["received", "processed"]
    assert [(g.user, g.state) for g in done.groups] == [(first, "annotated"), (second, "annotated")]
    ids = done.pipo_ids()
    assert answer.message == f"Order PO-S1 accepted as print orders {ids[0]}, {ids[1]}."
    assert sorted(o["user_id"] for o in world.orders()) == [first, second]
    # each ledger line names its group and the offered price
    lines = world.desk.ledger.lines(done)
    assert [(ln.number, ln.group, ln.quantity, ln.unit_price) for ln in lines] == [
        (1, 0, "1", "45.00"),
        (2, 0, "10", "42.50"),
        (3, 1, "50", "39.00"),
    ]


def test_a_retry_is_answered_from_the_ledger_and_a_changed_po_is_refused(world: World) -> None:
    user = world.user()
    order = world.po("PO-S2", *po_lines(returned_cart(world, user, 1)))
    answer = world.send(order)
    calls = len(world.client.calls)
    assert world.send(order) == answer
    assert len(world.client.calls) == calls  # no PrintNow call at all
    changed = world.po("PO-S2", *po_lines(returned_cart(world, user, 2)))
    refused = world.send(changed)
    assert refused.code == 409 and "received before with different lines" in refused.message
    assert len(world.orders()) == 1 and record(world, "PO-S2").state == "processed"


def test_identical_pos_arriving_together_make_one_order(world: World) -> None:
    user = world.user()
    order = world.po("PO-S3", *po_lines(returned_cart(world, user, 1)))
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda n: world.send(order, f"PO-S3.copy{n}"), range(4)))
    assert {a.code for a in answers} == {200} and len(set(answers)) == 1
    assert len(world.orders()) == 1
    assert world.client.calls.count("POST /pipo/order/create") == 1


def test_a_po_held_by_another_request_is_refused_for_now_and_taken_after(
    make_world: Callable[..., World],  # noqa: F811
) -> None:
    world = make_world(order_budget_seconds=5.0)  # the shortest: the lock is waited for
    order = world.po("PO-S4", *po_lines(returned_cart(world, world.user(), 1)))
    lock = world.c.store.lock(
        world.desk.ledger.lock_key("acme", "new", "PO-S4"), timeout=30, wait=1
    )
    assert lock.acquire()
    try:
        held = world.send(order)
    finally:
        lock.release()
    assert (held.code, held.message) == (560, "This order is being processed; please retry later.")
    assert world.desk.ledger.get("acme", "new", "PO-S4") is None  # nothing recorded
    assert world.send(order).code == 200


def test_a_failure_after_the_first_users_order_leaves_it_and_the_retry_does_the_rest(
    world: World,
) -> None:
    first, second = world.user(), world.user()
    order = world.po(
        "PO-S5", *po_lines(returned_cart(world, first, 1), returned_cart(world, second, 1))
    )
    fail = lambda: world.sandbox.fault("pipo_order_create", mode="error", status=503, times=1)  # noqa: E731
    world.client.trap("POST /pipo/order/create", 2, fail)
    assert world.send(order).code == 560
    half = record(world, "PO-S5")
    assert half.state == "received"
    assert [g.state for g in half.groups] == ["annotated", "pending"]
    assert world.send(order).code == 200
    assert record(world, "PO-S5").state == "processed"
    assert sorted(o["user_id"] for o in world.orders()) == [first, second]
    assert world.client.calls.count("POST /pipo/order/create") == 2


def test_a_quantity_changed_from_the_offer_is_rejected_until_the_po_is_fixed(
    world: World,
) -> None:
    world.set_buyer(quantity_changes="reject")
    cart = returned_cart(world, world.user(), 10)
    changed = world.send(world.po("PO-S6", *po_lines(cart, quantity=Decimal(12))))
    assert changed.code == 400
    assert "the quantity changed from 10 to 12" in changed.message
    assert record(world, "PO-S6").state == "rejected" and world.orders() == []
    assert world.send(world.po("PO-S6", *po_lines(cart))).code == 200
    assert record(world, "PO-S6").state == "processed"


def test_an_oci_line_naming_only_its_reference_orders_the_offered_template(world: World) -> None:
    cart = returned_cart(world, world.user(), 10)
    (line,) = po_lines(cart)
    oci_line = OrderLine(
        None, line.quantity, line.supplier_part_auxiliary_id, "", line.unit_price, "USD", "BX", ""
    )
    assert world.send(world.po("PO-S7", oci_line)).code == 200
    (accepted,) = world.desk.ledger.lines(record(world, "PO-S7"))
    assert accepted.part == "BC-STD-85x55"
    # without an offer the reference alone says nothing about the product
    world.c.store.delete(world.c.store.key("offer", "acme", line.supplier_part_auxiliary_id))
    unknown = world.send(world.po("PO-S8", oci_line))
    assert unknown.code == 400 and "the product of this line is not known" in unknown.message
    assert record(world, "PO-S8").state == "rejected"


def test_an_offer_written_by_the_previous_version_is_still_ordered(world: World) -> None:
    """An offer kept before an upgrade, in the shape that version wrote, serves its PO after."""
    cart = returned_cart(world, world.user(), 10)
    (line,) = po_lines(cart)
    old = {
        "template": "BC-STD-85x55",
        "quantity": "10",
        "unit_price": "42.50",
        "currency": "USD",
        "unit_of_measure": "BX",
    }
    key = world.c.store.key("offer", "acme", line.supplier_part_auxiliary_id)
    world.c.store.redis.set(key, json.dumps(old), ex=3600)
    oci_line = OrderLine(
        None, line.quantity, line.supplier_part_auxiliary_id, "", line.unit_price, "USD", "BX", ""
    )
    assert world.send(world.po("PO-S9", oci_line)).code == 200
    assert record(world, "PO-S9").state == "processed"
