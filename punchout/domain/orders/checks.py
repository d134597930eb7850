"""The checks of a PO's lines, before anything is created: pure functions, no Redis, no PrintNow.

Every line must carry a reference this connector signed for the buyer, match the offer its
cart made (part, and quantity when the buyer reprices nothing), be priced within the buyer's
tolerance of the price book, and, once the PrintNow user's designs are listed, name a design
that still exists with the same part. A refusal names the line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from punchout.domain.buyers import Buyer
from punchout.domain.offers import Offer
from punchout.domain.pricebook import PriceBook, PricedLine, Unpriced
from punchout.domain.references import BadReference, Reference
from punchout.printnow import Project
from punchout.protocol.cxml.model import OrderLine, OrderRequest
from punchout.protocol.numbers import BadNumber, parse_price

from .errors import Postponed, Refused
from .records import Group, Line

#: The most lines one OrderRequest may have. Larger POs get 413, naming the limit: PrintNow
#: orders are built from one call with every project, and a 10,000-line PO is a mistake
#: more often than an order.
MAX_ORDER_LINES = 1000
#: The most characters written to PrintNow as an order's quantities comment.
MAX_COMMENT_CHARS = 4000


@dataclass(frozen=True)
class CheckedLine:
    """A line that passed every check: the ledger's line, and the PrintNow user who orders it
    (its ``group`` is set by :func:`grouped`)."""

    user_id: int
    line: Line


def fingerprint(order: OrderRequest) -> str:
    """What makes two OrderRequests the same order: their lines and money, not ids or times."""
    material = [
        [
            line.line_number,
            line.supplier_part_id,
            line.supplier_part_auxiliary_id,
            str(line.quantity.normalize()),
            str(line.unit_price.normalize()) if line.unit_price is not None else "",
            line.currency,
        ]
        for line in order.lines
    ]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


def check_size(order: OrderRequest) -> None:
    if not order.lines:
        raise Refused(400, f"Order {order.order_id} has no lines.")
    if len(order.lines) > MAX_ORDER_LINES:
        raise Refused(
            413,
            f"Order {order.order_id} has {len(order.lines)} lines; this supplier accepts at most "
            f"{MAX_ORDER_LINES} in one order. Split it into several orders.",
        )


def tolerance_of(buyer: Buyer) -> Decimal:
    """The buyer's price tolerance; a bad one is the supplier's configuration problem."""
    try:
        return parse_price(buyer.price_tolerance, field="price_tolerance")
    except BadNumber as exc:
        raise Postponed(f"buyer {buyer.id}: {exc}") from exc


def line_name(number: int, part: str) -> str:
    return f"Line {number} ({part or 'no part number'})"


def line_reference(line: OrderLine) -> str:
    """The signed reference a PO line carries. OCI buyers' networks may leave the auxiliary
    ID empty and send the reference (EXT_PRODUCT_ID) as the SupplierPartID."""
    return (line.supplier_part_auxiliary_id or line.supplier_part_id).strip()


def check_lines(
    buyer: Buyer,
    order: OrderRequest,
    book: PriceBook,
    offers: Mapping[str, Offer],
    read: Callable[[str], Reference],
) -> list[CheckedLine]:
    """Every line checked against its signed reference (``read``), its cart's offer and the
    price book. ``offers`` maps references to what their cart offered."""
    check_size(order)
    try:
        currency = book.currency(buyer.price_book)
    except Unpriced as exc:
        raise Postponed(f"buyer {buyer.id}: {exc}") from exc
    tolerance = tolerance_of(buyer)
    # Lines of one PO often order the same part in the same quantity: each is priced once.
    prices: dict[tuple[str, Decimal], PricedLine] = {}

    def price(part: str, quantity: Decimal) -> PricedLine:
        priced = prices.get((part, quantity))
        if priced is None:
            priced = prices[part, quantity] = book.price(buyer.price_book, part, quantity)
        return priced

    return [
        _check_line(buyer, line, line.line_number or n, price, currency, tolerance, offers, read)
        for n, line in enumerate(order.lines, start=1)
    ]


def _check_line(
    buyer: Buyer,
    line: OrderLine,
    number: int,
    price: Callable[[str, Decimal], PricedLine],
    currency: str,
    tolerance: Decimal,
    offers: Mapping[str, Offer],
    read: Callable[[str], Reference],
) -> CheckedLine:
    name = line_name(number, line.supplier_part_id)
    reference = line_reference(line)
    try:
        ref = read(reference)
    except BadReference:
        raise Refused(
            400,
            f"{name}: the SupplierPartAuxiliaryID was not issued by this supplier or was "
            "changed. Order the item again through punch-out.",
        ) from None
    if line.unit_price is None:
        raise Refused(400, f"{name} has no unit price.")
    if line.currency and line.currency != currency:
        raise Refused(
            400, f"{name} is priced in {line.currency}; this supplier bills in {currency}."
        )
    part = line.supplier_part_id
    offer = offers.get(reference)
    if reference == line.supplier_part_id:
        if offer is None:
            raise Refused(400, f"{name}: the product of this line is not known; order it again.")
        part = offer.template
    if offer is not None:
        check_offer(buyer, name, part, line.quantity, offer)
    try:
        priced = price(part, line.quantity)
    except Unpriced as exc:
        raise Refused(400, f"{name} cannot be ordered: {exc}.") from exc
    check_price(name, line.unit_price, priced.unit_price, tolerance, currency)
    accepted = Line(
        number=number,
        part=part,
        reference=reference,
        group=0,
        project=ref.project_id,
        quantity=str(line.quantity),
        unit_price=str(line.unit_price),
        currency=currency,
        unit_of_measure=priced.unit_of_measure,
    )
    return CheckedLine(user_id=ref.pipo_user_id, line=accepted)


def check_offer(buyer: Buyer, name: str, part: str, quantity: Decimal, offer: Offer) -> None:
    """The line orders what its cart offered: the same template and, when the buyer does not
    reprice changed quantities, the same quantity (an offer without a readable one matches
    none)."""
    if not offer.template or offer.template != part:
        raise Refused(400, f"{name}: the part number does not match the design.")
    if buyer.quantity_changes != "reject":
        return
    if offer.quantity != quantity:
        raise Refused(
            400,
            f"{name}: the quantity changed from {offer.quantity} to {quantity}. "
            "Change quantities of printed designs by editing the cart in punch-out.",
        )


def grouped(checked: list[CheckedLine]) -> tuple[list[Group], list[Line]]:
    """One group per PrintNow user, in the order users first appear; each line names its group."""
    groups: list[Group] = []
    index: dict[int, int] = {}
    projects: list[set[int]] = []  # each group's projects, for a lookup that is not a scan
    lines = []
    for item in checked:
        number = index.get(item.user_id)
        if number is None:
            number = index[item.user_id] = len(groups)
            groups.append(Group(user=item.user_id, projects=[]))
            projects.append(set())
        line = item.line
        if line.project not in projects[number]:
            projects[number].add(line.project)
            groups[number].projects.append(line.project)
        line.group = number
        lines.append(line)
    return groups, lines


def check_price(
    name: str, price: Decimal, expected: Decimal, tolerance: Decimal, currency: str
) -> None:
    """A unit price within ``tolerance`` of the price book's is accepted (both ends included)."""
    if abs(price - expected) > tolerance:
        raise Refused(
            400,
            f"{name}: the unit price {price} {currency} differs from the supplier's price "
            f"{expected} {currency}.",
        )


def check_projects(lines: list[Line], projects: Mapping[int, Project]) -> None:
    """Each line's design still exists for its PrintNow user, with the same part."""
    for line in lines:
        project = projects.get(line.project)
        name = line_name(line.number, line.part)
        if project is None:
            raise Refused(400, f"{name}: the design no longer exists in the storefront.")
        if project.external_id != line.part:
            raise Refused(400, f"{name}: the part number does not match the design.")


def quantities_comment(order_id: str, lines: list[Line], limit: int = MAX_COMMENT_CHARS) -> str:
    """The quantities and prices to write on a PrintNow order (which has none), at most
    ``limit`` characters: lines that do not fit are counted, not written."""
    reserve = 40  # room for "; and N more lines (see the PO)"
    text = f"PO {order_id}: "
    for n, line in enumerate(lines):
        part = (
            f"line {line.number}: {line.part} x {line.quantity} {line.unit_of_measure} "
            f"at {line.unit_price} {line.currency}"
        )
        last = n == len(lines) - 1
        if len(text) + len(part) + (0 if last else reserve) > limit:
            return text + f"and {len(lines) - n} more lines (see the PO)"
        text += part + ("" if last else "; ")
    return text
