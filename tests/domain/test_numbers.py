"""The one number parser: what it accepts, and every outside form it must refuse."""

from __future__ import annotations

from decimal import Decimal

import pytest

from punchout.numbers import BadNumber, parse_decimal, parse_int, parse_price, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", "1"), (" 2.50 ", "2.50"), ("0.125", "0.125"), (".5", "0.5"), ("7.", "7"),
     ("1000000", "1000000"), ("+3", "3"), ("0003", "3")],
)  # fmt: skip
def test_plain_quantities_are_read(text: str, expected: str) -> None:
    assert parse_quantity(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "1e999999999", "1E3", "NaN", "sNaN", "Infinity", "-inf", "²", "١٢", "1,5",
     "1,500.00", "0x10", "1_000", "--1", "1.2.3", "0", "-1", "1000000.001", "1.0001",
     "9" * 41, "1 000", "½"],
)  # fmt: skip
def test_outside_forms_are_refused_by_name(text: str) -> None:
    with pytest.raises(BadNumber) as caught:
        parse_quantity(text, field="line 3 quantity")
    assert str(caught.value).startswith("line 3 quantity ")


def test_a_decimal_comma_is_not_read_as_a_larger_number() -> None:
    with pytest.raises(BadNumber, match="ambiguous"):
        parse_quantity("1,5")


def test_prices_allow_zero_and_four_places_but_not_more() -> None:
    assert parse_price("0") == 0
    assert parse_price("12.3456") == Decimal("12.3456")
    with pytest.raises(BadNumber, match="decimal places"):
        parse_price("12.34567")
    with pytest.raises(BadNumber, match="largest"):
        parse_price("1000000000.01")


def test_negative_only_where_allowed() -> None:
    assert parse_decimal("-2.5", field="adjustment", allow_negative=True) == Decimal("-2.5")
    assert parse_decimal("-0", field="x") == 0
    with pytest.raises(BadNumber, match="negative"):
        parse_decimal("-2.5", field="x")


@pytest.mark.parametrize("text", ["²", "1" * 5000, "-1", "1.0", "", "0x1", "10000000000"])
def test_line_numbers_refuse_what_int_would_take_or_choke_on(text: str) -> None:
    with pytest.raises(BadNumber):
        parse_int(text, field="lineNumber", minimum=1)


def test_line_numbers_within_bounds() -> None:
    assert parse_int(" 42 ", field="lineNumber", minimum=1) == 42
    with pytest.raises(BadNumber, match="outside"):
        parse_int("0", field="lineNumber", minimum=1)


@pytest.mark.parametrize("text", ["2", "2.50", "0.5", "12.3400"])
def test_a_number_keeps_the_form_it_was_written_in(text: str) -> None:
    # Read numbers are echoed in order comments and documents: "2" must not become "2.0".
    assert str(parse_decimal(text, field="quantity")) == text
