"""PIPO endpoints of the sandbox (seed 000): sessions, users, projects, orders."""

from __future__ import annotations

import pytest

from punchout.devtools.sandbox import create_sandbox_app
from tests.devtools.sandbox.helpers import IDLE, Api, FakeClock, make_config

EXPIRED = {"message": "token is invalid or expired"}


# ---------------------------------------------------------------- login, session, logout


def test_login_returns_a_token_string_that_identifies_the_user(api: Api) -> None:
    token = api.user_session("demo.buyer")
    assert isinstance(token, str) and len(token) >= 20
    assert api.get("/pipo/user/loggedin", token=token).json is True
    info = api.get("/pipo/user/info", token=token).json
    assert info == {
        "id": info["id"],
        "username": "demo.buyer",
        "first_name": "Demo",
        "last_name": "Buyer",
        "email": "demo.buyer@example.com",
        "is_temp": False,
    }
    assert api.get("/pipo/user/istemp", token=token).json is False


def test_login_matches_the_username_case_insensitively(api: Api) -> None:
    api.user_session("demo.buyer")
    assert api.login("Demo.Buyer", "secret-pw")


@pytest.mark.parametrize(
    ("username", "password", "storefront_id"),
    [("demo.buyer", "wrong-pw", 1), ("nobody", "secret-pw", 1), ("demo.buyer", "secret-pw", 2)],
)
def test_bad_login_is_401(api: Api, username: str, password: str, storefront_id: int) -> None:
    api.user_session("demo.buyer")
    body = {"username": username, "password": password, "storefront_id": storefront_id}
    response = api.post("/pipo/user/login", json=body)
    assert response.status_code == 401
    assert response.json == {"message": "username or password is incorrect"}


def test_logout_invalidates_the_token(api: Api) -> None:
    token = api.user_session()
    response = api.get("/pipo/user/logout", token=token)
    assert (response.status_code, response.json) == (200, True)
    assert api.get("/pipo/user/loggedin", token=token).json is False
    response = api.get("/pipo/user/info", token=token)
    assert (response.status_code, response.json) == (403, EXPIRED)
    assert api.get("/pipo/user/logout", token=token).status_code == 403


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_token_endpoints_refuse_a_missing_or_unknown_token(api: Api, token: str | None) -> None:
    for method, path in [
        ("GET", "/pipo/user/info"),
        ("GET", "/pipo/user/istemp"),
        ("GET", "/pipo/project/all"),
        ("GET", "/pipo/project/42"),
        ("DELETE", "/pipo/project/42"),
        ("GET", "/pipo/order/5001/process"),
        ("POST", "/pipo/user/convert"),
        ("POST", "/pipo/user/transfer"),
        ("POST", "/pipo/order/create"),
        ("POST", "/pipo/user/info"),
    ]:
        response = api.call(method, path, token=token, json={})
        assert (response.status_code, response.json) == (403, EXPIRED), path
    assert api.get("/pipo/user/loggedin", token=token).json is False


def test_token_expires_after_idle_period_and_each_call_refreshes_it(
    api: Api, clock: FakeClock
) -> None:
    token = api.user_session()
    for _ in range(3):  # each call restarts the idle period
        clock.advance(IDLE * 0.9)
        assert api.get("/pipo/project/all", token=token).status_code == 200
    clock.advance(IDLE * 0.9)
    assert api.get("/pipo/user/loggedin", token=token).json is True  # refreshes too
    clock.advance(IDLE + 1)
    response = api.get("/pipo/user/info", token=token)
    assert (response.status_code, response.json) == (403, EXPIRED)
    assert api.get("/pipo/user/loggedin", token=token).json is False


def test_expired_token_stays_dead_after_a_fresh_login(api: Api, clock: FakeClock) -> None:
    old = api.user_session()
    clock.advance(IDLE + 1)
    new = api.login("demo.buyer", "secret-pw")
    assert new != old
    assert api.get("/pipo/user/loggedin", token=old).json is False
    assert api.get("/pipo/user/loggedin", token=new).json is True


