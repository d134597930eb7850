"""The Orders API fields the documents are made from, typed as Get Order documents them."""

from __future__ import annotations

from decimal import Decimal

from punchout.domain.backchannel.compose import shipped_at
from punchout.printnow import Order

SEED_EXAMPLE = {  # Orders: Get Order, the documented example (the fields used here)
    "id": 5001,
    "integration_id": "EXT-12345",
    "status": "New Order",
    "tax_total": 8.75,
    "shipping_total": 12.50,
    "sub_total": 125.00,
    "promotion_total": 10.00,
    "created_on": "2026-01-20T09:15:00Z",
    "shipped_on": None,
    "shipping_provider": "UPS",
    "shipping_service": "Ground",
    "items": [{"id": 8001, "product_id": 42, "name": "Business Cards", "status": "New Order"}],
}


def test_totals_shipping_and_invoice_fields_are_typed() -> None:
    order = Order.from_json(SEED_EXAMPLE)
    assert (order.sub_total, order.tax_total, order.shipping_total, order.promotion_total) == (
        Decimal("125.0"),
        Decimal("8.75"),
        Decimal("12.5"),
        Decimal("10.0"),
    )
    assert order.invoice_number is None and order.shipped_on is None
    assert (order.shipping_provider, order.shipping_service) == ("UPS", "Ground")
    shipped = Order.from_json(
        {
            **SEED_EXAMPLE,
            "shipped_on": "2026-01-22T16:00:00Z",
            "invoice_number": "INV-9",
            "tax_total": "x",
        }
    )
    assert shipped.invoice_number == "INV-9" and shipped.tax_total == Decimal(0)
    moment = shipped_at(shipped.shipped_on)
    assert moment is not None and moment.isoformat() == "2026-01-22T16:00:00+00:00"
    assert shipped_at("yesterday") is None and shipped_at(None) is None
