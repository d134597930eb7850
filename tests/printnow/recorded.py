"""Recorded PrintNow answers used by the client's unit tests (``responses``).

They are the seeds' documented shapes. ``test_contract.py`` checks them against what the
sandbox answers, so the unit tests and the end-to-end tests speak about the same API.
"""

from __future__ import annotations

from typing import Any

USER = {
    "id": 7,
    "username": "janesmith",
    "first_name": "Jane",
    "last_name": "Smith",
    "email": "jane@example.com",
    "is_temp": False,
}
TEMP_USER = {
    "id": 8,
    "username": "tmp_3f9a2c",
    "password": "generated-pw",
    "first_name": "",
    "last_name": "",
    "email": "",
    "is_temp": True,
    "storefront_id": 1,
}
PROJECT = {
    "id": 31,
    "name": "Business Cards - Jane Smith",
    "external_id": "BC-STD-85x55",
    "fields": {"name_on_card": "Jane Smith"},
}
ORDER_ITEM = {
    "id": 501,
    "product_id": 31,
    "name": "Business Cards",
    "status": "New Order",
    "quantity": 500,
    "sub_total": 45.0,
    "base_price": 40.0,
    "options_price": 5.0,
    "markup_price": 0.0,
    "image_fee": 0.0,
    "download_fee": 0.0,
    "weight": 1.5,
    "created_on": "2026-11-22T10:00:00Z",
    "due_on": "2026-11-29T10:00:00Z",
    "item_number": "1001-1",
    "model_number": "STD-BC",
    "integration_id": "BC-STD-85x55",
    "vendor": "Demo Print Shop Production",
    "notes": "",
    "reorder_ref": None,
    "options": [
        {
            "name": "Paper Stock",
            "value": "400gsm Matte",
            "option_integration_id": "OPT-STOCK",
            "value_integration_id": "VAL-400M",
        }
    ],
    "parametric": None,
    "external_id": "PO-1001",
}
ORDER = {
    "storefront": "Demo Print Shop",
    "id": 1001,
    "is_archived": False,
    "is_deleted": False,
    "integration_id": "PO-1001",
    "status": "New Order",
    "customer": {
        "id": 7,
        "first_name": "Jane",
        "last_name": "Smith",
        "email": "jane@example.com",
        "username": "janesmith",
    },
    "po_number": "PO-1001",
    "sub_total": 45.0,
    "created_on": "2026-11-22T10:00:00Z",
    "shipped_on": None,
    "items": [ORDER_ITEM],
    "tracking_numbers": [],
}
CUSTOMER = {
    "storefront": "Demo Print Shop",
    "storefront_id": 1,
    "id": 7,
    "first_name": "Jane",
    "last_name": "Smith",
    "email": "jane@example.com",
    "username": "janesmith",
    "receive_marketing_emails": False,
    "last_logged_in_on": None,
    "created_on": "2026-11-22T10:00:00Z",
    "last_updated_on": "2026-11-22T10:00:00Z",
    "company": "Acme",
    "organization": None,
    "user_groups": [],
    "tax_exempt": False,
    "is_temporary": False,
}


def shape(value: Any) -> Any:
    """The JSON shape of ``value``: keys and value types, not values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def compatible(recorded: Any, live: Any, where: str = "") -> list[str]:
    """Differences between a recorded shape and a live one (null and [] match anything)."""
    if recorded == "null" or live == "null" or recorded == [] or live == []:
        return []
    if isinstance(recorded, dict) and isinstance(live, dict):
        problems = [f"{where}.{k} missing live" for k in recorded if k not in live]
        for k in recorded.keys() & live.keys():
            problems += compatible(recorded[k], live[k], f"{where}.{k}")
        return problems
    if isinstance(recorded, list) and isinstance(live, list):
        return compatible(recorded[0], live[0], f"{where}[]")
    return [] if recorded == live else [f"{where}: recorded {recorded} but live {live}"]
