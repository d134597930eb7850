"""The poller on real orders in the PrintNow sandbox: what each change makes, once; the
supplier's cancel; the Orders API refused for want of the Enterprise licence."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from punchout.domain.backchannel.poller import Poller
from punchout.domain.backchannel.records import DocumentBook, DocumentRecord
from tests.cli.runner import PunchoutRunner
from tests.domain.backchannel.conftest import Receiver, documents_table, place_order
from tests.domain.backchannel.dtd import assert_dtd_valid
from tests.domain.orders.conftest import World

pytestmark = pytest.mark.sandbox


class Polled:
    """A poller whose sending only collects the ids of the documents it made."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.book = DocumentBook(world.c.store)
        self.sent: list[str] = []
        self.poller = Poller(world.c, self.book, self.sent.append)

    def titles(self) -> list[str]:
        records = [self.book.get(doc_id) for doc_id in self.sent]
        return [r.title for r in records if isinstance(r, DocumentRecord)]

    def xml(self, n: int) -> bytes:
        return self.book.xml(self.sent[n])


def test_each_change_makes_one_document_and_status_updates_follow_changes(
    doc_world: Callable[..., World],
) -> None:
    world = doc_world()
    pipo = place_order(world, "PO-P1", lines=2)
    polled = Polled(world)
    assert polled.poller.poll_all() == 1  # the confirmation; first sight sends no status
    assert polled.titles() == ["ConfirmationRequest detail"]  # the price book has lead times
    root = assert_dtd_valid(polled.xml(0))
    items = root.findall("Request/ConfirmationRequest/ConfirmationItem")
    assert [i.get("lineNumber") for i in items] == ["1", "2"]
    assert polled.poller.poll_all() == 0
    world.c.client.update_order_status(pipo, "In Production")
    assert polled.poller.poll_all() == 1
    assert polled.titles()[-1] == f"StatusUpdateRequest In Production (PrintNow order {pipo})"
    assert_dtd_valid(polled.xml(1))
    world.c.client.mark_order_shipped(pipo)
    assert polled.poller.poll_all() == 3  # the status, the shipment, the invoice
    assert polled.titles()[2:] == [
        f"StatusUpdateRequest Order Shipped (PrintNow order {pipo})",
        f"ShipNoticeRequest {pipo}-1",
        f"InvoiceDetailRequest {pipo}",
    ]
    for n in (2, 3, 4):
        assert_dtd_valid(polled.xml(n))
    watched = polled.book.watched("acme", "PO-P1", pipo)
    assert watched.closed and watched.invoiced and watched.shipments == 1
    assert polled.poller.poll_all() == 0 and polled.poller.poll_pipo_order(pipo) == 0


def test_an_invoice_follows_the_buyers_status_trigger_not_the_shipment(
    doc_world: Callable[..., World],
) -> None:
    world = doc_world(invoice_trigger="status:In Production", kinds=["ship", "invoice"])
    pipo = place_order(world, "PO-P2")
    polled = Polled(world)
    assert polled.poller.poll_all() == 0
    world.c.client.update_order_status(pipo, "In Production")
    assert polled.poller.poll_all() == 1
    assert polled.titles() == [f"InvoiceDetailRequest {pipo}"]
    world.c.client.mark_order_shipped(pipo)
    assert polled.poller.poll_all() == 1
    assert polled.titles()[-1] == f"ShipNoticeRequest {pipo}-1"
    assert polled.book.watched("acme", "PO-P2", pipo).closed


def test_the_suppliers_cancel_is_a_rejection_and_the_buyers_own_is_not(
    doc_world: Callable[..., World],
) -> None:
    world = doc_world(kinds=["confirm"])
    supplier_cancelled = place_order(world, "PO-P3")
    polled = Polled(world)
    polled.poller.poll_all()
    world.c.client.update_order_status(supplier_cancelled, "Cancelled")
    assert polled.poller.poll_all() == 1
    assert polled.titles()[-1] == "ConfirmationRequest reject"
    root = assert_dtd_valid(polled.xml(1))
    comment = root.findtext("Request/ConfirmationRequest/ConfirmationHeader/Comments")
    assert comment == f"The supplier cancelled PrintNow order {supplier_cancelled} (Cancelled)."
    buyer_cancelled = place_order(world, "PO-P4")
    polled.poller.poll_all()
    order = world.po("PO-P4", order_type="delete")
    assert world.send(order).code == 200
    before = len(polled.sent)
    assert polled.poller.poll_all() == 0 and len(polled.sent) == before
    assert polled.book.watched("acme", "PO-P4", buyer_cancelled).rejected is False


def test_an_unlicensed_orders_api_is_reported_and_that_storefront_left_alone(
    doc_world: Callable[..., World], caplog: pytest.LogCaptureFixture
) -> None:
    world = doc_world()
    place_order(world, "PO-P5")
    world.sandbox.fault("order_get", mode="error", status=403)
    polled = Polled(world)
    with caplog.at_level(logging.ERROR, "punchout.domain.backchannel.poller"):
        assert polled.poller.poll_all() == 1  # the confirmation needs only the ledger
    assert "needs the Enterprise licence" in caplog.text
    assert polled.book.orders_api_refused(world.buyer.storefront_id)
    calls = len(world.client.calls)
    polled.poller.poll_all()
    assert len(world.client.calls) == calls  # not asked again
    listed = PunchoutRunner(world.app).invoke(args=["documents", "list"])
    assert "Storefront 1: PrintNow refused the Orders API" in listed.output
    assert "Enterprise licence" in listed.output
    ready = world.app.test_client().get("/readyz").get_json()["checks"]["orders_api"]
    assert ready["ok"] is True and "refused the Orders API of storefront(s) 1" in ready["detail"]


def test_a_buyer_without_documents_gets_none(world: World, receiver: Receiver) -> None:
    place_order(world, "PO-P6")
    polled = Polled(world)
    assert polled.poller.poll_all() == 0
    world.set_buyer(documents=documents_table(receiver.url, kinds=[]))
    assert polled.poller.poll_all() == 0


def test_pos_received_before_documents_were_turned_on_get_none(
    doc_world: Callable[..., World], receiver: Receiver
) -> None:
    world = doc_world()
    place_order(world, "PO-P7")
    polled = Polled(world)
    world.set_buyer(documents=documents_table(receiver.url, since="2999-01-01T00:00:00+00:00"))
    assert polled.poller.poll_all() == 0
    world.set_buyer(documents=documents_table(receiver.url, since="2000-01-01T00:00:00"))
    assert polled.poller.poll_all() == 1
