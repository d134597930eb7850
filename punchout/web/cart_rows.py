"""The rows of the cart review: each saved design with its price at the quantity shown.

Prices come from the buyer's price list, price breaks applied, exactly as the returned cart
will carry them (:meth:`punchout.domain.pricebook.PriceBook.price`). Each row also carries its price
breaks, so the page's script can update line totals and the cart total as the user types;
the "Update totals" button does the same without a script.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from punchout.domain.cart import quantity_error
from punchout.domain.pricebook import CENT, PriceBook, Unpriced
from punchout.domain.sessions import PunchoutSession
from punchout.printnow import Project
from punchout.protocol.numbers import parse_quantity


@dataclass(frozen=True)
class Typed:
    """What the user had on the page: ticks and typed quantities (None: nothing posted)."""

    selected: frozenset[int] | None = None
    quantities: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    project: Project
    selected: bool
    is_new: bool
    quantity: str
    error: str
    unit_price: Decimal | None
    amount: Decimal | None
    sold_per: str
    breaks: str
    """The price breaks as JSON ``[[minimum, unit price], ...]`` for the page's script."""


@dataclass(frozen=True)
class Rows:
    rows: list[Row]
    total: Decimal
    currency: str

    @property
    def selected_count(self) -> int:
        return sum(1 for r in self.rows if r.selected)


def cart_rows(
    book: PriceBook,
    list_name: str,
    session: PunchoutSession,
    projects: Sequence[Project],
    typed: Typed,
    errors: Mapping[int, str],
) -> Rows:
    """The rows in display order (ticked first, newest first), with the ticked rows' total."""
    restored = {item.project_id: item.quantity for item in session.restored_items}
    currency = book.currency(list_name) if list_name in book.lists else ""
    rows = []
    for project in projects:
        is_new = project.id not in session.known_project_ids and project.id not in restored
        if typed.selected is None:
            selected = is_new or project.id in restored
        else:
            selected = project.id in typed.selected
        quantity = typed.quantities.get(project.id, restored.get(project.id, "1"))
        item = book.item(list_name, project.external_id or "") if currency else None
        unit_price = amount = None
        if item is not None and not quantity_error(quantity):
            try:
                line = book.price(list_name, project.external_id, parse_quantity(quantity))
                unit_price, amount = line.unit_price, line.amount
            except Unpriced:
                pass
        rows.append(
            Row(
                project=project,
                selected=selected,
                is_new=is_new,
                quantity=quantity,
                error=errors.get(project.id, ""),
                unit_price=unit_price,
                amount=amount,
                sold_per=item.sold_per if item else "",
                breaks=json.dumps([[str(m), str(p)] for m, p in item.breaks]) if item else "[]",
            )
        )
    rows.sort(key=lambda r: (not r.selected, -r.project.id))
    total = sum((r.amount for r in rows if r.selected and r.amount is not None), Decimal(0))
    return Rows(rows, total.quantize(CENT), currency)