# ---------------------------------------------------------------- create, temp, convert


def test_create_user_answers_true(api: Api) -> None:
    body = {
        "storefront_id": 1,
        "username": "demo.buyer",
        "password": "secret-pw",
        "email": "demo.buyer@example.com",
        "first_name": "Demo",
        "last_name": "Buyer",
    }
    response = api.post("/pipo/user/create", json=body)
    assert (response.status_code, response.json) == (200, True)


@pytest.mark.parametrize(
    ("username", "email", "message"),
    [
        ("DEMO.buyer", "other@example.com", "duplicate user name"),
        ("other", "Demo.Buyer@example.com", "duplicate email"),
    ],
)
def test_create_user_refuses_duplicates_with_409(
    api: Api, username: str, email: str, message: str
) -> None:
    api.user_session("demo.buyer")
    body = {
        "storefront_id": 1,
        "username": username,
        "password": "secret-pw",
        "email": email,
        "first_name": "Demo",
        "last_name": "Buyer",
    }
    response = api.post("/pipo/user/create", json=body)
    assert (response.status_code, response.json) == (409, {"message": message})


def test_create_user_on_an_unknown_storefront_is_400(api: Api) -> None:
    body = {
        "storefront_id": 99,
        "username": "a",
        "password": "b",
        "email": "c@example.com",
        "first_name": "d",
        "last_name": "e",
    }
    response = api.post("/pipo/user/create", json=body)
    assert response.status_code == 400
    assert "storefront_id 99" in response.json["message"]


def test_createtemp_returns_a_user_with_generated_credentials(api: Api) -> None:
    response = api.post("/pipo/user/createtemp", json={"storefront_id": 1})
    assert response.status_code == 200
    user = response.json
    assert list(user) == [
        "id",
        "username",
        "password",
        "first_name",
        "last_name",
        "email",
        "is_temp",
        "storefront_id",
    ]
    assert user["is_temp"] is True and user["storefront_id"] == 1
    assert user["username"] and len(user["password"]) >= 12
    other = api.post("/pipo/user/createtemp", json={"storefront_id": 1}).json
    assert other["username"] != user["username"] and other["password"] != user["password"]
    token = api.login(user["username"], user["password"])
    assert api.get("/pipo/user/istemp", token=token).json is True
    assert api.get("/pipo/user/info", token=token).json["is_temp"] is True


def _account(username: str = "new.buyer", email: str = "new.buyer@example.com") -> dict[str, str]:
    return {
        "username": username,
        "password": "new-secret",
        "email": email,
        "first_name": "Demo",
        "last_name": "Buyer",
    }


def test_convert_makes_the_temp_user_permanent_with_the_given_credentials(api: Api) -> None:
    user, token = api.temp_session()
    response = api.post("/pipo/user/convert", token=token, json=_account())
    assert (response.status_code, response.json) == (200, True)
    assert api.get("/pipo/user/istemp", token=token).json is False
    info = api.get("/pipo/user/info", token=token).json
    assert (info["id"], info["username"], info["email"]) == (
        user["id"],
        "new.buyer",
        "new.buyer@example.com",
    )
    assert api.login("new.buyer", "new-secret")
    response = api.post(
        "/pipo/user/login",
        json={"username": user["username"], "password": user["password"], "storefront_id": 1},
    )
    assert response.status_code == 401


def test_convert_refuses_a_permanent_user_and_duplicates(api: Api) -> None:
    permanent = api.user_session("demo.buyer")
    response = api.post("/pipo/user/convert", token=permanent, json=_account())
    assert (response.status_code, response.json) == (
        403,
        {"message": "current user is not temporary"},
    )
    _, temp = api.temp_session()
    response = api.post("/pipo/user/convert", token=temp, json=_account(username="demo.buyer"))
    assert (response.status_code, response.json) == (409, {"message": "duplicate user name"})
    response = api.post(
        "/pipo/user/convert", token=temp, json=_account(email="demo.buyer@example.com")
    )
    assert (response.status_code, response.json) == (409, {"message": "duplicate email"})
    assert api.get("/pipo/user/istemp", token=temp).json is True


