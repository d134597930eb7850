"""Every document sent after an order is valid against the DTD that declares it, carries
what the buyer's system matches it by, and never a SharedSecret until it is sent."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from punchout.protocol.cxml import fulfil, invoice
from punchout.protocol.cxml.envelope import (
    Envelope,
    OrderRef,
    with_shared_secret,
    without_shared_secret,
)
from tests.domain.backchannel.dtd import VENDORED, assert_dtd_valid, declared_dtd, external_folder

MOMENT = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
ENVELOPE = Envelope(
    from_credentials=[("NetworkID", "AN-PRINTSHOP")], to_credentials=[("DUNS", "123456789")]
)
PO = OrderRef(order_id="PO-1", payload_id="po-payload@buyer")

# SHA-256 of the DTD files as published in the 1.2.071 DTD archive (vendored unmodified).
DTD_SHA256 = {
    "Fulfill.dtd": "1bdb5394eac2ea243dcb124e7cb149603a53848a75d89018ee06bdc6e699d21c",
    "InvoiceDetail.dtd": "4351e2b54d919e8b89c5e1dd6791347649334acec4ec3e0b31180b17163336c1",
}


def confirm(kind: fulfil.ConfirmationKind, **extra: object) -> bytes:
    return fulfil.confirmation(
        ENVELOPE,
        payload_id="confirm-1@supplier",
        moment=MOMENT,
        order=PO,
        confirm_id="PO-1",
        kind=kind,
        **extra,  # type: ignore[arg-type]
    )


def detail_lines() -> list[fulfil.ConfirmedLine]:
    return [
        fulfil.ConfirmedLine(
            1, Decimal("2"), "BX", MOMENT + timedelta(days=5), Decimal("45.5"), "EUR"
        ),
        fulfil.ConfirmedLine(2, Decimal("500"), "EA"),
    ]


def ship() -> bytes:
    return fulfil.ship_notice(
        ENVELOPE,
        payload_id="ship-1@supplier",
        moment=MOMENT,
        order=PO,
        shipment=fulfil.Shipment("1001-1", MOMENT, "UPS", "Ground", ("1Z999AA10123456784",)),
        lines=[fulfil.ShippedLine(1, Decimal("2"), "BX", "BC-STD")],
    )


def bill() -> bytes:
    return invoice.invoice(
        ENVELOPE,
        payload_id="invoice-1@supplier",
        moment=MOMENT,
        invoice_id="1001",
        order=PO,
        lines=[
            invoice.InvoiceLine(
                1, Decimal("2"), "BX", Decimal("45.50"), Decimal("91.00"), "BC", "Cards"
            ),
            invoice.InvoiceLine(2, Decimal("1"), "EA", Decimal("34.00"), Decimal("34.00")),
        ],
        totals=invoice.InvoiceTotals(
            Decimal("125.00"), Decimal("8.75"), Decimal("12.50"), "EUR", Decimal("10.00")
        ),
    )


def status() -> bytes:
    return fulfil.status_update(
        ENVELOPE, payload_id="status-1@supplier", moment=MOMENT, order=PO, status="In Production"
    )


DOCUMENTS = {
    "accept": lambda: confirm("accept"),
    "detail": lambda: confirm("detail", lines=detail_lines()),
    "reject": lambda: confirm("reject", reason="The supplier cancelled PrintNow order 1001."),
    "ship": ship,
    "invoice": bill,
    "status": status,
}


def test_the_vendored_fulfil_and_invoice_dtds_are_unmodified() -> None:
    for name, digest in DTD_SHA256.items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_is_valid_against_the_vendored_dtd(name: str) -> None:
    document = DOCUMENTS[name]()
    root = assert_dtd_valid(document)
    assert root.get("payloadID", "").endswith("@supplier")
    assert b"SharedSecret" not in document


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_is_valid_against_the_external_dtds(name: str) -> None:
    assert_dtd_valid(DOCUMENTS[name](), external_folder())


def test_each_document_names_the_dtd_that_declares_it() -> None:
    assert declared_dtd(confirm("accept")) == "Fulfill.dtd"
    assert declared_dtd(ship()) == "Fulfill.dtd"
    assert declared_dtd(bill()) == "InvoiceDetail.dtd"
    assert declared_dtd(status()) == "cXML.dtd"


def test_a_confirmation_references_the_po_and_details_each_line() -> None:
    root = assert_dtd_valid(confirm("detail", lines=detail_lines()))
    header = root.find("Request/ConfirmationRequest/ConfirmationHeader")
    assert header is not None and header.get("type") == "detail"
    reference = root.find("Request/ConfirmationRequest/OrderReference")
    assert reference is not None and reference.get("orderID") == "PO-1"
    assert reference[0].get("payloadID") == "po-payload@buyer"
    items = root.findall("Request/ConfirmationRequest/ConfirmationItem")
    assert [(i.get("lineNumber"), i.get("quantity")) for i in items] == [("1", "2"), ("2", "500")]
    first = items[0].find("ConfirmationStatus")
    assert first is not None and first.get("shipmentDate") == "2026-11-28T14:00:00+00:00"
    assert items[1].find("ConfirmationStatus").get("shipmentDate") is None


def test_a_rejection_says_why_and_an_acceptance_lists_no_lines() -> None:
    rejected = assert_dtd_valid(confirm("reject", reason="Cancelled by the supplier."))
    assert rejected.findtext("Request/ConfirmationRequest/ConfirmationHeader/Comments") == (
        "Cancelled by the supplier."
    )
    accepted = assert_dtd_valid(confirm("accept", lines=detail_lines()))
    assert accepted.findall("Request/ConfirmationRequest/ConfirmationItem") == []
    with pytest.raises(ValueError, match="says why"):
        confirm("reject")
    with pytest.raises(ValueError, match="at least one line"):
        confirm("detail")


def test_a_ship_notice_carries_the_shipment_tracking_and_lines() -> None:
    root = assert_dtd_valid(ship())
    header = root.find("Request/ShipNoticeRequest/ShipNoticeHeader")
    assert header is not None and header.get("shipmentID") == "1001-1"
    assert header.findtext("ServiceLevel") == "Ground"
    control = root.find("Request/ShipNoticeRequest/ShipControl")
    assert control is not None and control.findtext("CarrierIdentifier") == "UPS"
    assert control.findtext("ShipmentIdentifier") == "1Z999AA10123456784"
    portion = root.find("Request/ShipNoticeRequest/ShipNoticePortion")
    assert portion is not None and portion[0].get("orderID") == "PO-1"
    item = portion.find("ShipNoticeItem")
    assert item is not None and (item.get("lineNumber"), item.get("quantity")) == ("1", "2")


def test_a_ship_notice_without_tracking_has_no_ship_control() -> None:
    document = fulfil.ship_notice(
        ENVELOPE,
        payload_id="ship-2@supplier",
        moment=MOMENT,
        order=PO,
        shipment=fulfil.Shipment("1001-2", MOMENT, "UPS", "Ground"),
        lines=[fulfil.ShippedLine(1, Decimal("2"), "BX")],
    )
    root = assert_dtd_valid(document)
    assert root.find("Request/ShipNoticeRequest/ShipControl") is None
    assert root.findtext("Request/ShipNoticeRequest/ShipNoticeHeader/Comments") == "Carrier: UPS"


def test_an_invoice_has_header_tax_shipping_and_the_po_lines() -> None:
    root = assert_dtd_valid(bill())
    header = root.find("Request/InvoiceDetailRequest/InvoiceDetailRequestHeader")
    assert header is not None and header.get("invoiceID") == "1001"
    items = root.findall("Request/InvoiceDetailRequest/InvoiceDetailOrder/InvoiceDetailItem")
    assert [i.find("InvoiceDetailItemReference").get("lineNumber") for i in items] == ["1", "2"]
    summary = root.find("Request/InvoiceDetailRequest/InvoiceDetailSummary")
    assert summary is not None
    amounts = {e.tag: e.findtext("Money") for e in summary}
    assert amounts == {
        "SubtotalAmount": "125.00",
        "Tax": "8.75",
        "ShippingAmount": "12.50",
        "GrossAmount": "146.25",
        "InvoiceDetailDiscount": "10.00",
        "NetAmount": "136.25",
        "DueAmount": "136.25",
    }


def test_the_shared_secret_goes_in_only_when_sent_and_comes_out_for_showing() -> None:
    stored = bill()
    sent = with_shared_secret(stored, "s3cret-value")
    root = assert_dtd_valid(sent)
    assert root.findtext("Header/Sender/Credential/SharedSecret") == "s3cret-value"
    assert root.get("payloadID") == "invoice-1@supplier"
    assert with_shared_secret(sent, "other").count(b"SharedSecret>") == 2  # one element
    shown = without_shared_secret(sent)
    assert b"s3cret-value" not in shown
    assert_dtd_valid(shown)


def test_the_builders_import_no_flask_redis_or_requests() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, punchout.protocol.cxml.envelope, punchout.protocol.cxml.fulfil, "
        "punchout.protocol.cxml.invoice\n"
        "print(','.join(m for m in ('flask', 'redis', 'requests', 'werkzeug') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
