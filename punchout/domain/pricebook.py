"""The price book: what each storefront template costs a buyer, and how it is described.

One TOML file with named price lists (a buyer names its list in the registry). Each item is
a product template's integration ID with its description, UN/CEFACT unit of measure, UNSPSC
code, lead time and quantity-break unit prices. Money is :class:`~decimal.Decimal` all the
way; a cart is only sent when every line is priced in one currency and the total adds up.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from punchout.errors import ConnectorError
from punchout.protocol.numbers import MAX_QUANTITY

CENT = Decimal("0.01")
#: UN/CEFACT Recommendation 20 codes (and the common Rec. 21 ones) accepted in the book.
UNITS = frozenset({"EA", "BX", "PK", "RO", "ST", "SET", "C62", "H87", "PCE", "RM", "PAD", "BK"})
#: The units' names as a person reads them next to a price.
UNIT_NAMES = {
    "EA": "each",
    "BX": "box",
    "PK": "pack",
    "RO": "roll",
    "ST": "sheet",
    "SET": "set",
    "C62": "piece",
    "H87": "piece",
    "PCE": "piece",
    "RM": "ream",
    "PAD": "pad",
    "BK": "book",
}
_UNSPSC = re.compile(r"^\d{8}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class PriceBookError(ConnectorError, ValueError):
    """The price book cannot be used; ``problems`` lists everything wrong (for the operator:
    a request that meets it is answered as an unexpected failure)."""

    def __init__(self, source: Path | str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class Unpriced(ValueError):
    """A template or quantity the buyer's price list has no price for."""


class CartRejected(ValueError):
    """A cart whose lines do not make a consistent, priced total."""


@dataclass(frozen=True)
class PriceItem:
    template: str
    description: str
    unit_of_measure: str
    unspsc: str
    lead_time_days: int
    breaks: tuple[tuple[Decimal, Decimal], ...]
    """(minimum quantity, unit price), smallest minimum first."""
    pack: str = ""
    """What one unit holds, as the buyer reads it ("box of 500"); empty: one piece."""

    @property
    def sold_per(self) -> str:
        """What one unit price buys: the pack, else the unit's name ("box", "each")."""
        return self.pack or UNIT_NAMES.get(self.unit_of_measure, self.unit_of_measure)

    def unit_price(self, quantity: Decimal) -> Decimal | None:
        price = None
        for minimum, unit in self.breaks:
            if quantity >= minimum:
                price = unit
        return price


@dataclass(frozen=True)
class PriceList:
    name: str
    currency: str
    items: dict[str, PriceItem]


@dataclass(frozen=True)
class PricedLine:
    template: str
    quantity: Decimal
    unit_price: Decimal
    currency: str
    description: str
    unit_of_measure: str
    unspsc: str
    lead_time_days: int
    amount: Decimal


@dataclass(frozen=True)
class PricedCart:
    lines: tuple[PricedLine, ...]
    total: Decimal
    currency: str


@dataclass(frozen=True)
class PriceBook:
    lists: dict[str, PriceList]

    @classmethod
    def load(cls, path: Path) -> PriceBook:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise PriceBookError(path, [f"cannot be read: {exc}"]) from None
        except tomllib.TOMLDecodeError as exc:
            raise PriceBookError(path, [f"is not valid TOML: {exc}"]) from None
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: Path | str = "<price book>") -> PriceBook:
        problems: list[str] = []
        lists = {}
        raw_lists = data.get("lists")
        if not isinstance(raw_lists, dict) or not raw_lists:
            raise PriceBookError(source, ["[lists.<name>] tables are missing"])
        for name, raw in raw_lists.items():
            price_list = _price_list(str(name), raw, problems)
            if price_list:
                lists[price_list.name] = price_list
        for name, raw in raw_lists.items():
            base = raw.get("extends") if isinstance(raw, dict) else None
            if base is None or name not in lists:
                continue
            parent = lists.get(str(base))
            if parent is None or isinstance(raw_lists[base].get("extends"), str):
                problems.append(f"lists.{name}.extends must name a list that extends no other")
                continue
            own = lists[name]
            if own.currency not in ("", parent.currency):
                problems.append(f"lists.{name} must use the currency of {base}")
                continue
            lists[name] = PriceList(name, parent.currency, {**parent.items, **own.items})
        if problems:
            raise PriceBookError(source, problems)
        return cls(lists)

    def _list(self, name: str) -> PriceList:
        try:
            return self.lists[name]
        except KeyError:
            raise Unpriced(f"there is no price list {name!r}") from None

    def currency(self, list_name: str) -> str:
        return self._list(list_name).currency

    def items(self, list_name: str) -> list[PriceItem]:
        return sorted(self._list(list_name).items.values(), key=lambda i: i.template)

    def item(self, list_name: str, template: str) -> PriceItem | None:
        return self._list(list_name).items.get(template)

    def search(self, list_name: str, text: str) -> list[PriceItem]:
        """Items whose template or description contains every word of ``text``."""
        words = text.casefold().split()
        return [
            i
            for i in self.items(list_name)
            if all(w in f"{i.template} {i.description}".casefold() for w in words)
        ]

    def price(self, list_name: str, template: str | None, quantity: Decimal) -> PricedLine:
        """The priced line for ``quantity`` of ``template``, or :class:`Unpriced` saying why."""
        price_list = self._list(list_name)
        item = price_list.items.get(template or "")
        if item is None:
            raise Unpriced(f"the product {template or '(none)'} has no price in {list_name!r}")
        if not quantity.is_finite() or quantity <= 0 or quantity != quantity.to_integral_value():
            raise Unpriced(f"the quantity {quantity} of {template} is not a whole positive number")
        if quantity > MAX_QUANTITY:
            raise Unpriced(f"the quantity {quantity} of {template} is larger than can be ordered")
        unit = item.unit_price(quantity)
        if unit is None:
            smallest = item.breaks[0][0]
            raise Unpriced(f"{template} is sold from {smallest} {item.unit_of_measure}")
        return PricedLine(
            template=item.template,
            quantity=quantity,
            unit_price=unit,
            currency=price_list.currency,
            description=item.description,
            unit_of_measure=item.unit_of_measure,
            unspsc=item.unspsc,
            lead_time_days=item.lead_time_days,
            amount=(unit * quantity).quantize(CENT, ROUND_HALF_UP),
        )


