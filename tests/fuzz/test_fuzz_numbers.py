"""The number parser: whatever text arrives, a bounded Decimal or BadNumber, nothing else."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from punchout.protocol.numbers import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    BadNumber,
    parse_decimal,
    parse_int,
    parse_price,
    parse_quantity,
)
from tests.fuzz.profile import FUZZ

# Text that looks like numbers, and their hostile relatives.
NUMBERISH = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789.,+-eE ²٣_xXnaNsInfity\t\n", max_size=60),
    st.from_regex(r"[+-]?[0-9]{0,30}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,12})?", fullmatch=True),
    st.sampled_from(["NaN", "sNaN", "-Infinity", "1e999999999", "1,5", "²", "0x10", "1_000"]),
)


@FUZZ
@given(NUMBERISH)
def test_quantities_are_bounded_or_refused(text: str) -> None:
    try:
        value = parse_quantity(text)
    except BadNumber:
        return
    assert value.is_finite() and Decimal(0) < value <= MAX_QUANTITY
    assert value == value.quantize(Decimal("0.001"))


@FUZZ
@given(NUMBERISH)
def test_prices_are_bounded_or_refused(text: str) -> None:
    try:
        value = parse_price(text)
    except BadNumber:
        return
    assert value.is_finite() and Decimal(0) <= value <= MAX_AMOUNT
    # Arithmetic on an accepted number never overflows.
    assert (value * MAX_QUANTITY).is_finite()


@FUZZ
@given(
    NUMBERISH, st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=10**12)
)
def test_integers_are_in_range_or_refused(text: str, low: int, high: int) -> None:
    try:
        value = parse_int(text, field="n", minimum=low, maximum=high)
    except BadNumber:
        return
    assert low <= value <= high and text.strip().isascii()


@FUZZ
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_a_plain_decimal_reads_back_as_itself(value: Decimal) -> None:
    text = format(value, "f")
    assert parse_decimal(text, field="x", allow_negative=True, places=4) == value
