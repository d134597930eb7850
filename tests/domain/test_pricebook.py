from __future__ import annotations

from decimal import Decimal

import pytest

from punchout import resources
from punchout.domain.pricebook import (
    CartRejected,
    PriceBook,
    PriceBookError,
    PricedLine,
    Unpriced,
    price_cart,
)
from punchout.protocol.numbers import MAX_QUANTITY


@pytest.fixture
def book() -> PriceBook:
    return PriceBook.load(resources.EXAMPLE_PRICEBOOK)


def test_quantity_breaks(book: PriceBook) -> None:
    assert book.price("standard", "BC-STD-85x55", Decimal(1)).unit_price == Decimal("45.00")
    line = book.price("standard", "BC-STD-85x55", Decimal(10))
    assert (line.unit_price, line.amount, line.currency) == (
        Decimal("42.50"),
        Decimal("425.00"),
        "USD",
    )
    assert book.price("standard", "BC-STD-85x55", Decimal(60)).unit_price == Decimal("39.00")


@pytest.mark.parametrize(
    ("template", "quantity", "words"),
    [
        ("NOPE", Decimal(1), "has no price"),
        (None, Decimal(1), "has no price"),
        ("BC-STD-85x55", Decimal(0), "whole positive"),
        ("BC-STD-85x55", Decimal("1.5"), "whole positive"),
        ("BC-STD-85x55", Decimal("-2"), "whole positive"),
        ("BC-STD-85x55", Decimal("1e9"), "larger"),
    ],
)
def test_unpriceable_lines_say_why(
    book: PriceBook, template: str | None, quantity: Decimal, words: str
) -> None:
    with pytest.raises(Unpriced, match=words):
        book.price("standard", template, quantity)


def test_unknown_list(book: PriceBook) -> None:
    with pytest.raises(Unpriced, match="no price list"):
        book.price("platinum", "BC-STD-85x55", Decimal(1))


def test_cart_total_and_guard(book: PriceBook) -> None:
    lines = [
        book.price("standard", "BC-STD-85x55", Decimal(2)),
        book.price("standard", "BN-RU-850", Decimal(1)),
    ]
    cart = price_cart(lines)
    assert (cart.total, cart.currency) == (Decimal("189.00"), "USD")
    euro = book.price("euro", "LH-A4-120", Decimal(1))
    with pytest.raises(CartRejected, match="mixes currencies"):
        price_cart([*lines, euro])
    forged = PricedLine(**{**lines[0].__dict__, "amount": Decimal("1.00")})
    with pytest.raises(CartRejected, match="does not match"):
        price_cart([forged])
    assert price_cart([]).total == Decimal("0.00")


def test_search(book: PriceBook) -> None:
    assert [i.template for i in book.search("standard", "banner")] == ["BN-RU-850"]
    assert [i.template for i in book.search("standard", "a4 letterhead")] == ["LH-A4-120"]
    assert book.search("standard", "mug") == []


def test_invalid_book_lists_every_problem() -> None:
    with pytest.raises(PriceBookError) as caught:
        PriceBook.from_dict(
            {
                "lists": {
                    "x": {
                        "currency": "dollars",
                        "items": [
                            {
                                "template": "A",
                                "unit_of_measure": "boxes",
                                "unspsc": "123",
                                "prices": {"1": "abc"},
                            }
                        ],
                    }
                }
            }
        )
    text = str(caught.value)
    for words in ("currency", "description", "unit_of_measure", "unspsc", "prices"):
        assert words in text


def test_a_buyer_list_extends_another_and_overrides_items(book: PriceBook) -> None:
    assert book.price("acme", "BC-STD-85x55", Decimal(1)).unit_price == Decimal("40.00")
    assert book.price("acme", "BN-RU-850", Decimal(1)).unit_price == Decimal("99.00")
    assert book.currency("acme") == "USD"
    with pytest.raises(PriceBookError, match="currency of standard"):
        PriceBook.from_dict(
            {"lists": {"standard": {"currency": "USD", "items": [
                {"template": "A", "description": "a", "unit_of_measure": "EA",
                 "unspsc": "82121500", "prices": {"1": "1"}}]},
                "other": {"extends": "standard", "currency": "EUR"}}}
        )  # fmt: skip


