"""Orders API of the sandbox (seed 003): order shape, merge delay and downloads, statuses."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from punchout.devtools.sandbox import create_sandbox_app
from tests.devtools.sandbox.helpers import MERGE, Api, FakeClock, make_config

# The keys of the seed's Get Order example, plus the documented po_number and two extras.
ORDER_KEYS = [
    "storefront",
    "id",
    "is_archived",
    "is_deleted",
    "integration_id",
    "status",
    "customer",
    "shipping_address",
    "billing_address",
    "payment_creditcard",
    "payment_check",
    "payment_cod",
    "payment_po",
    "payment_invoice",
    "payment_paypal",
    "payment_reference",
    "payment_avscode",
    "payment_cvcode",
    "card_type",
    "card_number",
    "po_number",
    "tax_total",
    "shipping_total",
    "sub_total",
    "promotion_total",
    "promotion_code",
    "created_on",
    "shipped_on",
    "shipping_provider",
    "shipping_service",
    "items",
    "checkout_fields",
    "tracking_numbers",
]
ITEM_KEYS = [
    "id",
    "product_id",
    "name",
    "status",
    "quantity",
    "sub_total",
    "base_price",
    "options_price",
    "markup_price",
    "image_fee",
    "download_fee",
    "weight",
    "created_on",
    "due_on",
    "item_number",
    "model_number",
    "integration_id",
    "vendor",
    "notes",
    "reorder_ref",
    "options",
    "parametric",
    "external_id",
    "tracking_numbers",
]
ADDRESS_KEYS = {
    "id",
    "name",
    "company",
    "first_name",
    "last_name",
    "line_1",
    "line_2",
    "line_3",
    "line_4",
    "city",
    "state",
    "postal_code",
    "phone",
    "email",
    "country_code",
    "is_residential",
}


@pytest.fixture
def token(api: Api) -> str:
    return api.user_session("demo.buyer")


def test_get_order_has_the_documented_shape(api: Api, token: str) -> None:
    order_id = api.order(token, count=2, external_id="PO-2026-001")
    response = api.get(f"/order/{order_id}")
    assert response.status_code == 200
    order = response.json
    assert list(order) == ORDER_KEYS
    assert order["storefront"] == "Demo Print Shop"
    assert order["customer"] == {
        "id": api.user_id(token),
        "first_name": "Demo",
        "last_name": "Buyer",
        "email": "demo.buyer@example.com",
        "username": "demo.buyer",
    }
    assert set(order["shipping_address"]) == ADDRESS_KEYS == set(order["billing_address"])
    assert order["checkout_fields"] == [{"name": "PO Number", "value": "PO-2026-001"}]
    assert order["created_on"].endswith("Z") and order["shipped_on"] is None
    assert [list(i) for i in order["items"]] == [ITEM_KEYS, ITEM_KEYS]
    item = order["items"][0]
    assert item["options"] == [
        {
            "name": "Paper Stock",
            "value": "400gsm Matte",
            "option_integration_id": "OPT-STOCK",
            "value_integration_id": "VAL-400M",
        }
    ]
    assert item["sub_total"] == item["base_price"] + item["options_price"]
    assert order["sub_total"] == sum(i["sub_total"] for i in order["items"])


def test_unknown_order_and_item_are_404(api: Api, token: str) -> None:
    order_id = api.order(token)
    for path in [
        "/order/999",
        "/order/999/download",
        "/order/999/download/1",
        "/order/999/assets/1",
    ]:
        response = api.get(path)
        assert (response.status_code, response.json) == (404, {"message": "Order not found."})
    for path in [f"/order/{order_id}/download/1", f"/order/{order_id}/assets/1"]:
        response = api.get(path)
        assert (response.status_code, response.json) == (404, {"message": "Item not found."})
    for path in [f"/order/{order_id}/shipped/1", f"/order/{order_id}/status/1"]:
        response = api.patch(path, json={"order_status": "New Order"})
        assert (response.status_code, response.json) == (404, {"message": "Item not found."})
    response = api.patch("/order/999/status", json={"order_status": "New Order"})
    assert (response.status_code, response.json) == (404, {"message": "Order not found."})


def test_download_waits_for_the_merge_then_serves_a_zip(
    api: Api, token: str, clock: FakeClock
) -> None:
    order_id = api.order(token, count=2)
    item_ids = [i["id"] for i in api.get(f"/order/{order_id}").json["items"]]

    def conflicts() -> None:
        response = api.get(f"/order/{order_id}/download")
        assert response.status_code == 409
        assert response.headers["Retry-After"] == "60"
        assert response.json == {"message": "All items have not completed merge process."}
        response = api.get(f"/order/{order_id}/download/{item_ids[0]}")
        assert response.status_code == 409
        assert response.headers["Retry-After"] == "30"
        assert response.json == {"message": "Item has not completed merge process."}

    conflicts()  # never processed
    assert api.get(f"/pipo/order/{order_id}/process", token=token).json is True
    conflicts()  # merging
    clock.advance(MERGE - 0.1)
    conflicts()
    clock.advance(0.2)

    response = api.get(f"/order/{order_id}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f'filename="order-{order_id}.zip"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert names == [f"item-{i}-bc-std-85x55.pdf" for i in item_ids]
        pdf = archive.read(names[0])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"Demo Buyer" in pdf

    response = api.get(f"/order/{order_id}/download/{item_ids[1]}")
    assert response.status_code == 200
    assert f'filename="item-{item_ids[1]}.zip"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.namelist() == [f"item-{item_ids[1]}-bc-std-85x55.pdf"]


def test_merge_delay_runs_on_the_real_clock_too(api: Api) -> None:
    app = create_sandbox_app(make_config(merge_seconds=1.0))
    real = Api(app.test_client())
    token = real.user_session()
    order_id = real.order(token)
    real.get(f"/pipo/order/{order_id}/process", token=token)
    assert real.get(f"/order/{order_id}/download").status_code == 409
    deadline = time.monotonic() + 10
    while real.get(f"/order/{order_id}/download").status_code == 409:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_assets_are_a_zip_of_the_design(api: Api, token: str) -> None:
    order_id = api.order(token)
    item_id = api.get(f"/order/{order_id}").json["items"][0]["id"]
    response = api.get(f"/order/{order_id}/assets/{item_id}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f'filename="item-assets-{item_id}.zip"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.namelist() == [f"item-{item_id}-design.json"]
        assert b"Demo Buyer" in archive.read(f"item-{item_id}-design.json")


def test_mark_shipped_sets_status_date_and_tracking(api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    response = api.patch(f"/order/{order_id}/shipped", json={"tracking_number": "1Z999"})
    assert (response.status_code, response.data) == (204, b"")
    api.patch(f"/order/{order_id}/shipped", json={"tracking_number": "1Z999"})  # duplicate
    api.patch(f"/order/{order_id}/shipped", json={"tracking_number": "1Z888"})
    assert api.patch(f"/order/{order_id}/shipped").status_code == 204  # body is optional
    order = api.get(f"/order/{order_id}").json
    assert order["tracking_numbers"] == ["1Z999", "1Z888"]
    assert order["status"] == "Order Shipped"
    assert {i["status"] for i in order["items"]} == {"Order Shipped"}
    assert order["shipped_on"] is not None


def test_mark_item_shipped_changes_only_that_item(api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    first, second = (i["id"] for i in api.get(f"/order/{order_id}").json["items"])
    assert api.patch(f"/order/{order_id}/shipped/{first}", json={}).status_code == 204
    order = api.get(f"/order/{order_id}").json
    assert [i["status"] for i in order["items"]] == ["Order Shipped", "New Order"]
    assert (order["status"], order["shipped_on"]) == ("New Order", None)
    api.patch(f"/order/{order_id}/shipped/{second}")
    order = api.get(f"/order/{order_id}").json
    assert order["status"] == "Order Shipped" and order["shipped_on"] is not None


def test_mark_shipped_without_a_shipped_status_is_400() -> None:
    app = create_sandbox_app(make_config(order_statuses=("New Order", "Done")))
    api = Api(app.test_client())
    order_id = api.order(api.user_session())
    response = api.patch(f"/order/{order_id}/shipped")
    assert (response.status_code, response.json) == (400, {"message": "Bad Request"})


def test_update_status_matches_case_insensitively(api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    body = {
        "order_status": "in PRODUCTION",
        "comments": "Sent to press\nsecond line",
        "user_initials": "DB",
        "notify_customer": True,
        "tracking_number": "TRK-1",
    }
    response = api.patch(f"/order/{order_id}/status", json=body)
    assert (response.status_code, response.data) == (204, b"")
    order = api.get(f"/order/{order_id}").json
    assert order["status"] == "In Production"
    assert {i["status"] for i in order["items"]} == {"In Production"}
    assert order["tracking_numbers"] == ["TRK-1"] and order["shipped_on"] is None
    history = api.get("/_sandbox/state").json["orders"][0]["history"]
    assert history[-1]["comments"] == "Sent to press\nsecond line"
    assert history[-1]["note"] == "Updated via API"


def test_update_status_to_the_shipping_status_sets_shipped_on(api: Api, token: str) -> None:
    order_id = api.order(token)
    api.patch(f"/order/{order_id}/status", json={"order_status": "order shipped"})
    assert api.get(f"/order/{order_id}").json["shipped_on"] is not None


def test_update_item_status(api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    first, _ = (i["id"] for i in api.get(f"/order/{order_id}").json["items"])
    response = api.patch(f"/order/{order_id}/status/{first}", json={"order_status": "Cancelled"})
    assert response.status_code == 204
    order = api.get(f"/order/{order_id}").json
    assert [i["status"] for i in order["items"]] == ["Cancelled", "New Order"]
    assert order["status"] == "New Order"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"order_status": "Lost in space"}, "is not a status of this storefront"),
        ({}, "order_status is required."),
        ({"order_status": 3}, "order_status must be a string"),
        ({"order_status": "New Order", "notify_customer": "yes"}, "notify_customer must be"),
    ],
)
def test_update_status_bad_input_is_400(api: Api, token: str, body: object, message: str) -> None:
    order_id = api.order(token)
    response = api.patch(f"/order/{order_id}/status", json=body)
    assert response.status_code == 400
    assert message in response.json["message"]
    assert api.get(f"/order/{order_id}").json["status"] == "New Order"
