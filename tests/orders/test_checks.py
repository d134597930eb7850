"""The pure line checks: boundaries of price tolerance, offers, designs and order size."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from punchout.buyers import Buyer
from punchout.cxml.model import OrderLine, OrderRequest
from punchout.orders.checks import (
    MAX_COMMENT_CHARS,
    MAX_ORDER_LINES,
    check_lines,
    check_projects,
    quantities_comment,
)
from punchout.orders.errors import Postponed, Refused
from punchout.orders.records import Line
from punchout.pricebook import PriceBook
from punchout.printnow import Project
from punchout.references import make_reference, read_reference

KEY = b"k" * 32
BOOK = PriceBook.load(
    Path(str(resources.files("punchout").joinpath("config/pricebook.example.toml")))
)
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


def check(b: Buyer, *lines: OrderLine, offers: dict[str, object] | None = None) -> list[str]:
    order = OrderRequest("PO-1", None, "new", None, "USD", tuple(lines))
    checked = check_lines(
        b, order, BOOK, offers or {}, lambda text: read_reference(KEY, "acme", text)
    )
    return [
        f"{c.part} x {c.quantity} at {c.unit_price}: {c.user_id}/{c.project_id}" for c in checked
    ]


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


def test_an_unreadable_tolerance_is_the_suppliers_problem_not_the_buyers() -> None:
    with pytest.raises(Postponed, match="price_tolerance"):
        check(buyer(price_tolerance="5%"), line())


def test_an_offer_for_another_template_is_refused() -> None:
    ref = make_reference(KEY, "acme", 12345, 42)
    offers = {ref: {"template": "LH-A4-120", "quantity": "1"}}
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
    offers = {ref: {"template": PART, "quantity": offered}}
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
    assert check(buyer(), oci, offers={ref: {"template": PART, "quantity": "1"}})
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
