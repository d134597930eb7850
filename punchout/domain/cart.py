"""Storefront projects to a priced cart, and the cart to the form the buyer's system receives.

A cart line is one saved design (a PIPO project) with a quantity. Its SupplierPartID is the
product template's integration ID, its SupplierPartAuxiliaryID a signed reference to buyer,
PIPO user and project (:mod:`punchout.domain.references`), and its price, unit,
classification and lead time come from the buyer's price list. The price book's totals guard
(:func:`punchout.domain.pricebook.price_cart`) refuses a cart with an unpriced line or totals
that do not add up, so such a cart is never sent.

The cart travels as a :class:`CartForm`: a PunchOutOrderMessage in the cXML cart fields, or
OCI NEW_ITEM fields. The protocol modules build the documents; this module fills them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from punchout.domain.buyers import Buyer
from punchout.domain.pricebook import PriceBook, PricedCart, PricedLine, price_cart
from punchout.domain.references import ReferenceSigner
from punchout.domain.sessions import PunchoutSession
from punchout.printnow import Project
from punchout.protocol import oci
from punchout.protocol.cxml import build
from punchout.protocol.cxml.encode import (
    BASE64_FIELD,
    URLENCODED_FIELD,
    cxml_base64,
    cxml_urlencoded,
)
from punchout.protocol.numbers import MAX_QUANTITY, BadNumber, parse_decimal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """A project the user picked for the cart, and how many."""

    project: Project
    quantity: Decimal


@dataclass(frozen=True)
class CartLine:
    """One priced cart line: a saved design, its price book line (description and unit of
    measure as the buyer's dialect writes them) and the signed reference that brings it back
    later. Its SupplierPartID is the priced template, the design's integration ID."""

    project: Project
    reference: str
    priced: PricedLine

    @property
    def design(self) -> tuple[tuple[str, str], ...]:
        """The design's personalisation fields, for long texts (none when not reported)."""
        return tuple(self.project.fields.items()) if self.project.fields else ()


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
    """Price the selections with the buyer's price list; raises if the cart cannot be sent.

    Designs of one product at one quantity (a card for each of a team) share their priced
    line: each product, quantity (as written: 1 and 1.0 are told apart) and unit of measure
    is looked up once per cart."""
    keys = [(s.project.external_id, str(s.quantity)) for s in selections]
    prices: dict[tuple[str | None, str], PricedLine] = {}
    for key, s in zip(keys, selections, strict=True):
        if key not in prices:
            prices[key] = book.price(buyer.price_book, s.project.external_id, s.quantity)
    priced: PricedCart = price_cart([prices[key] for key in keys])
    lines = []
    dialect = buyer.dialect
    units = {
        code: dialect.unit(code) for code in {line.unit_of_measure for line in prices.values()}
    }
    signer = ReferenceSigner(reference_key, buyer.id)
    # A urlencoded cart is US-ASCII text (cXML User's Guide, cXML-urlencoded).
    ascii_only = buyer.cart_transport != "base64"
    for selection, line in zip(selections, priced.lines, strict=True):
        project = selection.project
        if project.fields is None:
            # PIPO's Project documents no such field: the long text carries the product only.
            log.info(
                "project %s: the storefront reports no design fields for long texts", project.id
            )
        description = (
            f"{line.description}: {project.name}"
            if project.name and project.name not in line.description
            else line.description
        )
        worded = PricedLine(  # the line in the buyer's words (dataclasses.replace costs more)
            template=line.template,
            quantity=line.quantity,
            unit_price=line.unit_price,
            currency=line.currency,
            description=dialect.description(description, ascii_only=ascii_only),
            unit_of_measure=units[line.unit_of_measure],
            unspsc=line.unspsc,
            lead_time_days=line.lead_time_days,
            amount=line.amount,
        )
        reference = signer.sign(pipo_user_id, project.id)
        lines.append(CartLine(project=project, reference=reference, priced=worded))
    return Cart(lines=tuple(lines), total=priced.total, currency=priced.currency)


def order_message(
    session: PunchoutSession, buyer: Buyer, cart: Cart | None, currency: str
) -> bytes:
    """The PunchOutOrderMessage for ``cart`` (None or empty: an empty cart)."""
    lines = cart.lines if cart else ()
    items = [
        build.CartItem(
            quantity=line.priced.quantity,
            supplier_part_id=line.priced.template,
            supplier_part_auxiliary_id=line.reference,
            unit_price=line.priced.unit_price,
            currency=line.priced.currency,
            description=line.priced.description,
            unit_of_measure=line.priced.unit_of_measure,
            classification_domain="UNSPSC",
            classification_code=line.priced.unspsc,
            lead_time_days=line.priced.lead_time_days,
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


@dataclass(frozen=True)
class CartForm:
    """The form that carries a cart (or an OCI answer) to the buyer's system through the
    user's browser: posted to ``action`` into the frame ``target``, in ``charset``."""

    action: str
    target: str
    fields: tuple[tuple[str, str], ...]
    charset: str
    cart: Cart | None = None
    """The cart it carries, for the page's summary (None: none, or not a cart)."""


def cart_form(
    session: PunchoutSession, buyer: Buyer, return_url: str, cart: Cart | None, book: PriceBook
) -> CartForm:
    """The form that returns ``cart`` (None: an empty cart) to the approved ``return_url``:
    a PunchOutOrderMessage (cXML) or NEW_ITEM fields (OCI) into the frame the buyer named
    (cXML ReturnFrame, OCI ``~TARGET``) or the whole window."""
    if session.protocol == "oci":
        items = [oci_item(line, session.customer_id) for line in (cart.lines if cart else ())]
        return oci_form(
            return_url,
            session.return_target or "_top",
            oci.new_item_fields(items, buyer.oci.cust_fields),
            session.extra.get("charset", ""),
            cart=cart,
        )
    currency = cart.currency if cart else book.currency(buyer.price_book)
    document = order_message(session, buyer, cart, currency)
    fields = tuple(cart_fields(buyer, document))
    return CartForm(return_url, session.return_target or "_self", fields, "utf-8", cart)


def oci_form(
    hook_url: str,
    target: str,
    fields: Sequence[tuple[str, str]],
    requested_charset: str,
    *,
    cart: Cart | None = None,
) -> CartForm:
    """An OCI form to ``hook_url``: its query travels as hidden inputs, in the charset the
    buyer asked for when that carries every character, UTF-8 otherwise."""
    action, hidden = oci.hook_form(hook_url)
    charset, all_fields = oci.choose_charset(requested_charset, [*hidden, *fields])
    if requested_charset and charset != requested_charset.lower():
        log.info("OCI form sent as %s: %s cannot carry every character", charset, requested_charset)
    return CartForm(action, target, tuple(all_fields), charset, cart)


def oci_item(line: CartLine, pipo_user_id: int) -> oci.OciItem:
    """A cart line as an OCI NEW_ITEM: the design's fields in the long text, and project,
    PIPO user, lead time, template and design name in the custom fields."""
    design = "; ".join(f"{name}: {value}" for name, value in line.design if value)
    priced, project = line.priced, line.project
    return oci.OciItem(
        description=project.name or priced.description,
        quantity=priced.quantity,
        unit=priced.unit_of_measure,
        price=priced.unit_price,
        currency=priced.currency,
        lead_time_days=priced.lead_time_days,
        vendormat=priced.template,
        ext_product_id=line.reference,
        unspsc=priced.unspsc,
        long_text=f"{priced.description}. Design: {design}" if design else priced.description,
        custom=(
            str(project.id),
            str(pipo_user_id),
            str(priced.lead_time_days),
            priced.template,
            project.name,
        ),
    )


def quantity_error(raw: str) -> str:
    """Why ``raw`` is not a quantity a cart line can have; empty when it is fine."""
    read = read_quantity(raw)
    return read if isinstance(read, str) else ""


def read_quantity(raw: str) -> Decimal | str:
    """The quantity ``raw`` says, or why it is not one a cart line can have."""
    try:
        quantity = parse_decimal(raw, field="quantity", places=3)  # the range: next line
    except BadNumber:
        return f"“{raw.strip()[:40]}” is not a quantity: enter a whole number."
    if quantity != quantity.to_integral_value() or not 1 <= quantity <= MAX_QUANTITY:
        return f"Quantities must be whole numbers from 1 to {MAX_QUANTITY:,}."
    return quantity


def cart_field_names(buyer: Buyer) -> str:
    """The cart's form field names for ``buyer``, as its admin reads them."""
    return {
        "base64": BASE64_FIELD,
        "urlencoded": URLENCODED_FIELD,
        "both": f"{BASE64_FIELD} and {URLENCODED_FIELD}",
    }[buyer.cart_transport]
