"""The cart without a browser: projects priced into cart lines, and the forms that carry them.

The price book is the example one shipped with the connector; documents are read back with
the connector's own readers (the cXML parser, the OCI NEW_ITEM reader)."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from punchout import resources
from punchout.domain.buyers import Buyer
from punchout.domain.cart import (
    Cart,
    Selection,
    build_cart,
    cart_form,
    oci_form,
    quantity_error,
    read_quantity,
)
from punchout.domain.pricebook import CartRejected, PriceBook, Unpriced
from punchout.domain.profiles import Dialect
from punchout.domain.references import read_reference
from punchout.domain.sessions import PunchoutSession
from punchout.printnow import Project
from punchout.protocol import oci
from punchout.protocol.cxml.parse import parse_xml
from punchout.protocol.numbers import MAX_QUANTITY

KEY = b"k" * 32
BOOK = PriceBook.load(resources.EXAMPLE_PRICEBOOK)
CARDS = Project(7, "Jane's cards", "BC-STD-85x55", {"name_on_card": "Jane Doe"})
LETTERS = Project(8, "", "LH-A4-120")


def buyer(**fields: object) -> Buyer:
    return Buyer(id="acme", name="Acme", storefront_id=1, **fields)  # type: ignore[arg-type]


def session(protocol: str = "cxml", **fields: object) -> PunchoutSession:
    values: dict[str, object] = {
        "id": "s" * 22,
        "buyer_id": "acme",
        "protocol": protocol,
        "operation": "create",
        "user_key": "jane@buyer.example",
        "customer_id": 12345,
        "is_temp": False,
        "pipo_token": "token",
        "buyer_cookie": "cookie-1",
    }
    values.update(fields)
    return PunchoutSession(**values)  # type: ignore[arg-type]


def cart(b: Buyer, *selections: Selection) -> Cart:
    return build_cart(BOOK, b, 12345, selections, KEY)


def test_a_cart_line_is_its_design_priced_at_its_quantity_with_a_signed_reference() -> None:
    built = cart(buyer(), Selection(CARDS, Decimal(10)), Selection(LETTERS, Decimal(1)))
    first, second = built.lines
    assert first.project is CARDS
    assert (first.priced.template, first.priced.quantity, first.priced.unit_price) == (
        "BC-STD-85x55",
        Decimal(10),
        Decimal("42.50"),  # the price break from 10
    )
    assert first.priced.amount == Decimal("425.00")
    # the design's name is added to the product's description; a design without one is not
    assert first.priced.description.endswith(": Jane's cards")
    assert second.priced.description == "Letterhead A4, 120 gsm uncoated, pack of 250"
    ref = read_reference(KEY, "acme", first.reference)
    assert (ref.pipo_user_id, ref.project_id) == (12345, 7)
    assert first.design == (("name_on_card", "Jane Doe"),) and second.design == ()
    assert (built.total, built.currency) == (Decimal("480.00"), "USD")


def test_a_cart_line_speaks_the_buyers_dialect() -> None:
    dialect = Dialect(unit_map=(("BX", "BOX"),), description_max_length=20)
    (line,) = cart(buyer(dialect=dialect), Selection(CARDS, Decimal(1))).lines
    assert line.priced.unit_of_measure == "BOX"
    assert len(line.priced.description) <= 20
    # a urlencoded cart is US-ASCII: the multiplication sign of the euro list goes
    euro = cart(buyer(price_book="euro", cart_transport="urlencoded"), Selection(CARDS, Decimal(1)))
    assert euro.lines[0].priced.description.isascii()


def test_a_cart_that_cannot_be_priced_is_never_built() -> None:
    with pytest.raises(Unpriced):
        cart(buyer(), Selection(Project(9, "x", "NOPE-1"), Decimal(1)))
    with pytest.raises(Unpriced):
        cart(buyer(), Selection(CARDS, Decimal("1.5")))
    with pytest.raises(CartRejected):  # no cart mixes currencies, whatever the lists say
        from punchout.domain.pricebook import price_cart

        price_cart(
            [
                BOOK.price("standard", "BC-STD-85x55", Decimal(1)),
                BOOK.price("euro", "BC-STD-85x55", Decimal(1)),
            ]
        )


def test_designs_of_one_product_are_each_priced_at_their_own_quantity() -> None:
    # Lines of one product share a price lookup only at one quantity written alike: the
    # quantity travels as written (in the offer kept for the PO) and 10 has its own break.
    team = [Project(n, f"Card {n}", "BC-STD-85x55") for n in range(20, 24)]
    quantities = [Decimal(1), Decimal("1.0"), Decimal(10), Decimal(1)]
    built = cart(buyer(), *(Selection(p, q) for p, q in zip(team, quantities, strict=True)))
    assert [str(line.priced.quantity) for line in built.lines] == ["1", "1.0", "10", "1"]
    assert [line.priced.unit_price for line in built.lines] == [
        BOOK.price("standard", "BC-STD-85x55", q).unit_price for q in quantities
    ]
    assert [line.priced.description for line in built.lines] == [
        f"{built.lines[0].priced.description.split(': ')[0]}: Card {n}" for n in range(20, 24)
    ]
    assert len({line.reference for line in built.lines}) == 4
    with pytest.raises(Unpriced):  # a later line of an unpriced product still refuses the cart
        cart(buyer(), Selection(team[0], Decimal(1)), Selection(team[1], Decimal("1.5")))


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("12", ""),
        ("1", ""),
        (str(MAX_QUANTITY), ""),
        ("0", "Quantities must be whole numbers from 1 to 1,000,000."),
        ("1.5", "Quantities must be whole numbers from 1 to 1,000,000."),
        (str(MAX_QUANTITY + 1), "Quantities must be whole numbers from 1 to 1,000,000."),
        ("ten", "“ten” is not a quantity: enter a whole number."),
        ("1,000", "“1,000” is not a quantity: enter a whole number."),
    ],
)
def test_a_cart_quantity_is_a_whole_number_up_to_the_one_maximum(raw: str, problem: str) -> None:
    assert quantity_error(raw) == problem


@pytest.mark.parametrize(("raw", "value"), [("12", Decimal(12)), (" 7 ", Decimal(7)), ("3.000", 3)])
def test_a_read_quantity_is_the_number_typed(raw: str, value: Decimal) -> None:
    assert read_quantity(raw) == value


def test_reading_a_wrong_quantity_says_why() -> None:
    assert read_quantity("0") == quantity_error("0") != ""


def test_a_cxml_cart_form_carries_the_order_message_to_the_return_url() -> None:
    b = buyer(cart_transport="both")
    built = cart(b, Selection(CARDS, Decimal(2)))
    form = cart_form(session(return_target="cart-frame"), b, "https://buyer.example/r", built, BOOK)
    assert (form.action, form.target, form.charset, form.cart) == (
        "https://buyer.example/r",
        "cart-frame",
        "utf-8",
        built,
    )
    fields = dict(form.fields)
    assert sorted(fields) == ["cxml-base64", "cxml-urlencoded"]
    root = parse_xml(base64.b64decode(fields["cxml-base64"]), max_bytes=1_000_000)
    (item,) = root.iter("ItemIn")
    assert item.get("quantity") == "2"
    assert item.findtext("ItemID/SupplierPartID") == "BC-STD-85x55"
    assert item.findtext("ItemID/SupplierPartAuxiliaryID") == built.lines[0].reference
    assert item.findtext("ItemDetail/UnitPrice/Money") == "45.00"
    assert root.findtext(".//BuyerCookie") == "cookie-1"


def test_an_empty_cxml_cart_is_totalled_in_the_buyers_currency() -> None:
    form = cart_form(session(), buyer(price_book="euro"), "https://buyer.example/r", None, BOOK)
    (name, value) = form.fields[0]
    root = parse_xml(base64.b64decode(value), max_bytes=1_000_000)
    assert name == "cxml-base64" and form.target == "_self"
    assert list(root.iter("ItemIn")) == []
    money = root.find(".//PunchOutOrderMessageHeader/Total/Money")
    assert money is not None and money.get("currency") == "EUR"


def test_an_oci_cart_form_carries_new_items_and_the_hook_urls_query() -> None:
    b = buyer()
    built = cart(b, Selection(CARDS, Decimal(10)))
    oci_session = session("oci", extra={"charset": "iso-8859-1"})
    form = cart_form(oci_session, b, "https://buyer.example/hook?sid=9", built, BOOK)
    assert (form.action, form.target, form.charset) == (
        "https://buyer.example/hook",
        "_top",
        "iso-8859-1",
    )
    fields = dict(form.fields)
    assert fields["sid"] == "9"
    (item,) = oci.read_new_items(fields)
    assert item["QUANTITY"] == "10" and item["PRICE"] == "42.50"
    assert item["VENDORMAT"] == "BC-STD-85x55"
    assert item["EXT_PRODUCT_ID"] == built.lines[0].reference
    assert item["DESCRIPTION"] == "Jane's cards"
    assert item["LONGTEXT"].endswith("Design: name_on_card: Jane Doe")
    assert (item["CUST_FIELD1"], item["CUST_FIELD2"]) == ("7", "12345")


def test_an_oci_form_falls_back_to_utf8_rather_than_lose_a_character() -> None:
    form = oci_form("https://buyer.example/hook", "_top", [("X", "漢字")], "iso-8859-1")
    assert form.charset == "utf-8" and form.fields == (("X", "漢字"),) and form.cart is None
