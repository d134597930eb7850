"""The one number parser: what it accepts, and every outside form it must refuse."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from punchout.protocol.numbers import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    BadNumber,
    parse_decimal,
    parse_int,
    parse_price,
    parse_quantity,
)


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


# ---------------------------------------------------------------- the exact words a buyer reads


def _refusal(call: Callable[[], object]) -> BadNumber:
    with pytest.raises(BadNumber) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "qty '' is empty; expected a number such as 12.50"),
        (" \t", "qty ' \\t' is empty; expected a number such as 12.50"),
        ("1" * 41, f"qty '{'1' * 40}...' is too long to be a number"),
        ("1,5", "qty '1,5' is ambiguous; write it with a dot for decimals and no thousands "
                "separator"),
        ("1e3", "qty '1e3' is not a plain decimal number such as 12.50"),
        ("-2", "qty '-2' must not be negative"),
        ("-.5", "qty '-.5' must not be negative"),
        ("1" + "0" * 15, "qty '1000000000000000' has too many digits"),
        ("1.1234567", "qty '1.1234567' has more than 6 decimal places"),
    ],
)  # fmt: skip
def test_each_refusal_says_what_is_wrong(text: str | None, message: str) -> None:
    error = _refusal(lambda: parse_decimal(text, field="qty"))
    assert str(error) == message
    assert error.field == "qty"


def test_the_bounds_are_inclusive_and_named_in_the_refusal() -> None:
    one, ten = Decimal(1), Decimal(10)
    assert parse_decimal("1", field="n", minimum=one, maximum=ten) == 1
    assert parse_decimal("10", field="n", minimum=one, maximum=ten) == 10
    assert str(_refusal(lambda: parse_decimal("0.99", field="n", minimum=one))) == (
        "n '0.99' is below the smallest allowed value 1"
    )
    assert str(_refusal(lambda: parse_decimal("10.01", field="n", maximum=ten))) == (
        "n '10.01' is above the largest allowed value 10"
    )


def test_digit_limits_are_fifteen_whole_and_six_fraction_digits() -> None:
    assert parse_decimal("9" * 15, field="n") == Decimal("9" * 15)
    assert parse_decimal("000" + "9" * 15, field="n") == Decimal("9" * 15)  # leading zeros
    assert parse_decimal("0.123456", field="n") == Decimal("0.123456")
    assert parse_decimal("0.1234560000", field="n") == Decimal("0.1234560000")  # trailing zeros
    assert parse_decimal("1.25", field="n", places=2) == Decimal("1.25")
    assert _refusal(lambda: parse_decimal("1.125", field="n", places=2)).why == (
        "has more than 2 decimal places"
    )
    # a caller cannot ask for more than six places
    assert "decimal places" in str(
        _refusal(lambda: parse_decimal("1.1234567", field="n", places=9))
    )


def test_signs_and_bare_fractions_are_read_exactly() -> None:
    assert parse_decimal("+1.5", field="n") == Decimal("1.5")
    assert parse_decimal("+.5", field="n") == Decimal("0.5")
    assert str(parse_decimal(".50", field="n")) == "0.50"
    assert parse_decimal("-.25", field="n", allow_negative=True) == Decimal("-0.25")
    assert parse_decimal("-3.", field="n", allow_negative=True) == Decimal("-3")
    # a negative zero is zero, and is echoed without its sign
    assert str(parse_decimal("-0.0", field="n")) == "0.0"
    assert str(parse_decimal("-0.00", field="n", allow_negative=True)) == "0.00"
    assert str(parse_price("-0")) == "0"
    assert parse_decimal("-0.01", field="n", allow_negative=True) == Decimal("-0.01")
    assert _refusal(lambda: parse_decimal("-0.01", field="n")).why == "must not be negative"
    assert _refusal(lambda: parse_decimal("-10", field="n")).why == "must not be negative"


def test_quantities_refuse_zero_and_more_than_three_places_by_name() -> None:
    assert str(_refusal(lambda: parse_quantity("0.000", field="line 2 quantity"))) == (
        "line 2 quantity '0.000' must be more than zero"
    )
    assert str(_refusal(lambda: parse_quantity(None))) == (
        "quantity '' is empty; expected a number such as 12.50"
    )
    assert str(_refusal(lambda: parse_quantity("0"))) == "quantity '0' must be more than zero"
    assert parse_quantity("0.001") == Decimal("0.001")
    assert str(_refusal(lambda: parse_quantity("0.0001"))) == (
        "quantity '0.0001' has more than 3 decimal places"
    )
    assert parse_quantity("1000000") == MAX_QUANTITY
    assert str(_refusal(lambda: parse_quantity("1000000.5"))) == (
        "quantity '1000000.5' is above the largest allowed value 1000000"
    )
    assert str(_refusal(lambda: parse_quantity("-1"))) == "quantity '-1' must not be negative"


def test_prices_are_zero_to_a_billion_with_four_places() -> None:
    assert parse_price("1000000000") == MAX_AMOUNT
    assert str(_refusal(lambda: parse_price("1000000000.0001"))) == (
        "price '1000000000.0001' is above the largest allowed value 1000000000"
    )
    assert str(_refusal(lambda: parse_price("1.00001", field="unit price"))) == (
        "unit price '1.00001' has more than 4 decimal places"
    )
    assert str(_refusal(lambda: parse_price("-0.01"))) == "price '-0.01' must not be negative"
    assert str(_refusal(lambda: parse_price(None))) == (
        "price '' is empty; expected a number such as 12.50"
    )


def test_whole_numbers_name_the_range_and_the_field() -> None:
    assert parse_int("0", field="count") == 0
    assert parse_int("1000000000", field="count") == 10**9
    assert parse_int("5", field="n", minimum=5, maximum=5) == 5
    assert parse_int("007", field="n", maximum=10) == 7
    assert str(_refusal(lambda: parse_int(None, field="count"))) == (
        "count '' is empty; expected a whole number"
    )
    assert str(_refusal(lambda: parse_int(" ", field="count"))) == (
        "count ' ' is empty; expected a whole number"
    )
    assert str(_refusal(lambda: parse_int("4", field="n", minimum=5, maximum=9))) == (
        "n '4' is outside 5 to 9"
    )
    assert str(_refusal(lambda: parse_int("10", field="n", minimum=5, maximum=9))) == (
        "n '10' is outside 5 to 9"
    )
    assert str(_refusal(lambda: parse_int("1000000001", field="count"))) == (
        "count '1000000001' is outside 0 to 1000000000"
    )
    assert str(_refusal(lambda: parse_int("+1", field="n"))) == (
        "n '+1' is not a whole number within range"
    )


def test_whole_numbers_allow_two_leading_zeros_beyond_the_maximum_length() -> None:
    # the length guard keeps int() from big texts; it leaves room for a little padding
    assert parse_int("0099", field="n", maximum=99) == 99
    assert _refusal(lambda: parse_int("00099", field="n", maximum=99)).why == (
        "is not a whole number within range"
    )


def test_forty_characters_are_read_and_shown_whole() -> None:
    assert parse_decimal("0" * 39 + "7", field="n") == 7
    forty = "1" * 39 + "x"
    assert str(_refusal(lambda: parse_decimal(forty, field="n"))) == (
        f"n '{forty}' is not a plain decimal number such as 12.50"
    )
