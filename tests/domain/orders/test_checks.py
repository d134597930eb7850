"""The pure line checks: boundaries of price tolerance, offers, designs and order size."""

from __future__ import annotations

from decimal import Decimal

import pytest

from punchout import resources
from punchout.domain.buyers import Buyer
from punchout.domain.offers import Offer
from punchout.domain.orders.checks import (
    MAX_COMMENT_CHARS,
    MAX_ORDER_LINES,
    CheckedLine,
    check_lines,
    check_projects,
    check_size,
    fingerprint,
    line_name,
    quantities_comment,
)
from punchout.domain.orders.errors import Postponed, Refused
from punchout.domain.orders.records import Line
from punchout.domain.pricebook import PriceBook
from punchout.domain.references import make_reference, read_reference
from punchout.printnow import Project
from punchout.protocol.cxml.model import OrderLine, OrderRequest

KEY = b"k" * 32
BOOK = PriceBook.load(resources.EXAMPLE_PRICEBOOK)
PART = "BC-STD-85x55"  # 45.00 USD a box from 1, 42.50 from 10


def buyer(**fields: str) -> Buyer:
    return Buyer(id="acme", name="Acme", storefront_id=1, **fields)  # type: ignore[arg-type]


def line(price: str = "45.00", quantity: str = "1", part: str = PART, aux: str = "") -> OrderLine:
    return OrderLine(
        line_number=1,
        quantity=Decimal(quantity),
        supplier_part_id=part,
        supplier_part_auxiliary_id=aux or make_reference(KEY, "acme", 12345, 42),
        unit_price=Decimal(price),
        currency="USD",
        unit_of_measure="BX",
        description="",
    )


def check(b: Buyer, *lines: OrderLine, offers: dict[str, Offer] | None = None) -> list[str]:
    order = OrderRequest("PO-1", None, "new", None, "USD", tuple(lines))
    checked = check_lines(
        b, order, BOOK, offers or {}, lambda text: read_reference(KEY, "acme", text)
    )
    return [
        f"{c.line.part} x {c.line.quantity} at {c.line.unit_price}: {c.user_id}/{c.line.project}"
        for c in checked
    ]


def offer(template: str, quantity: str | None = None) -> Offer:
    """An offer as stored: only the fields given."""
    record = (
        {"template": template} if quantity is None else {"template": template, "quantity": quantity}
    )
    return Offer.from_json(record)


@pytest.mark.parametrize(
    ("tolerance", "price", "accepted"),
    [
        ("0.00", "45.00", True),
        ("0.00", "45.01", False),
        ("0.00", "44.99", False),
        ("0.05", "45.05", True),  # exactly at the tolerance
        ("0.05", "44.95", True),
        ("0.05", "45.06", False),  # one cent over
        ("0.05", "44.94", False),
    ],
)
def test_price_tolerance_is_inclusive_to_the_cent(
    tolerance: str, price: str, accepted: bool
) -> None:
    b = buyer(price_tolerance=tolerance)
    if accepted:
        assert check(b, line(price)) == [f"{PART} x 1 at {price}: 12345/42"]
    else:
        with pytest.raises(Refused, match=f"the unit price {price} USD differs") as exc:
            check(b, line(price))
        assert exc.value.code == 400


def test_a_repriced_quantity_uses_the_price_books_break() -> None:
    assert check(buyer(), line("42.50", "10")) == [f"{PART} x 10 at 42.50: 12345/42"]
    with pytest.raises(Refused):
        check(buyer(), line("45.00", "10"))


def test_each_line_of_one_order_is_priced_for_its_own_quantity() -> None:
    ordered = [line("45.00", "1"), line("42.50", "10"), line("45.00", "1"), line("42.50", "10")]
    assert check(buyer(), *ordered) == [
        f"{PART} x 1 at 45.00: 12345/42",
        f"{PART} x 10 at 42.50: 12345/42",
        f"{PART} x 1 at 45.00: 12345/42",
        f"{PART} x 10 at 42.50: 12345/42",
    ]
    with pytest.raises(Refused, match=r"the unit price 42\.50 USD differs"):
        check(buyer(), line("45.00", "1"), line("42.50", "1"))


def test_an_unreadable_tolerance_is_the_suppliers_problem_not_the_buyers() -> None:
    with pytest.raises(Postponed, match="price_tolerance"):
        check(buyer(price_tolerance="5%"), line())


def test_an_offer_for_another_template_is_refused() -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    offers = {ref: offer("LH-A4-120", "1")}
    with pytest.raises(Refused, match="part number does not match"):
        check(buyer(), line(), offers=offers)


@pytest.mark.parametrize(
    ("offered", "ordered", "accepted"),
    [("1", "1", True), ("1.000", "1", True), ("1", "2", False), ("junk", "1", False)],
)
def test_a_changed_quantity_is_refused_when_the_buyer_reprices_nothing(
    offered: str, ordered: str, accepted: bool
) -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    offers = {ref: offer(PART, offered)}
    b = buyer(quantity_changes="reject")
    if accepted:
        assert check(b, line(quantity=ordered), offers=offers)
    else:
        with pytest.raises(Refused, match="the quantity changed"):
            check(b, line(quantity=ordered), offers=offers)
    assert check(buyer(), line(quantity=ordered), offers=offers)  # "reprice" accepts it