def test_convert_requires_every_field(api: Api) -> None:
    _, token = api.temp_session()
    body = _account()
    del body["email"]
    response = api.post("/pipo/user/convert", token=token, json=body)
    assert (response.status_code, response.json) == (400, {"message": "email is required."})


# ---------------------------------------------------------------- transfer


def test_transfer_moves_projects_and_repoints_the_session(api: Api) -> None:
    destination = api.user_session("demo.buyer")
    kept = api.project(destination, name_on_card="Already there")
    _, temp = api.temp_session()
    moved = api.project(temp, name_on_card="Made as a guest")
    response = api.post(
        "/pipo/user/transfer", token=temp, json={"username": "demo.buyer", "password": "secret-pw"}
    )
    assert (response.status_code, response.json) == (200, True)
    assert api.get("/pipo/user/info", token=temp).json["username"] == "demo.buyer"
    assert api.get("/pipo/user/istemp", token=temp).json is False
    ids = {p["id"] for p in api.get("/pipo/project/all", token=destination).json}
    assert ids == {kept["id"], moved["id"]}


@pytest.mark.parametrize(
    ("session", "username", "password", "message"),
    [
        ("bogus", "demo.buyer", "secret-pw", "token is invalid or expired"),
        ("permanent", "demo.buyer", "secret-pw", "current user is not temporary"),
        ("temp", "nobody", "secret-pw", "username does not exist"),
        ("temp", "demo.buyer", "wrong-pw", "password is incorrect"),
    ],
)
def test_transfer_failures_are_403_with_the_documented_messages(
    api: Api, session: str, username: str, password: str, message: str
) -> None:
    permanent = api.user_session("demo.buyer")
    tokens = {"bogus": "bogus", "permanent": permanent, "temp": api.temp_session()[1]}
    response = api.post(
        "/pipo/user/transfer",
        token=tokens[session],
        json={"username": username, "password": password},
    )
    assert (response.status_code, response.json) == (403, {"message": message})


# ---------------------------------------------------------------- user info update


def test_update_info_changes_names(api: Api) -> None:
    token = api.user_session()
    response = api.post(
        "/pipo/user/info", token=token, json={"first_name": "Sample", "last_name": "Person"}
    )
    assert response.status_code == 200
    assert response.json["first_name"] == "Sample"
    info = api.get("/pipo/user/info", token=token).json
    assert (info["first_name"], info["last_name"]) == ("Sample", "Person")


def test_update_info_changes_password_only_with_the_right_current_one(api: Api) -> None:
    token = api.user_session()
    body = {"current_password": "wrong", "new_password": "changed-pw"}
    assert api.post("/pipo/user/info", token=token, json=body).status_code == 200
    assert api.login("demo.buyer", "secret-pw")  # unchanged
    body = {"current_password": "secret-pw", "new_password": "secret-pw"}
    assert api.post("/pipo/user/info", token=token, json=body).status_code == 200
    assert api.login("demo.buyer", "secret-pw")  # same password: nothing to change
    body = {"current_password": "secret-pw", "new_password": "changed-pw"}
    assert api.post("/pipo/user/info", token=token, json=body).status_code == 200
    assert api.login("demo.buyer", "changed-pw")


def test_update_info_refuses_a_temp_user(api: Api) -> None:
    _, token = api.temp_session()
    response = api.post("/pipo/user/info", token=token, json={"first_name": "Guest"})
    assert (response.status_code, response.json) == (
        403,
        {"message": "current user is temporary"},
    )


# ---------------------------------------------------------------- projects


