"""PrintNow's answers as its documentation shows them, written by hand from the docs.

Each value cites the documentation section it comes from. Where the documentation has a
JSON example it is copied verbatim; where it has only a field table, the object has exactly
the table's fields, with values taken from the same page's examples. Nothing here comes from
the sandbox: ``test_contract.py`` checks the sandbox against these, and the client's unit
tests answer with them.
"""

from __future__ import annotations

from typing import Any

# PIPO: POST /user/login, "Returns a session token string on success" (no example value).
SESSION_TOKEN = "SESSION_TOKEN_HERE"  # the placeholder of the page's curl examples

# PIPO: GET /user/info, "User Response Fields" (no JSON example); values from the page's
# login example ("janesmith") and the Customers example (id 12345, Jane Smith).
USER: dict[str, Any] = {
    "id": 12345,
    "username": "janesmith",
    "first_name": "Jane",
    "last_name": "Smith",
    "email": "jane@example.com",
    "is_temp": False,
}

# PIPO: POST /user/createtemp, "Returns the created User object with is_temp: true"; the
# User fields table adds storefront_id "(only in create/temp requests)". The table lists
# no password, so none is here.
TEMP_USER: dict[str, Any] = {
    "id": 99999,  # Customers: the transfer example's temporary user
    "username": "",
    "first_name": "",
    "last_name": "",
    "email": "",
    "is_temp": True,
    "storefront_id": 1,
}

# PIPO: GET /project/all and /project/{id}, "Project Fields": id, name, external_id only;
# product id 42 from the order/create example, the name from the Orders example item.
PROJECT: dict[str, Any] = {
    "id": 42,
    "name": "Business Cards",
    "external_id": "SKU-BC-500",
}

# PIPO: POST /order/create, "Returns the created order ID (integer)"; the Orders API page
# uses order 5001.
ORDER_ID = 5001

# Orders: GET /order/{orderId}, "Example Response", verbatim.
ORDER: dict[str, Any] = {
    "storefront": "My Print Store",
    "id": 5001,
    "is_archived": False,
    "is_deleted": False,
    "integration_id": "EXT-12345",
    "status": "New Order",
    "customer": {
        "id": 12345,
        "first_name": "Jane",
        "last_name": "Smith",
        "email": "jane@example.com",
        "username": "janesmith",
    },
    "shipping_address": {
        "id": 100,
        "name": "Office",
        "first_name": "Jane",
        "last_name": "Smith",
        "line_1": "123 Main St",
        "city": "New York",
        "state": "NY",
        "postal_code": "10001",
        "country_code": "US",
        "is_residential": False,
    },
    "billing_address": {},
    "payment_creditcard": True,
    "payment_check": False,
    "payment_cod": False,
    "payment_po": False,
    "payment_invoice": False,
    "payment_paypal": False,
    "payment_reference": "ch_abc123",
    "payment_avscode": "Y",
    "payment_cvcode": "M",
    "card_type": "Visa",
    "card_number": "4242",
    "tax_total": 8.75,
    "shipping_total": 12.50,
    "sub_total": 125.00,
    "promotion_total": 10.00,
    "promotion_code": "SAVE10",
    "created_on": "2026-01-20T09:15:00Z",
    "shipped_on": None,
    "shipping_provider": "UPS",
    "shipping_service": "Ground",
    "items": [
        {
            "id": 8001,
            "product_id": 42,
            "name": "Business Cards",
            "status": "New Order",
            "quantity": 500,
            "sub_total": 125.00,
            "base_price": 100.00,
            "options_price": 25.00,
            "markup_price": 0.00,
            "image_fee": 0.00,
            "download_fee": 0.00,
            "weight": 1.5,
            "created_on": "2026-01-20T09:15:00Z",
            "due_on": "2026-01-25T00:00:00Z",
            "item_number": "BC-001",
            "model_number": "STD-BC",
            "integration_id": "SKU-BC-500",
            "vendor": "Print Vendor Inc",
            "notes": "Please use matte finish",
            "reorder_ref": "REF-123",
            "options": [
                {
                    "name": "Paper Stock",
                    "value": "14pt Matte",
                    "option_integration_id": "OPT-1",
                    "value_integration_id": "VAL-1",
                }
            ],
            "parametric": None,
        }
    ],
    "checkout_fields": [{"name": "PO Number", "value": "PO-2026-001"}],
}

# Orders: "Order Response Fields" lists these beyond the example (all strings).
ORDER_TABLE_ONLY = {"check_number": "", "po_number": "", "invoice_number": ""}
# Orders: "Address Object" lists these beyond the example's shipping_address.
ADDRESS_TABLE_ONLY = {
    "company": "",
    "line_2": "",
    "line_3": "",
    "line_4": "",
    "phone": "",
    "email": "",
}

# Customers: GET /customer/{customerId}, "Example Response", verbatim.
CUSTOMER: dict[str, Any] = {
    "storefront": "My Print Store",
    "storefront_id": 1,
    "id": 12345,
    "first_name": "Jane",
    "last_name": "Smith",
    "email": "jane@example.com",
    "username": "janesmith",
    "receive_marketing_emails": True,
    "last_logged_in_on": "2026-01-15T10:30:00Z",
    "created_on": "2025-06-01T14:00:00Z",
    "last_updated_on": "2026-01-15T10:30:00Z",
    "company": "Acme Corp",
    "organization": "Acme Organization",
    "user_groups": ["Wholesale", "VIP"],
    "tax_exempt": True,
    "is_temporary": False,
}

# Orders: "Error Responses" and Customers: "Error Responses" (status, message), and PIPO:
# POST /user/transfer's 403 messages; PIPO: POST /user/create's 409 examples.
DOCUMENTED_ERRORS: list[tuple[str, int, str]] = [
    ("Orders: GET /order/{orderId}", 404, "Order not found."),
    ("Orders: GET /order/{orderId}/download/{itemId}", 404, "Item not found."),
    ("Orders: GET /order/{orderId}/download", 409, "All items have not completed merge process."),
    (
        "Orders: GET /order/{orderId}/download/{itemId}",
        409,
        "Item has not completed merge process.",
    ),
    ("Orders: PATCH /order/{orderId}/shipped", 400, "Bad Request"),
    ("Customers: POST /customer", 400, "Username is already in use."),
    ("Customers: POST /customer", 400, "Email address is already in use."),
    ("Customers: GET /customer/{customerId}", 404, "Customer not found."),
    ("PIPO: POST /user/transfer", 403, "token is invalid or expired"),
    ("PIPO: POST /user/transfer", 403, "current user is not temporary"),
    ("PIPO: POST /user/transfer", 403, "username does not exist"),
    ("PIPO: POST /user/transfer", 403, "password is incorrect"),
    ("PIPO: POST /user/create", 409, "duplicate user name"),
    ("PIPO: POST /user/create", 409, "duplicate email"),
]
