"""Done when: a buyer punches out, orders, the print shop marks the order shipped in
PrintNow, and the buyer's system receives one DTD-valid ConfirmationRequest,
ShipNoticeRequest and InvoiceDetailRequest each, although it failed the first two posts.

Everything is real: the connector over HTTP on the test Redis, the PrintNow sandbox (its
order_updated webhook signed to the connector), a `punchout worker` process and the buyer
simulator's document URL, which authenticates the SharedSecret and validates each document
against the cXML DTDs before it keeps it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from punchout.devtools.simulator import SimulatorConfig, create_simulator_app
from punchout.devtools.simulator.documents import BuyerAccount
from punchout.domain.backchannel.records import DocumentBook
from punchout.runtime.connector import Connector
from punchout.web.context import connector_of
from tests.buyer_side import BuyerIdentity, order_request, status_of
from tests.domain.backchannel.conftest import (
    DOCUMENT_SECRET,
    WorkerProcess,
    documents_table,
    wait_until,
)
from tests.domain.backchannel.dtd import assert_dtd_valid
from tests.support import LiveSandbox, serve
from tests.web.conftest import LiveConnector
from tests.web.test_orders import returned_cart

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()
WEBHOOK_SECRET = "webhook-SECRET-321"
KINDS = ["ConfirmationRequest", "InvoiceDetailRequest", "ShipNoticeRequest"]


class Simulator:
    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def documents_url(self) -> str:
        return self.url + "/simulator/cxml/documents"

    def fail_next(self, times: int) -> None:
        requests.post(self.url + "/simulator/_control/fail", json={"times": times}, timeout=5)

    def received(self, order_id: str) -> list[dict[str, Any]]:
        answer = requests.get(
            self.url + "/simulator/_control/documents", params={"order_id": order_id}, timeout=5
        )
        found: list[dict[str, Any]] = answer.json()
        return found


@pytest.fixture
def simulator(live_sandbox: LiveSandbox) -> Iterator[Simulator]:
    account = BuyerAccount(
        buyer_id="acme",
        name="Acme Corporation",
        domain=BUYER.domain,
        identity=BUYER.identity,
        secret=BUYER.secret,
        oci_username="ACME-SAP",
        supplier_domain=BUYER.supplier_domain,
        supplier_identity=BUYER.supplier_identity,
    )
    config = SimulatorConfig(
        connector_url="http://127.0.0.1:9", account=account, supplier_secret=DOCUMENT_SECRET
    )
    with serve(create_simulator_app(config)) as url:
        yield Simulator(url)


def test_punch_out_order_ship_and_the_buyer_receives_each_document_once(
    make_connector: Callable[..., LiveConnector],
    simulator: Simulator,
    start_worker: Callable[[Connector], WorkerProcess],
) -> None:
    connector = make_connector(
        printnow_webhook_secret=WEBHOOK_SECRET, documents_attempts=3, documents_backoff_seconds=1
    )
    c: Connector = connector_of(connector.app)
    connector.set_buyer(
        documents=documents_table(simulator.documents_url, kinds=["confirm", "ship", "invoice"])
    )
    connector.sandbox.control(
        "POST", "/webhooks", url=connector.url + "/printnow/webhook", secret=WEBHOOK_SECRET
    )
    simulator.fail_next(2)

    cart = returned_cart(connector, quantity="2")
    answer = connector.post_cxml(order_request(BUYER, cart, order_id="PO-E2E-1"))
    assert (answer.status_code, status_of(answer.content)[0]) == (200, 200)
    record = connector_of(connector.app).orders.ledger.get("acme", "new", "PO-E2E-1")
    (pipo_order_id,) = record.pipo_ids()

    worker = start_worker(c)
    book = DocumentBook(c.store)
    wait_until(lambda: any(r.state == "delivered" for r in book.all()), worker, "the confirmation")

    connector.sandbox.control(
        "POST",
        f"/orders/{pipo_order_id}/ship",
        tracking_number="1Z999AA10123456784",
        shipping_provider="UPS",
        service="Ground",
    )

    def all_three_delivered() -> bool:
        records = list(book.all())
        return len(records) == 3 and all(r.state == "delivered" for r in records)

    wait_until(all_three_delivered, worker, "the ship notice and the invoice")
    deliveries = connector.sandbox.control("GET", "/webhooks")["deliveries"]
    assert deliveries and deliveries[-1]["status"] == 202  # the signed order_updated, taken
    received = simulator.received("PO-E2E-1")
    assert sorted(d["kind"] for d in received) == KINDS
    assert not any(d["duplicate"] for d in received)
    assert sum(r.attempts for r in book.all()) == 5  # 3 posts answered 2xx, 2 refused first
    for document in received:
        assert_dtd_valid(document["raw"].encode())
        assert document["sender"] == f"{c.settings.supplier_domain}:{c.settings.supplier_identity}"
    notice = next(d for d in received if d["kind"] == "ShipNoticeRequest")
    if connector.sandbox.documented:
        # Get Order as documented carries no tracking numbers: the notice says none.
        assert "1Z999AA10123456784" not in notice["raw"]
    else:
        assert "1Z999AA10123456784" in notice["raw"] and "UPS" in notice["raw"]
    invoice = next(d for d in received if d["kind"] == "InvoiceDetailRequest")
    assert f'invoiceID="{pipo_order_id}"' in invoice["raw"]
    # Another webhook or poll of the same order makes and sends nothing more.
    connector.sandbox.control("POST", f"/orders/{pipo_order_id}/status", status="Order Shipped")
    from punchout.domain.backchannel.queue import Backchannel

    assert Backchannel(c).poller().poll_all() == 0
    assert len(simulator.received("PO-E2E-1")) == 3
