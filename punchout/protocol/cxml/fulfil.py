"""Order confirmations, ship notices and status updates the supplier sends after an order.

- ConfirmationRequest (``Fulfill.dtd``; cXML User's Guide, "ConfirmationRequest"): the
  ConfirmationHeader ``type`` is ``accept`` (the whole order as ordered), ``detail`` (each
  line in a ConfirmationItem whose ConfirmationStatus carries the quantity and the expected
  ``shipmentDate``) or ``reject`` (with Comments saying why). The OrderReference names the
  PO's orderID and the OrderRequest's payloadID.
- ShipNoticeRequest (``Fulfill.dtd``; "ShipNoticeRequest"): one per shipment, with a
  ShipNoticeHeader (``shipmentID``, ``noticeDate``, ``shipmentDate``), a ShipControl when
  tracking numbers are known (CarrierIdentifier and one ShipmentIdentifier per number: the
  DTD requires at least one), and a ShipNoticePortion with the OrderReference and one
  ShipNoticeItem per line shipped.
- StatusUpdateRequest (``cXML.dtd``; "StatusUpdateRequest"): a DocumentReference to the
  OrderRequest and a Status whose text says the order's new status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from punchout.protocol.cxml.build import money, quantity, timestamp
from punchout.protocol.cxml.envelope import (
    BASE_DTD,
    FULFIL_DTD,
    Envelope,
    OrderRef,
    lang_sub,
    order_reference,
    request,
    serialize,
    sub,
)

ConfirmationKind = Literal["accept", "detail", "reject"]


@dataclass(frozen=True)
class ConfirmedLine:
    """One PO line as confirmed: the quantity, its unit and, when known, the expected
    shipment date and the unit price."""

    line_number: int
    quantity: Decimal
    unit_of_measure: str
    ship_date: datetime | None = None
    unit_price: Decimal | None = None
    currency: str = ""


def confirmation(
    envelope: Envelope,
    *,
    payload_id: str,
    moment: datetime,
    order: OrderRef,
    confirm_id: str,
    kind: ConfirmationKind,
    lines: Sequence[ConfirmedLine] = (),
    reason: str = "",
) -> bytes:
    """A ConfirmationRequest of ``kind`` for ``order`` (``lines`` for ``detail``, ``reason``
    for ``reject``)."""
    if kind == "detail" and not lines:
        raise ValueError("a detail confirmation confirms at least one line")
    if kind == "reject" and not reason.strip():
        raise ValueError("a rejection says why")
    root, req = request(envelope, payload_id=payload_id, moment=moment)
    body = sub(req, "ConfirmationRequest")
    header = sub(
        body,
        "ConfirmationHeader",
        type=kind,
        noticeDate=timestamp(moment),
        confirmID=confirm_id,
        operation="new",
    )
    if reason:
        lang_sub(header, "Comments", reason)
    order_reference(body, order)
    for line in lines if kind == "detail" else ():
        item = sub(
            body,
            "ConfirmationItem",
            quantity=quantity(line.quantity),
            lineNumber=str(line.line_number),
        )
        sub(item, "UnitOfMeasure", line.unit_of_measure)
        status = sub(
            item,
            "ConfirmationStatus",
            type="accept",
            quantity=quantity(line.quantity),
            shipmentDate=timestamp(line.ship_date) if line.ship_date else None,
        )
        sub(status, "UnitOfMeasure", line.unit_of_measure)
        if line.unit_price is not None and line.currency:
            price = sub(status, "UnitPrice")
            sub(price, "Money", money(line.unit_price), currency=line.currency)
    return serialize(root, FULFIL_DTD)


@dataclass(frozen=True)
class Shipment:
    """One shipment: its id, when it left, the carrier and service and any tracking numbers."""

    shipment_id: str
    shipped_at: datetime
    carrier: str = ""
    service: str = ""
    tracking_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShippedLine:
    """A PO line in a shipment."""

    line_number: int
    quantity: Decimal
    unit_of_measure: str
    supplier_part_id: str = ""


def ship_notice(
    envelope: Envelope,
    *,
    payload_id: str,
    moment: datetime,
    order: OrderRef,
    shipment: Shipment,
    lines: Sequence[ShippedLine],
) -> bytes:
    """A ShipNoticeRequest for one shipment of ``order``."""
    if not lines:
        raise ValueError("a ship notice names at least one line shipped")
    root, req = request(envelope, payload_id=payload_id, moment=moment)
    body = sub(req, "ShipNoticeRequest")
    header = sub(
        body,
        "ShipNoticeHeader",
        shipmentID=shipment.shipment_id,
        operation="new",
        noticeDate=timestamp(moment),
        shipmentDate=timestamp(shipment.shipped_at),
        shipmentType="actual",
    )
    if shipment.service:
        lang_sub(header, "ServiceLevel", shipment.service)
    if shipment.carrier and not shipment.tracking_numbers:
        lang_sub(header, "Comments", f"Carrier: {shipment.carrier}")
    if shipment.tracking_numbers:
        control = sub(body, "ShipControl")
        sub(control, "CarrierIdentifier", shipment.carrier or "unknown", domain="companyName")
        for number in shipment.tracking_numbers:
            sub(control, "ShipmentIdentifier", number, domain="trackingNumber")
    portion = sub(body, "ShipNoticePortion")
    order_reference(portion, order)
    for line in lines:
        item = sub(
            portion,
            "ShipNoticeItem",
            quantity=quantity(line.quantity),
            lineNumber=str(line.line_number),
        )
        if line.supplier_part_id:
            sub(sub(item, "ItemID"), "SupplierPartID", line.supplier_part_id)
        sub(item, "UnitOfMeasure", line.unit_of_measure)
    return serialize(root, FULFIL_DTD)


def status_update(
    envelope: Envelope,
    *,
    payload_id: str,
    moment: datetime,
    order: OrderRef,
    status: str,
    detail: str = "",
) -> bytes:
    """A StatusUpdateRequest saying the order ``order`` is now in ``status``."""
    root, req = request(envelope, payload_id=payload_id, moment=moment)
    body = sub(req, "StatusUpdateRequest")
    sub(body, "DocumentReference", payloadID=order.payload_id)
    text = f"Order {order.order_id}: {status}" + (f" ({detail})" if detail else "")
    lang_sub(body, "Status", text, code="200", text="OK")
    sub(body, "Extrinsic", status, name="SupplierOrderStatus")
    return serialize(root, BASE_DTD)