def test_an_oci_line_with_the_reference_as_part_number_orders_the_offered_template() -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    oci = line(part=ref, aux="")
    oci = OrderLine(**{**oci.__dict__, "supplier_part_auxiliary_id": ""})
    assert check(buyer(), oci, offers={ref: offer(PART, "1")})
    with pytest.raises(Refused, match="not known"):
        check(buyer(), oci)


def test_a_reference_of_another_buyer_or_altered_is_refused() -> None:
    other = make_reference(KEY, "globex", 12345, 42)
    for aux in (other, make_reference(KEY, "acme", 12345, 42)[:-1] + "0", "not-ours"):
        with pytest.raises(Refused, match="was not issued by this supplier"):
            check(buyer(), line(aux=aux))


def test_the_largest_order_is_accepted_and_one_line_more_gets_413() -> None:
    lines = [line()] * MAX_ORDER_LINES
    assert len(check(buyer(), *lines)) == MAX_ORDER_LINES
    with pytest.raises(Refused, match=f"at most {MAX_ORDER_LINES}") as exc:
        check(buyer(), *lines, line())
    assert exc.value.code == 413


def _line(number: int, project: int, part: str = PART) -> Line:
    return Line(number, part, "ref", 0, project, "1", "45.00", "USD", "BX")


def test_designs_must_still_exist_with_the_same_part() -> None:
    projects = {42: Project(id=42, name="cards", external_id=PART)}
    check_projects([_line(1, 42)], projects)
    with pytest.raises(Refused, match=r"Line 2 .*no longer exists"):
        check_projects([_line(1, 42), _line(2, 43)], projects)
    with pytest.raises(Refused, match=r"Line 1 .*does not match the design"):
        check_projects([_line(1, 42, "LH-A4-120")], projects)


def test_the_quantities_comment_is_bounded_and_counts_what_it_leaves_out() -> None:
    few = quantities_comment("PO-1", [_line(1, 42), _line(2, 43)])
    assert few == (
        f"PO PO-1: line 1: {PART} x 1 BX at 45.00 USD; line 2: {PART} x 1 BX at 45.00 USD"
    )
    many = quantities_comment("PO-1", [_line(n, n) for n in range(1, 20_001)])
    assert len(many) <= MAX_COMMENT_CHARS
    shown = many.count(f"{PART} x 1")
    assert shown > 50 and many.endswith(f"and {20_000 - shown} more lines (see the PO)")


# ---------------------------------------------------------------- the words the buyer reads


def _refusal(b: Buyer, *lines: OrderLine, offers: dict[str, Offer] | None = None) -> str:
    with pytest.raises(Refused) as caught:
        check(b, *lines, offers=offers)
    assert caught.value.code == 400
    return str(caught.value.message)


def _with(base: OrderLine, **changes: object) -> OrderLine:
    return OrderLine(**{**base.__dict__, **changes})


def test_a_checked_line_carries_what_the_order_is_built_from() -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    order = OrderRequest("PO-1", None, "new", None, "USD", (_with(line(), line_number=7),))
    (checked,) = check_lines(
        buyer(), order, BOOK, {}, lambda text: read_reference(KEY, "acme", text)
    )
    assert checked == CheckedLine(
        user_id=12345,
        line=Line(
            number=7,
            part=PART,
            reference=ref,
            group=0,
            project=42,
            quantity="1",
            unit_price="45.00",
            currency="USD",
            unit_of_measure="BX",
        ),
    )


def test_a_line_without_a_number_is_named_by_its_position() -> None:
    second = _with(line(), line_number=0, unit_price=None)
    assert _refusal(buyer(), line(), second) == f"Line 2 ({PART}) has no unit price."


def test_each_line_refusal_names_the_line_and_says_what_to_do() -> None:
    assert _refusal(buyer(), line(aux="not-ours")) == (
        f"Line 1 ({PART}): the SupplierPartAuxiliaryID was not issued by this supplier or was "
        "changed. Order the item again through punch-out."
    )
    assert (
        _refusal(buyer(), _with(line(), unit_price=None)) == f"Line 1 ({PART}) has no unit price."
    )
    assert _refusal(buyer(), _with(line(), currency="EUR")) == (
        f"Line 1 ({PART}) is priced in EUR; this supplier bills in USD."
    )
    unknown = _refusal(buyer(), line(part="NOPE-1"))
    assert unknown.startswith("Line 1 (NOPE-1) cannot be ordered: ") and unknown.endswith(".")
    assert _refusal(buyer(), line(price="46.00")) == (
        f"Line 1 ({PART}): the unit price 46.00 USD differs from the supplier's price 45.00 USD."
    )


def test_a_line_without_currency_is_billed_in_the_books_currency() -> None:
    assert check(buyer(), _with(line(), currency="")) == [f"{PART} x 1 at 45.00: 12345/42"]


