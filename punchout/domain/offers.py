"""Cart offers: what each returned cart line was offered at, kept until its PO arrives.

When a cart goes back to the buyer, each line's offer (template, quantity, unit price,
currency, unit of measure) is kept under the line's signed reference for ``offer_days``. The
purchase order arrives days later and is checked against it (:mod:`punchout.domain.orders`);
an OCI VALIDATE or DETAIL call names a cart line by the same reference.

This module alone reads and writes offers. The stored shape is the one earlier versions
wrote (``template``, and every number as decimal text), so offers written before an upgrade
are read after it, and a process not yet upgraded reads the new ones. A record that is not
an object is no offer; a missing or unreadable field reads as empty (or None for a number),
which no PO line matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from punchout.domain.cart import Cart, CartLine
from punchout.protocol.numbers import BadNumber, parse_price, parse_quantity
from punchout.runtime.store import Pending, Reads, Store


@dataclass(frozen=True)
class Offer:
    """One cart line as the buyer was offered it."""

    template: str
    """The product template's integration ID (the line's SupplierPartID)."""
    quantity: Decimal | None
    """None when the stored record carries no readable quantity."""
    unit_price: Decimal | None
    currency: str = ""
    unit_of_measure: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "template": self.template,
            "quantity": "" if self.quantity is None else str(self.quantity),
            "unit_price": "" if self.unit_price is None else str(self.unit_price),
            "currency": self.currency,
            "unit_of_measure": self.unit_of_measure,
        }

    @classmethod
    def of(cls, line: CartLine) -> Offer:
        """The offer a cart line makes."""
        priced = line.priced
        return cls(
            priced.template,
            priced.quantity,
            priced.unit_price,
            priced.currency,
            priced.unit_of_measure,
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Offer:
        return cls(
            template=_text(data.get("template")),
            quantity=_number(data.get("quantity"), parse_quantity),
            unit_price=_number(data.get("unit_price"), parse_price),
            currency=_text(data.get("currency")),
            unit_of_measure=_text(data.get("unit_of_measure")),
        )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(value: object, parse: Callable[[str], Decimal]) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        return parse(value)
    except BadNumber:
        return None


class Offers:
    """The offers of every buyer, under ``offer:<buyer>:<reference>`` keys of the one Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _key(self, buyer_id: str, reference: str) -> str:
        return self.store.key("offer", buyer_id, reference)

    def remember(self, buyer_id: str, cart: Cart, ttl: int) -> None:
        """Keep each line's offer for ``ttl`` seconds, in one command (Store.put_many)."""
        offers = {
            self._key(buyer_id, line.reference): Offer.of(line).to_json() for line in cart.lines
        }
        self.store.put_many(offers, ttl)

    def find(self, buyer_id: str, reference: str) -> Offer | None:
        """The offer of the cart line ``reference``; None when unknown, expired or unreadable."""
        return _offer(self.store.get(self._key(buyer_id, reference)))

    def find_many(self, buyer_id: str, references: Iterable[str]) -> dict[str, Offer]:
        """The offers found for ``references``, read in one round trip (MGET)."""
        reads = Reads(self.store.redis)
        found = self.queue_find_many(reads, buyer_id, references)
        reads.send()
        return found.value()

    def queue_find_many(
        self, reads: Reads, buyer_id: str, references: Iterable[str]
    ) -> Pending[dict[str, Offer]]:
        """:meth:`find_many` queued on ``reads``, to share their round trip."""
        wanted = sorted(set(references))
        found = reads.get_many([self._key(buyer_id, r) for r in wanted])

        def offers() -> dict[str, Offer]:
            read = {r: _offer(record) for r, record in zip(wanted, found.value(), strict=True)}
            return {r: offer for r, offer in read.items() if offer is not None}

        return Pending(offers)


def _offer(record: object) -> Offer | None:
    return Offer.from_json(record) if isinstance(record, dict) else None
