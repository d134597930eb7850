"""Customers API of the sandbox (seed 001): create, get, update/convert, transfer, delete."""

from __future__ import annotations

from typing import Any

import pytest

from punchout.devtools.sandbox import create_sandbox_app
from tests.devtools.sandbox.helpers import Api, make_config

# The keys of the seed's Get Customer example, in its order.
CUSTOMER_KEYS = [
    "storefront",
    "storefront_id",
    "id",
    "first_name",
    "last_name",
    "email",
    "username",
    "receive_marketing_emails",
    "last_logged_in_on",
    "created_on",
    "last_updated_on",
    "company",
    "organization",
    "user_groups",
    "tax_exempt",
    "is_temporary",
]


def _new(**overrides: Any) -> dict[str, Any]:
    body = {
        "storefront_id": 1,
        "username": "demo.buyer",
        "password": "secure-pass",
        "email": "demo.buyer@example.com",
        "first_name": "Demo",
        "last_name": "Buyer",
        "company": "Example Corp",
    }
    body.update(overrides)
    return body


def test_create_permanent_customer_returns_the_customer_object(api: Api) -> None:
    response = api.post("/customer", json=_new(receive_marketing_emails=True))
    assert response.status_code == 200
    customer = response.json
    assert list(customer) == CUSTOMER_KEYS
    assert customer == {
        **customer,
        "storefront": "Demo Print Shop",
        "storefront_id": 1,
        "username": "demo.buyer",
        "email": "demo.buyer@example.com",
        "company": "Example Corp",
        "receive_marketing_emails": True,
        "last_logged_in_on": None,
        "user_groups": [],
        "tax_exempt": False,
        "is_temporary": False,
    }
    assert "password" not in customer
    assert api.get(f"/customer/{customer['id']}").json == customer
    api.login("demo.buyer", "secure-pass")
    assert api.get(f"/customer/{customer['id']}").json["last_logged_in_on"].endswith("Z")


def test_create_temporary_customer_ignores_other_fields(api: Api) -> None:
    response = api.post(
        "/customer", json={"storefront_id": 1, "is_temporary": True, "username": "ignored"}
    )
    assert response.status_code == 200
    customer = response.json
    assert customer["is_temporary"] is True
    assert customer["username"] != "ignored" and customer["username"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "ab"}, "Username must be between 3 and 50 characters."),
        ({"username": "x" * 51}, "Username must be between 3 and 50 characters."),
        ({"password": "12345"}, "Password must be at least 6 characters."),
        ({"email": None}, "email is required."),
        ({"email": "not-an-address"}, "Email address is not valid."),
        ({"first_name": ""}, "first_name is required."),
        ({"storefront_id": None}, "storefront_id is required."),
        ({"storefront_id": "1"}, "storefront_id must be an integer, not a string."),
        ({"receive_marketing_emails": "yes"}, "receive_marketing_emails must be true or false"),
    ],
)
def test_create_customer_validation(api: Api, overrides: dict[str, Any], message: str) -> None:
    response = api.post("/customer", json=_new(**overrides))
    assert response.status_code == 400
    assert response.json["message"].startswith(message)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "other@example.com"}, "Username is already in use."),
        (
            {"username": "other", "email": "DEMO.BUYER@example.com"},
            "Email address is already in use.",
        ),
    ],
)
def test_create_customer_duplicates_are_400(
    api: Api, overrides: dict[str, Any], message: str
) -> None:
    assert api.post("/customer", json=_new()).status_code == 200
    response = api.post("/customer", json=_new(**overrides))
    assert (response.status_code, response.json) == (400, {"message": message})


def test_unknown_customer_is_404(api: Api) -> None:
    for response in [
        api.get("/customer/999"),
        api.patch("/customer/999", json={"first_name": "X"}),
        api.delete("/customer/999"),
        api.patch("/customer/999/transfer", json={"id": 1}),
    ]:
        assert (response.status_code, response.json) == (404, {"message": "Customer not found."})


def test_update_permanent_customer(api: Api) -> None:
    customer = api.post("/customer", json=_new()).json
    body = {
        "first_name": "Sample",
        "company": "Other Corp",
        "tax_exempt": True,
        "receive_marketing_emails": True,
        "password": "brand-new",
    }
    response = api.patch(f"/customer/{customer['id']}", json=body)
    assert response.status_code == 200
    updated = response.json
    assert (updated["first_name"], updated["last_name"], updated["company"]) == (
        "Sample",
        "Buyer",
        "Other Corp",
    )
    assert updated["tax_exempt"] is True and updated["receive_marketing_emails"] is True
    api.login("demo.buyer", "brand-new")
    response = api.patch(f"/customer/{customer['id']}", json={"password": "short"})
    assert (response.status_code, response.json) == (
        400,
        {"message": "Password must be at least 6 characters."},
    )