def test_projects_are_listed_fetched_and_deleted_per_user(api: Api) -> None:
    token = api.user_session()
    assert api.get("/pipo/project/all", token=token).json == []
    card = api.project(token, name_on_card="Demo Buyer", job_title="Buyer")
    banner = api.project(token, "BN-RU-850", headline="Welcome")
    assert card == {
        "id": card["id"],
        "name": "Business Cards – Demo Buyer",
        "external_id": "BC-STD-85x55",
        "fields": {"name_on_card": "Demo Buyer", "job_title": "Buyer"},
    }
    assert api.get("/pipo/project/all", token=token).json == [card, banner]
    assert api.get(f"/pipo/project/{banner['id']}", token=token).json == banner
    response = api.delete(f"/pipo/project/{card['id']}", token=token)
    assert (response.status_code, response.json) == (200, True)
    assert api.get("/pipo/project/all", token=token).json == [banner]
    assert api.get(f"/pipo/project/{card['id']}", token=token).status_code == 404


def test_another_users_project_is_404(api: Api) -> None:
    owner = api.user_session("owner")
    other = api.user_session("other")
    project = api.project(owner)
    for method in ("GET", "DELETE"):
        response = api.call(method, f"/pipo/project/{project['id']}", token=other)
        assert response.status_code == 404
        assert response.json == {"message": "project not found"}
    assert api.get(f"/pipo/project/{project['id']}", token=owner).status_code == 200


# ---------------------------------------------------------------- orders


def test_order_create_keeps_only_the_users_own_projects(api: Api) -> None:
    token = api.user_session("owner")
    mine = [api.project(token)["id"], api.project(token, "LH-A4-120", company_name="Ex")["id"]]
    theirs = api.project(api.user_session("other"))["id"]
    body = {"product_id": [mine[0], 999_999, theirs, mine[1], mine[0]], "external_id": "PO-7"}
    response = api.post("/pipo/order/create", token=token, json=body)
    assert response.status_code == 200
    order_id = response.json
    assert isinstance(order_id, int)
    order = api.get(f"/order/{order_id}").json
    assert [i["product_id"] for i in order["items"]] == mine
    assert order["status"] == "New Order"
    assert order["integration_id"] == "PO-7"
    item = order["items"][1]
    assert (item["name"], item["integration_id"], item["status"]) == (
        "Letterhead – Ex",
        "LH-A4-120",
        "New Order",
    )
    assert item["external_id"] == "PO-7"


def test_order_create_with_no_valid_ids_is_400(api: Api) -> None:
    token = api.user_session("owner")
    theirs = api.project(api.user_session("other"))["id"]
    for ids in ([], [999_999], [theirs]):
        response = api.post("/pipo/order/create", token=token, json={"product_id": ids})
        assert (response.status_code, response.json) == (400, {"message": "no valid product ids"})


def test_order_create_without_external_id_has_no_integration_id(api: Api) -> None:
    token = api.user_session()
    project = api.project(token)
    order_id = api.post(
        "/pipo/order/create", token=token, json={"product_id": [project["id"]]}
    ).json
    order = api.get(f"/order/{order_id}").json
    assert order["integration_id"] is None and order["checkout_fields"] == []


def test_new_orders_get_the_storefronts_first_status() -> None:
    app = create_sandbox_app(make_config(order_statuses=("Received", "Order Shipped")))
    api = Api(app.test_client())
    token = api.user_session()
    order_id = api.order(token)
    assert api.get(f"/order/{order_id}").json["status"] == "Received"


def test_process_answers_true_for_the_owner_and_404_otherwise(api: Api) -> None:
    owner = api.user_session("owner")
    order_id = api.order(owner)
    other = api.user_session("other")
    response = api.get(f"/pipo/order/{order_id}/process", token=other)
    assert (response.status_code, response.json) == (404, {"message": "Order not found."})
    assert api.get("/pipo/order/424242/process", token=owner).status_code == 404
    response = api.get(f"/pipo/order/{order_id}/process", token=owner)
    assert (response.status_code, response.json) == (200, True)
    # Processing again is harmless.
    assert api.get(f"/pipo/order/{order_id}/process", token=owner).json is True