def price_cart(lines: Sequence[PricedLine]) -> PricedCart:
    """The cart's total; :class:`CartRejected` when lines disagree on currency or sums."""
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise CartRejected(f"the cart mixes currencies: {', '.join(sorted(currencies))}")
    for line in lines:
        if line.amount != (line.unit_price * line.quantity).quantize(CENT, ROUND_HALF_UP):
            raise CartRejected(f"the amount of {line.template} does not match its price")
        if line.unit_price < 0:
            raise CartRejected(f"{line.template} has a negative price")
    total = sum((line.amount for line in lines), Decimal("0")).quantize(CENT)
    return PricedCart(tuple(lines), total, currencies.pop() if currencies else "")


def _price_list(name: str, raw: Any, problems: list[str]) -> PriceList | None:
    where = f"lists.{name}"
    if not isinstance(raw, dict):
        problems.append(f"{where} must be a table")
        return None
    before = len(problems)
    currency = raw.get("currency")
    if currency is None and isinstance(raw.get("extends"), str):
        currency = ""  # filled from the list it extends
    elif not isinstance(currency, str) or not _CURRENCY.match(currency):
        problems.append(f"{where}.currency must be an ISO 4217 code such as USD")
        currency = ""
    items = {}
    raw_items = raw.get("items", [])
    if not isinstance(raw_items, list) or (not raw_items and "extends" not in raw):
        problems.append(f"{where} needs [[{where}.items]]")
        raw_items = []
    for n, item in enumerate(raw_items, start=1):
        parsed = _item(f"{where}.items[{n}]", item, problems)
        if parsed:
            if parsed.template in items:
                problems.append(f"{where}: {parsed.template} is priced twice")
            items[parsed.template] = parsed
    if len(problems) != before:
        return None
    return PriceList(name=name, currency=str(currency), items=items)


def _item(where: str, raw: Any, problems: list[str]) -> PriceItem | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} must be a table")
        return None
    before = len(problems)
    template = str(raw.get("template", "")).strip()
    if not template:
        problems.append(f"{where}.template is missing")
    description = str(raw.get("description", "")).strip()
    if not description:
        problems.append(f"{where}.description is missing")
    unit = str(raw.get("unit_of_measure", "")).strip()
    if unit not in UNITS:
        problems.append(
            f"{where}.unit_of_measure {unit!r} is not a UN/CEFACT code we accept "
            f"({', '.join(sorted(UNITS))})"
        )
    unspsc = str(raw.get("unspsc", "")).strip()
    if not _UNSPSC.match(unspsc):
        problems.append(f"{where}.unspsc must be an 8-digit UNSPSC code")
    lead = raw.get("lead_time_days", 0)
    if isinstance(lead, bool) or not isinstance(lead, int) or lead < 0:
        problems.append(f"{where}.lead_time_days must be a whole number of days")
        lead = 0
    pack = raw.get("pack", "")
    if not isinstance(pack, str) or len(pack) > 60:
        problems.append(f'{where}.pack must be a short text such as "box of 500"')
        pack = ""
    breaks = []
    prices = raw.get("prices")
    if not isinstance(prices, dict) or not prices:
        problems.append(
            f'{where}.prices must map minimum quantities to prices, e.g. {{"1" = "9.50"}}'
        )
        prices = {}
    for minimum, unit_price in prices.items():
        try:
            low, price = Decimal(str(minimum)), Decimal(str(unit_price))
        except InvalidOperation:
            problems.append(f"{where}.prices: {minimum!r} = {unit_price!r} is not a number pair")
            continue
        if low < 1 or price < 0 or not price.is_finite():
            problems.append(f"{where}.prices: {minimum} = {unit_price} is out of range")
            continue
        breaks.append((low, price))
    if len(problems) != before:
        return None
    return PriceItem(
        template=template,
        description=description,
        unit_of_measure=unit,
        unspsc=unspsc,
        lead_time_days=int(lead),
        breaks=tuple(sorted(breaks)),
        pack=pack.strip(),
    )