def test_patching_a_temp_customer_converts_it(api: Api) -> None:
    temp = api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).json
    body = {k: v for k, v in _new().items() if k != "storefront_id"}
    response = api.patch(f"/customer/{temp['id']}", json={**body, "is_temporary": False})
    assert response.status_code == 200
    converted = response.json
    assert (converted["id"], converted["is_temporary"], converted["username"]) == (
        temp["id"],
        False,
        "demo.buyer",
    )
    api.login("demo.buyer", "secure-pass")


def test_patching_a_temp_customer_with_is_temporary_omitted_converts_it(api: Api) -> None:
    temp = api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).json
    body = {k: v for k, v in _new().items() if k != "storefront_id"}
    assert api.patch(f"/customer/{temp['id']}", json=body).json["is_temporary"] is False


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"first_name": "Guest", "is_temporary": True}, "A temporary customer cannot be updated"),
        ({"first_name": "Guest"}, "username is required."),
    ],
)
def test_a_temp_customer_cannot_be_updated_without_converting(
    api: Api, body: dict[str, Any], message: str
) -> None:
    temp = api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).json
    response = api.patch(f"/customer/{temp['id']}", json=body)
    assert response.status_code == 400
    assert response.json["message"].startswith(message)
    assert api.get(f"/customer/{temp['id']}").json["is_temporary"] is True


def test_converting_to_a_taken_username_is_400(api: Api) -> None:
    api.post("/customer", json=_new())
    temp = api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).json
    body = _new(email="fresh@example.com")
    response = api.patch(f"/customer/{temp['id']}", json=body)
    assert (response.status_code, response.json) == (
        400,
        {"message": "Username is already in use."},
    )


def test_transfer_moves_projects_and_sessions_to_the_destination(api: Api) -> None:
    destination = api.post("/customer", json=_new()).json
    temp_user, temp_token = api.temp_session()
    project = api.project(temp_token)
    response = api.patch(f"/customer/{temp_user['id']}/transfer", json={"id": destination["id"]})
    assert response.status_code == 200
    assert response.json["id"] == destination["id"]
    assert api.get("/pipo/user/info", token=temp_token).json["id"] == destination["id"]
    token = api.login("demo.buyer", "secure-pass")
    assert [p["id"] for p in api.get("/pipo/project/all", token=token).json] == [project["id"]]


def test_transfer_rules(api: Api) -> None:
    permanent = api.post("/customer", json=_new()).json
    other = api.post("/customer", json=_new(username="other", email="o@example.com")).json
    temp = api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).json
    cases = [
        (permanent["id"], {"id": other["id"]}, "The source customer is not a temporary user."),
        (temp["id"], {"id": temp["id"]}, "The destination customer is not a permanent user."),
        (temp["id"], {}, "id is required."),
        (temp["id"], {"id": "12"}, "id must be an integer, not a string."),
    ]
    for source, body, message in cases:
        response = api.patch(f"/customer/{source}/transfer", json=body)
        assert (response.status_code, response.json) == (400, {"message": message})


def test_transfer_across_storefronts_is_400() -> None:
    config = make_config(storefronts=((1, "Demo Print Shop"), (2, "Second Shop")))
    api = Api(create_sandbox_app(config).test_client())
    destination = api.post("/customer", json=_new(storefront_id=2)).json
    temp = api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).json
    response = api.patch(f"/customer/{temp['id']}/transfer", json={"id": destination["id"]})
    assert (response.status_code, response.json) == (
        400,
        {"message": "Both customers must belong to the same storefront."},
    )
    assert destination["storefront"] == "Second Shop"


def test_delete_is_soft_and_ends_sessions(api: Api) -> None:
    customer = api.post("/customer", json=_new()).json
    token = api.login("demo.buyer", "secure-pass")
    response = api.delete(f"/customer/{customer['id']}")
    assert (response.status_code, response.data) == (204, b"")
    assert api.get(f"/customer/{customer['id']}").status_code == 404
    assert api.get("/pipo/user/loggedin", token=token).json is False
    response = api.post(
        "/pipo/user/login",
        json={"username": "demo.buyer", "password": "secure-pass", "storefront_id": 1},
    )
    assert response.status_code == 401
    assert api.delete(f"/customer/{customer['id']}").status_code == 404
    users = api.get("/_sandbox/state").json["users"]
    assert users[0]["is_deleted"] is True  # kept, only marked


def test_temp_customers_cannot_be_deleted(api: Api) -> None:
    temp = api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).json
    response = api.delete(f"/customer/{temp['id']}")
    assert (response.status_code, response.json) == (
        400,
        {"message": "Temporary customers cannot be deleted."},
    )
