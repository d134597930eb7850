"""Each document sent after an order, composed once from the ledger and the Orders API.

The PO's lines come from the order ledger (what the buyer ordered, at which price); what
PrintNow did comes from the Orders API (Orders: Get Order: ``status``, ``shipped_on``,
``shipping_provider``, ``shipping_service``, the items' ``status``, ``tax_total``,
``shipping_total``, ``promotion_total``, ``invoice_number``). PrintNow orders carry no
quantities (the connector writes them as a comment), so the invoice's lines are the PO's
lines at the PO's prices, and its tax, shipping and discount are PrintNow's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from punchout.domain.backchannel.records import DocumentKind, DocumentRecord, document_id
from punchout.domain.buyers import Buyer
from punchout.domain.orders.records import Line, OrderRecord
from punchout.domain.pricebook import PriceBook
from punchout.printnow import Order
from punchout.protocol.cxml import fulfil, invoice
from punchout.protocol.cxml.envelope import Envelope, OrderRef
from punchout.runtime.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Composed:
    """A document ready to be kept and sent."""

    record: DocumentRecord
    xml: bytes


def decimal(value: Any) -> Decimal:
    """A number the ledger kept as text; 0 when absent or bad."""
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


class Composer:
    """Builds a buyer's documents for one PO."""

    def __init__(self, settings: Settings, pricebook: PriceBook) -> None:
        self.settings = settings
        self.pricebook = pricebook
        self.host = urlsplit(settings.public_url).hostname or "localhost"

    def envelope(self, buyer: Buyer) -> Envelope:
        docs = buyer.documents
        assert docs is not None
        own = ((self.settings.supplier_domain, self.settings.supplier_identity),)
        return Envelope(
            from_credentials=docs.credentials or own,
            to_credentials=buyer.credentials or own,
            deployment_mode=docs.deployment_mode,
        )

    def _record(
        self, buyer: Buyer, po: OrderRecord, kind: DocumentKind, seq: str | int, title: str
    ) -> DocumentRecord:
        doc_id = document_id(buyer.id, po.order_id, kind, seq)
        return DocumentRecord(
            id=doc_id,
            kind=kind,
            buyer=buyer.id,
            order_id=po.order_id,
            payload_id=f"{doc_id}.{kind}@{self.host}",
            title=title,
        )

    @staticmethod
    def confirmation_id(buyer: Buyer, po: OrderRecord) -> str:
        return document_id(buyer.id, po.order_id, "confirm", "confirm")

    @staticmethod
    def reference(po: OrderRecord) -> OrderRef:
        order_date = po.history[0].get("at") if po.history else None
        return OrderRef(
            order_id=po.order_id,
            payload_id=po.payload_ids[0] if po.payload_ids else po.order_id,
            order_date=str(order_date) if order_date else None,
        )

    # ------------------------------------------------------------------ documents

    def confirmation(
        self, buyer: Buyer, po: OrderRecord, lines: Sequence[Line], moment: datetime
    ) -> Composed:
        """``detail`` with each line's expected ship date where the price book has lead
        times for the PO's parts, otherwise ``accept``."""
        confirmed = []
        for line in lines:
            item = self.pricebook.item(buyer.price_book, line.part)
            days = item.lead_time_days if item is not None else 0
            confirmed.append(
                fulfil.ConfirmedLine(
                    line.number,
                    decimal(line.quantity),
                    line.unit_of_measure,
                    moment + timedelta(days=days) if days else None,
                    decimal(line.unit_price),
                    line.currency,
                )
            )
        kind: fulfil.ConfirmationKind = (
            "detail" if any(c.ship_date for c in confirmed) else "accept"
        )
        record = self._record(buyer, po, "confirm", "confirm", f"ConfirmationRequest {kind}")
        xml = fulfil.confirmation(
            self.envelope(buyer),
            payload_id=record.payload_id,
            moment=moment,
            order=self.reference(po),
            confirm_id=po.order_id,
            kind=kind,
            lines=confirmed,
        )
        return Composed(record, xml)

    def rejection(self, buyer: Buyer, po: OrderRecord, reason: str, moment: datetime) -> Composed:
        record = self._record(buyer, po, "confirm", "reject", "ConfirmationRequest reject")
        xml = fulfil.confirmation(
            self.envelope(buyer),
            payload_id=record.payload_id,
            moment=moment,
            order=self.reference(po),
            confirm_id=po.order_id,
            kind="reject",
            reason=reason,
        )
        return Composed(record, xml)

    def status_update(
        self, buyer: Buyer, po: OrderRecord, order: Order, seq: int, moment: datetime
    ) -> Composed:
        title = f"StatusUpdateRequest {order.status} (PrintNow order {order.id})"
        record = self._record(buyer, po, "status", f"{order.id}-{seq}", title)
        xml = fulfil.status_update(
            self.envelope(buyer),
            payload_id=record.payload_id,
            moment=moment,
            order=self.reference(po),
            status=order.status,
            detail=f"PrintNow order {order.id}",
        )
        return Composed(record, xml)

    def ship_notice(
        self,
        buyer: Buyer,
        po: OrderRecord,
        order: Order,
        lines: Sequence[Line],
        seq: int,
        tracking: tuple[str, ...],
        moment: datetime,
    ) -> Composed:
        shipment_id = f"{order.id}-{seq}"
        record = self._record(buyer, po, "ship", shipment_id, f"ShipNoticeRequest {shipment_id}")
        shipment = fulfil.Shipment(
            shipment_id=shipment_id,
            shipped_at=shipped_at(order.shipped_on) or moment,
            carrier=order.shipping_provider,
            service=order.shipping_service,
            tracking_numbers=tracking,
        )
        xml = fulfil.ship_notice(
            self.envelope(buyer),
            payload_id=record.payload_id,
            moment=moment,
            order=self.reference(po),
            shipment=shipment,
            lines=[
                fulfil.ShippedLine(
                    line.number, decimal(line.quantity), line.unit_of_measure, line.part
                )
                for line in lines
            ],
        )
        return Composed(record, xml)

    def invoice(
        self, buyer: Buyer, po: OrderRecord, order: Order, lines: Sequence[Line], moment: datetime
    ) -> Composed:
        number = order.invoice_number or str(order.id)
        record = self._record(buyer, po, "invoice", order.id, f"InvoiceDetailRequest {number}")
        invoiced = [
            invoice.InvoiceLine(
                line_number=line.number,
                quantity=decimal(line.quantity),
                unit_of_measure=line.unit_of_measure,
                unit_price=decimal(line.unit_price),
                subtotal=decimal(line.quantity) * decimal(line.unit_price),
                supplier_part_id=line.part,
            )
            for line in lines
        ]
        subtotal = sum((i.subtotal for i in invoiced), Decimal(0))
        printnow_subtotal = order.sub_total
        if printnow_subtotal and printnow_subtotal != subtotal:
            log.warning(
                "buyer %s: PO %s: PrintNow order %s has sub_total %s, the PO's lines %s; "
                "the invoice bills the PO's prices",
                buyer.id,
                po.order_id,
                order.id,
                printnow_subtotal,
                subtotal,
            )
        totals = invoice.InvoiceTotals(
            subtotal=subtotal,
            tax=order.tax_total,
            shipping=order.shipping_total,
            currency=lines[0].currency if lines else "USD",
            discount=order.promotion_total,
        )
        xml = invoice.invoice(
            self.envelope(buyer),
            payload_id=record.payload_id,
            moment=moment,
            invoice_id=number,
            order=self.reference(po),
            lines=invoiced,
            totals=totals,
        )
        return Composed(record, xml)


def shipped_at(value: str | None) -> datetime | None:
    """The order's ``shipped_on`` (UTC, Orders: Get Order) as a moment, or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
