"""The invoice the supplier sends against a purchase order: InvoiceDetailRequest.

Declared in ``InvoiceDetail.dtd`` (cXML User's Guide, "Invoices"). One invoice per supplier
order: an InvoiceDetailRequestHeader (``invoiceID``, ``invoiceDate``, ``purpose="standard"``),
one InvoiceDetailOrder whose InvoiceDetailOrderInfo holds the OrderReference (the PO's
orderID and the OrderRequest's payloadID) and one InvoiceDetailItem per PO line invoiced
(InvoiceDetailItemReference ``lineNumber``), then the InvoiceDetailSummary. Tax and shipping
are invoiced at header level, as the empty InvoiceDetailLineIndicator says: the summary's
Tax and ShippingAmount; a discount is the summary's InvoiceDetailDiscount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from punchout.protocol.cxml.build import quantity, timestamp
from punchout.protocol.cxml.envelope import (
    INVOICE_DTD,
    Envelope,
    OrderRef,
    lang_sub,
    money_sub,
    order_reference,
    request,
    serialize,
    sub,
)


@dataclass(frozen=True)
class InvoiceLine:
    """A PO line invoiced: quantity, unit, unit price and the line's amount."""

    line_number: int
    quantity: Decimal
    unit_of_measure: str
    unit_price: Decimal
    subtotal: Decimal
    supplier_part_id: str = ""
    description: str = ""


@dataclass(frozen=True)
class InvoiceTotals:
    """The supplier order's totals: the lines' sum, tax, shipping and any discount."""

    subtotal: Decimal
    tax: Decimal
    shipping: Decimal
    currency: str
    discount: Decimal = Decimal(0)

    @property
    def gross(self) -> Decimal:
        return self.subtotal + self.tax + self.shipping

    @property
    def net(self) -> Decimal:
        return self.gross - self.discount


def invoice(
    envelope: Envelope,
    *,
    payload_id: str,
    moment: datetime,
    invoice_id: str,
    order: OrderRef,
    lines: Sequence[InvoiceLine],
    totals: InvoiceTotals,
) -> bytes:
    """An InvoiceDetailRequest for the lines of ``order`` one supplier order delivered."""
    if not lines:
        raise ValueError("an invoice names at least one line")
    if not invoice_id.strip():
        raise ValueError("an invoice needs an invoice number")
    currency = totals.currency
    root, req = request(envelope, payload_id=payload_id, moment=moment)
    body = sub(req, "InvoiceDetailRequest")
    header = sub(
        body,
        "InvoiceDetailRequestHeader",
        invoiceID=invoice_id,
        purpose="standard",
        operation="new",
        invoiceDate=timestamp(moment),
    )
    sub(header, "InvoiceDetailHeaderIndicator")
    sub(header, "InvoiceDetailLineIndicator")
    detail = sub(body, "InvoiceDetailOrder")
    order_reference(sub(detail, "InvoiceDetailOrderInfo"), order)
    for number, line in enumerate(lines, start=1):
        item = sub(
            detail,
            "InvoiceDetailItem",
            invoiceLineNumber=str(number),
            quantity=quantity(line.quantity),
        )
        sub(item, "UnitOfMeasure", line.unit_of_measure)
        money_sub(item, "UnitPrice", line.unit_price, currency)
        reference = sub(item, "InvoiceDetailItemReference", lineNumber=str(line.line_number))
        if line.supplier_part_id:
            sub(sub(reference, "ItemID"), "SupplierPartID", line.supplier_part_id)
        if line.description:
            lang_sub(reference, "Description", line.description)
        money_sub(item, "SubtotalAmount", line.subtotal, currency)
    summary = sub(body, "InvoiceDetailSummary")
    money_sub(summary, "SubtotalAmount", totals.subtotal, currency)
    tax = money_sub(summary, "Tax", totals.tax, currency)
    lang_sub(tax, "Description", "Tax")
    money_sub(summary, "ShippingAmount", totals.shipping, currency)
    money_sub(summary, "GrossAmount", totals.gross, currency)
    if totals.discount:
        money_sub(summary, "InvoiceDetailDiscount", totals.discount, currency)
    money_sub(summary, "NetAmount", totals.net, currency)
    money_sub(summary, "DueAmount", totals.net, currency)
    return serialize(root, INVOICE_DTD)
