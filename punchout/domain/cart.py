"""Storefront projects to a priced cart, and the cart to the document the buyer receives.

A cart line is one saved design (a PIPO project) with a quantity. Its SupplierPartID is the
product template's integration ID, its SupplierPartAuxiliaryID a signed reference to buyer,
PIPO user and project (:mod:`punchout.domain.references`), and its price, unit, classification and
lead time come from the buyer's price list. The price book's totals guard
(:func:`punchout.domain.pricebook.price_cart`)
refuses a cart with an unpriced line or totals that do
not add up, so such a cart is never sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from punchout.domain.buyers import Buyer
from punchout.domain.pricebook import PriceBook, PricedCart, price_cart
from punchout.domain.references import make_reference
from punchout.domain.sessions import PunchoutSession
from punchout.printnow import Project
from punchout.protocol.cxml import build
from punchout.protocol.cxml.encode import (
    BASE64_FIELD,
    URLENCODED_FIELD,
    cxml_base64,
    cxml_urlencoded,
)
from punchout.runtime.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """A project the user picked for the cart, and how many."""

    project: Project
    quantity: Decimal


@dataclass(frozen=True)
class CartLine:
    """A priced cart line with the reference that brings it back later."""

    project_id: int
    project_name: str
    supplier_part_id: str
    reference: str
    quantity: Decimal
    unit_price: Decimal
    currency: str
    description: str
    unit_of_measure: str
    unspsc: str
    lead_time_days: int
    amount: Decimal
    design: tuple[tuple[str, str], ...] = ()
    """The design's personalisation fields, for long texts."""


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...]
    total: Decimal
    currency: str


def build_cart(
    book: PriceBook,
    buyer: Buyer,
    pipo_user_id: int,
    selections: Sequence[Selection],
    reference_key: bytes | Sequence[bytes],
) -> Cart:
    """Price the selections with the buyer's price list; raises if the cart cannot be sent."""
    priced: PricedCart = price_cart(
        [book.price(buyer.price_book, s.project.external_id, s.quantity) for s in selections]
    )
    lines = []
    dialect = buyer.dialect
    # A urlencoded cart is US-ASCII text (cXML User's Guide, cXML-urlencoded).
    ascii_only = buyer.cart_transport != "base64"
    for selection, line in zip(selections, priced.lines, strict=True):
        project = selection.project
        description = (
            f"{line.description}: {project.name}"
            if project.name and project.name not in line.description
            else line.description
        )
        lines.append(
            CartLine(
                project_id=project.id,
                project_name=project.name,
                supplier_part_id=project.external_id or "",
                reference=make_reference(reference_key, buyer.id, pipo_user_id, project.id),
                quantity=line.quantity,
                unit_price=line.unit_price,
                currency=line.currency,
                description=dialect.description(description, ascii_only=ascii_only),
                unit_of_measure=dialect.unit(line.unit_of_measure),
                unspsc=line.unspsc,
                lead_time_days=line.lead_time_days,
                amount=line.amount,
                design=_design(project),
            )
        )
    return Cart(lines=tuple(lines), total=priced.total, currency=priced.currency)


def _design(project: Project) -> tuple[tuple[str, str], ...]:
    """The personalisation for long texts. PIPO's Project documents no such field: when the
    storefront does not report it, the long text carries the product only, and the log says
    why."""
    if project.fields is None:
        log.info("project %s: the storefront reports no design fields for long texts", project.id)
        return ()
    return tuple(project.fields.items())


def order_message(
    session: PunchoutSession, buyer: Buyer, cart: Cart | None, currency: str
) -> bytes:
    """The PunchOutOrderMessage for ``cart`` (None or empty: an empty cart)."""
    lines = cart.lines if cart else ()
    items = [
        build.CartItem(
            quantity=line.quantity,
            supplier_part_id=line.supplier_part_id,
            supplier_part_auxiliary_id=line.reference,
            unit_price=line.unit_price,
            currency=line.currency,
            description=line.description,
            unit_of_measure=line.unit_of_measure,
            classification_domain="UNSPSC",
            classification_code=line.unspsc,
            lead_time_days=line.lead_time_days,
        )
        for line in lines
    ]
    return build.punchout_order_message(
        buyer_cookie=session.buyer_cookie,
        from_credentials=tuple((d, i) for d, i in session.supplier_credentials),
        to_credentials=tuple((d, i) for d, i in session.buyer_credentials),
        operation_allowed=buyer_operation_allowed(buyer),
        items=items,
        total=cart.total if cart else Decimal("0.00"),
        currency=cart.currency if cart else currency,
        moment=datetime.now(UTC) if buyer.dialect.timestamps == "utc" else None,
    )


def buyer_operation_allowed(buyer: Buyer) -> str:
    """The highest operation the buyer may perform later on this cart."""
    for operation in ("edit", "inspect"):
        if operation in buyer.operations:
            return operation
    return "create"


def cart_fields(buyer: Buyer, document: bytes) -> list[tuple[str, str]]:
    """The form fields that carry the cart, by the buyer's transport, named in lower case.

    The cXML User's Guide calls the names case-insensitive, but buyers' systems and their
    tools read ``cxml-base64`` and ``cxml-urlencoded`` exactly so: every receiver reads these.
    """
    fields = []
    if buyer.cart_transport in ("base64", "both"):
        fields.append((BASE64_FIELD, cxml_base64(document)))
    if buyer.cart_transport in ("urlencoded", "both"):
        fields.append((URLENCODED_FIELD, cxml_urlencoded(document)))
    return fields


def cart_field_names(buyer: Buyer) -> str:
    """The cart's form field names for ``buyer``, as its admin reads them."""
    return {
        "base64": BASE64_FIELD,
        "urlencoded": URLENCODED_FIELD,
        "both": f"{BASE64_FIELD} and {URLENCODED_FIELD}",
    }[buyer.cart_transport]


def offer_key(store: Store, buyer_id: str, reference: str) -> str:
    return store.key("offer", buyer_id, reference)


def remember_offers(store: Store, buyer_id: str, cart: Cart, ttl: int) -> None:
    """Keep what each line was offered at, so the purchase order can be reconciled later."""
    records = {
        offer_key(store, buyer_id, line.reference): {
            "template": line.supplier_part_id,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "currency": line.currency,
            "unit_of_measure": line.unit_of_measure,
        }
        for line in cart.lines
    }
    store.put_many(records, ttl)
