"""The typed PrintNow results read every field as documented, and absent ones as empty."""

from __future__ import annotations

from punchout.printnow.models import OrderItem, Project


def test_an_order_item_reads_each_field_and_types_it() -> None:
    data = {
        "id": "8001",
        "product_id": "42",
        "name": "Business Cards",
        "status": 3,
        "quantity": "500",
        "sub_total": "125.5",
        "integration_id": 77,
    }
    assert OrderItem.from_json(data) == OrderItem(8001, 42, "Business Cards", "3", 500, 125.5, "77")


def test_an_order_item_without_its_optional_fields() -> None:
    data = {"id": 1, "product_id": None, "name": None, "quantity": None, "sub_total": ""}
    assert OrderItem.from_json(data) == OrderItem(1, None, "", "", 0, 0.0, None)


def test_a_project_reads_its_fields_only_when_they_are_an_object() -> None:
    given = {"id": "7", "name": "Card", "external_id": "BC-1", "fields": {"Name": 5}}
    assert Project.from_json(given) == Project(7, "Card", "BC-1", {"Name": "5"})
    assert Project.from_json({"id": 7, "fields": ["x"]}) == Project(7, "", None, None)
