"""The one parser for numbers that come from outside: cXML, OCI forms, the cart page, settings.

Every quantity, price, line number and count a buyer, a browser or a file sends is read here,
so each is checked the same way before any arithmetic sees it:

- ASCII digits only (``²`` and other Unicode digits are refused, as are ``NaN``, ``sNaN``,
  ``Infinity`` and exponents such as ``1e999999999``, which overflow ``Decimal`` arithmetic);
- a dot as the decimal mark and no grouping: ``1,5`` is refused rather than read as 15 or 1.5,
  since the two readings differ by a factor of ten (the cXML User's Guide writes amounts
  with a dot and no thousands separator);
- a bounded number of digits before and after the dot, then the caller's bounds.

A refusal is :class:`BadNumber`, a ``ValueError`` that names the field and says what a valid
value looks like, for a 400 cXML Status or a page that names the line.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Largest quantity one line may carry, and the largest unit price or amount read.
MAX_QUANTITY = Decimal(1_000_000)
MAX_AMOUNT = Decimal(1_000_000_000)

_MAX_TEXT = 40
_INTEGER_DIGITS = 15
_FRACTION_DIGITS = 6
_DECIMAL = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]*))?|([+-]?)\.([0-9]+)", re.ASCII)
_INTEGER = re.compile(r"[0-9]+", re.ASCII)
#: The shape nearly every number has: unsigned, short enough that no digit bound applies.
_PLAIN = re.compile(
    rf"[0-9]{{1,{_INTEGER_DIGITS}}}(?:\.([0-9]{{0,{_FRACTION_DIGITS}}}))?", re.ASCII
)
_ZERO = Decimal(0)


class BadNumber(ValueError):
    """A number from outside that is not a plain, bounded decimal."""

    def __init__(self, field: str, text: str, why: str) -> None:
        shown = text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "..."
        super().__init__(f"{field} {shown!r} {why}")
        self.field = field
        self.why = why


def parse_decimal(
    text: str | None,
    *,
    field: str,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    places: int = _FRACTION_DIGITS,
    allow_negative: bool = False,
) -> Decimal:
    """``text`` as a ``Decimal`` within ``[minimum, maximum]`` with at most ``places`` decimals."""
    raw = "" if text is None else str(text)
    stripped = raw.strip()
    plain = _PLAIN.fullmatch(stripped)
    if plain is not None and len(plain.group(1) or "") <= places:
        # Unsigned, at most 15 digits before the dot and ``places`` after: every check below
        # but the bounds holds, so only they are left.
        return _bounded(Decimal(stripped), field, raw, minimum, maximum)
    if not stripped:
        raise BadNumber(field, raw, "is empty; expected a number such as 12.50")
    if len(stripped) > _MAX_TEXT:
        raise BadNumber(field, raw, "is too long to be a number")
    if "," in stripped:
        raise BadNumber(
            field, raw, "is ambiguous; write it with a dot for decimals and no thousands separator"
        )
    match = _DECIMAL.fullmatch(stripped)
    if match is None:
        raise BadNumber(field, raw, "is not a plain decimal number such as 12.50")
    sign = match.group(1) or match.group(4) or ""
    whole = match.group(2) or "0"
    fraction = match.group(3) if match.group(2) is not None else match.group(5)
    fraction = fraction or ""
    # A negative zero is zero: "-0.00" is read (and echoed) as 0.00, never as -0.00.
    negative = sign == "-" and bool(whole.strip("0") or fraction.strip("0"))
    if negative and not allow_negative:
        raise BadNumber(field, raw, "must not be negative")
    if len(whole.lstrip("0")) > _INTEGER_DIGITS:
        raise BadNumber(field, raw, "has too many digits")
    if len(fraction.rstrip("0")) > min(places, _FRACTION_DIGITS):
        raise BadNumber(field, raw, f"has more than {places} decimal places")
    # Kept as written ("2" stays 2, "2.50" stays 2.50): the number is echoed in orders.
    value = Decimal(f"{'-' if negative else ''}{whole}{'.' + fraction if fraction else ''}")
    return _bounded(value, field, raw, minimum, maximum)


def _bounded(
    value: Decimal, field: str, raw: str, minimum: Decimal | None, maximum: Decimal | None
) -> Decimal:
    if minimum is not None and value < minimum:
        raise BadNumber(field, raw, f"is below the smallest allowed value {minimum}")
    if maximum is not None and value > maximum:
        raise BadNumber(field, raw, f"is above the largest allowed value {maximum}")
    return value


def parse_int(text: str | None, *, field: str, minimum: int = 0, maximum: int = 10**9) -> int:
    """``text`` as an ``int`` of ASCII digits within ``[minimum, maximum]``."""
    raw = "" if text is None else str(text)
    stripped = raw.strip()
    if not stripped:
        raise BadNumber(field, raw, "is empty; expected a whole number")
    if len(stripped) > len(str(maximum)) + 2 or _INTEGER.fullmatch(stripped) is None:
        raise BadNumber(field, raw, "is not a whole number within range")
    value = int(stripped)
    if not minimum <= value <= maximum:
        raise BadNumber(field, raw, f"is outside {minimum} to {maximum}")
    return value


def parse_quantity(text: str | None, *, field: str = "quantity") -> Decimal:
    """A line quantity: more than zero, at most :data:`MAX_QUANTITY`, three decimals at most."""
    value = parse_decimal(text, field=field, minimum=_ZERO, maximum=MAX_QUANTITY, places=3)
    if not value:
        raise BadNumber(field, "" if text is None else str(text), "must be more than zero")
    return value


def parse_price(text: str | None, *, field: str = "price") -> Decimal:
    """A unit price or amount: zero or more, at most :data:`MAX_AMOUNT`, four decimals at most."""
    return parse_decimal(text, field=field, minimum=_ZERO, maximum=MAX_AMOUNT, places=4)