def test_a_reference_with_spaces_around_it_is_still_read() -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    assert check(buyer(), line(aux=f"  {ref}\n")) == [f"{PART} x 1 at 45.00: 12345/42"]


def test_an_oci_line_of_an_unknown_product_names_the_reference() -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    oci = _with(line(part=ref), supplier_part_auxiliary_id="")
    assert _refusal(buyer(), oci) == (
        f"Line 1 ({ref}): the product of this line is not known; order it again."
    )
    # the offered template is what is priced and checked
    assert check(buyer(), oci, offers={ref: offer(PART, "1")}) == [f"{PART} x 1 at 45.00: 12345/42"]
    assert check(buyer(), oci, offers={ref: offer(PART)}) == [f"{PART} x 1 at 45.00: 12345/42"]


def test_an_offer_refusal_says_what_changed() -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    assert _refusal(buyer(), line(), offers={ref: offer("LH-A4-120")}) == (
        f"Line 1 ({PART}): the part number does not match the design."
    )
    assert _refusal(
        buyer(quantity_changes="reject"),
        line(quantity="2", price="45.00"),
        offers={ref: offer(PART, "1")},
    ) == (
        f"Line 1 ({PART}): the quantity changed from 1 to 2. Change quantities of printed "
        "designs by editing the cart in punch-out."
    )
    # an offer without a quantity cannot match one
    assert "the quantity changed from None to 1" in _refusal(
        buyer(quantity_changes="reject"), line(), offers={ref: offer(PART)}
    )


def test_a_line_name_without_a_part_says_so() -> None:
    assert line_name(3, "") == "Line 3 (no part number)"
    assert line_name(3, "BC") == "Line 3 (BC)"


def test_an_order_without_lines_is_refused_by_its_id() -> None:
    with pytest.raises(Refused) as caught:
        check_size(OrderRequest("PO-0", None, "new", None, "USD", ()))
    assert (caught.value.code, caught.value.message) == (400, "Order PO-0 has no lines.")


def test_a_missing_or_changed_design_is_refused_with_400_naming_the_line() -> None:
    projects = {42: Project(id=42, name="cards", external_id=PART)}
    for lines, message in [
        ([_line(2, 43)], f"Line 2 ({PART}): the design no longer exists in the storefront."),
        (
            [_line(1, 42, "LH-A4-120")],
            "Line 1 (LH-A4-120): the part number does not match the design.",
        ),
    ]:
        with pytest.raises(Refused) as caught:
            check_projects(lines, projects)
        assert (caught.value.code, caught.value.message) == (400, message)


def test_the_suppliers_own_mistakes_name_the_buyer_and_the_setting() -> None:
    with pytest.raises(Postponed) as caught:
        check(buyer(price_tolerance="5%"), line())
    assert str(caught.value) == (
        "buyer acme: price_tolerance '5%' is not a plain decimal number such as 12.50"
    )
    with pytest.raises(Postponed) as caught:
        check(buyer(price_book="no-such-book"), line())
    assert str(caught.value).startswith("buyer acme: ")


def test_the_quantities_comment_fills_the_limit_exactly() -> None:
    lines = [_line(1, 42), _line(2, 43)]
    full = quantities_comment("PO-1", lines)
    first = f"PO PO-1: line 1: {PART} x 1 BX at 45.00 USD"
    assert quantities_comment("PO-1", lines, limit=len(full)) == full  # the last line fits exactly
    assert quantities_comment("PO-1", lines, limit=len(full) - 1) == (
        first + "; and 1 more lines (see the PO)"
    )
    # a line that is not the last keeps 40 characters free for the "and N more" ending
    assert quantities_comment("PO-1", lines, limit=len(first) + 40) == (
        first + "; and 1 more lines (see the PO)"
    )
    assert quantities_comment("PO-1", lines, limit=len(first) + 39) == (
        "PO PO-1: and 2 more lines (see the PO)"
    )


def test_the_fingerprint_is_the_lines_and_money_not_how_numbers_are_written() -> None:
    def order(*lines: OrderLine, order_id: str = "PO-1") -> OrderRequest:
        return OrderRequest(order_id, None, "new", None, "USD", lines)

    base = fingerprint(order(line()))
    assert len(base) == 64 and base == fingerprint(order(line(), order_id="PO-2"))
    assert base == fingerprint(order(line(price="45.0000", quantity="1.00")))
    assert base != fingerprint(order(line(quantity="2")))
    assert base != fingerprint(order(line(price="45.01")))
    assert base != fingerprint(order(line(part="LH-A4-120")))
    assert base != fingerprint(order(_with(line(), line_number=2)))
    assert base != fingerprint(order(_with(line(), currency="EUR")))
    assert base != fingerprint(order(line(aux=make_reference(KEY, "acme", 12345, 43))))
    unpriced = fingerprint(order(_with(line(), unit_price=None)))
    assert unpriced != base and unpriced != fingerprint(order(line(price="0")))
    assert base != fingerprint(order(line(), line()))