def test_a_priced_line_carries_the_list_item_and_rounds_half_up() -> None:
    book = PriceBook.from_dict(
        {
            "lists": {
                "tiny": {
                    "currency": "EUR",
                    "items": [
                        {
                            "template": "ST-1",
                            "description": "Sticker",
                            "unit_of_measure": "EA",
                            "unspsc": "55121700",
                            "lead_time_days": 3,
                            "prices": {"1": "0.125", "10": "0.1"},
                        },
                        {
                            "template": "PO-10",
                            "description": "Poster",
                            "unit_of_measure": "EA",
                            "unspsc": "55121700",
                            "lead_time_days": 2,
                            "prices": {"10": "5.00"},
                        },
                    ],
                }
            }
        }
    )
    line = book.price("tiny", "ST-1", Decimal(1))
    assert (line.template, line.description, line.unit_of_measure, line.unspsc) == (
        "ST-1",
        "Sticker",
        "EA",
        "55121700",
    )
    assert (line.lead_time_days, line.currency, line.unit_price) == (3, "EUR", Decimal("0.125"))
    # 1 x 0.125 = 0.125, rounded half up to the cent: 0.13 (half-even would give 0.12).
    assert line.amount == Decimal("0.13")
    cart = price_cart([line, book.price("tiny", "ST-1", Decimal(3))])
    # 3 x 0.125 = 0.375 -> 0.38; 0.13 + 0.38 = 0.51, written by hand.
    assert (cart.total, cart.currency, len(cart.lines)) == (Decimal("0.51"), "EUR", 2)
    assert book.price("tiny", "ST-1", MAX_QUANTITY).quantity == MAX_QUANTITY
    with pytest.raises(Unpriced, match=r"^PO-10 is sold from 10 EA$"):
        book.price("tiny", "PO-10", Decimal(9))
    with pytest.raises(Unpriced, match=r"^the product \(none\) has no price in 'tiny'$"):
        book.price("tiny", None, Decimal(1))


def test_free_and_cheap_lines_pass_the_guard() -> None:
    book = PriceBook.from_dict(
        {
            "lists": {
                "promo": {
                    "currency": "USD",
                    "items": [
                        {
                            "template": "FREE",
                            "description": "Sample",
                            "unit_of_measure": "EA",
                            "unspsc": "55121700",
                            "lead_time_days": 1,
                            "prices": {"1": "0.00"},
                        },
                        {
                            "template": "CHEAP",
                            "description": "Card",
                            "unit_of_measure": "EA",
                            "unspsc": "55121700",
                            "lead_time_days": 1,
                            "prices": {"1": "0.50"},
                        },
                    ],
                }
            }
        }
    )
    free = book.price("promo", "FREE", Decimal(2))
    cheap = book.price("promo", "CHEAP", Decimal(3))
    assert price_cart([free, cheap]).total == Decimal("1.50")
    assert price_cart([]).currency == ""


def test_the_guard_names_what_is_wrong(book: PriceBook) -> None:
    usd = book.price("standard", "BC-STD-85x55", Decimal(2))
    eur = book.price("euro", "LH-A4-120", Decimal(1))
    with pytest.raises(CartRejected) as mixed:
        price_cart([usd, eur])
    assert str(mixed.value) == "the cart mixes currencies: EUR, USD"
    negative = PricedLine(
        **{**usd.__dict__, "unit_price": Decimal("-1.00"), "amount": Decimal("-2.00")}
    )
    with pytest.raises(CartRejected) as refused:
        price_cart([negative])
    assert str(refused.value) == "BC-STD-85x55 has a negative price"
