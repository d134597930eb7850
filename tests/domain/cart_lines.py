"""Cart lines for tests, priced as the example price book would price them."""

from __future__ import annotations

from decimal import Decimal

from punchout.domain.cart import CartLine
from punchout.domain.pricebook import CENT, PricedLine
from punchout.printnow import Project


def cart_line(
    *,
    reference: str,
    template: str = "BC-STD-85x55",
    quantity: Decimal = Decimal(1),
    unit_price: Decimal = Decimal("45.00"),
    project_id: int = 42,
) -> CartLine:
    priced = PricedLine(
        template=template,
        quantity=quantity,
        unit_price=unit_price,
        currency="USD",
        description="Business cards",
        unit_of_measure="BX",
        unspsc="82121512",
        lead_time_days=3,
        amount=(unit_price * quantity).quantize(CENT),
    )
    return CartLine(Project(project_id, "cards", template), reference, priced)
