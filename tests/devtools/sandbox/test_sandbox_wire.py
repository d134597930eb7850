"""The sandbox's HTTP edge: Basic Auth, strict bodies, and JSON for every error on /api."""

from __future__ import annotations

import pytest
from flask import Flask

from punchout.devtools.sandbox import SandboxConfig
from punchout.devtools.sandbox.wire import STATE_KEY
from tests.devtools.sandbox.helpers import AUTH, Api


@pytest.mark.parametrize(
    "auth", [None, ("sandbox-token", "wrong"), ("wrong", "sandbox-key"), ("", "")]
)
@pytest.mark.parametrize(
    "path", ["/api/v2/order/1", "/api/v2/pipo/project/all", "/api/v2/nowhere", "/_sandbox/state"]
)
def test_every_api_call_needs_basic_auth(api: Api, auth: tuple[str, str] | None, path: str) -> None:
    response = api.client.get(path, auth=auth)
    assert response.status_code == 401
    assert response.json == {"message": "Authorization has been denied for this request."}
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_bearer_auth_is_not_basic_auth(api: Api) -> None:
    response = api.client.get("/api/v2/order/1", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401


def test_config_repr_hides_the_credentials() -> None:
    text = repr(SandboxConfig(api_token="tok-XYZ", api_key="key-XYZ"))
    assert "XYZ" not in text and "merge_seconds" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "The request body is not valid JSON"),
        ("", "A JSON object body is required."),
        ("[1, 2]", "The request body must be a JSON object, not an array."),
        ('"text"', "The request body must be a JSON object, not a string."),
        ("null", "The request body must be a JSON object, not null."),
        ("\xff\xfe", "The request body is not valid JSON"),
    ],
)
def test_malformed_bodies_are_400_with_a_message(api: Api, data: str, message: str) -> None:
    response = api.post(
        "/pipo/user/login", data=data.encode("latin-1"), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["message"].startswith(message)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/pipo/user/login", {"password": "x", "storefront_id": 1}, "username is required."),
        (
            "/pipo/user/login",
            {"username": "  ", "password": "x", "storefront_id": 1},
            "username is required.",
        ),
        (
            "/pipo/user/login",
            {"username": 5, "password": "x", "storefront_id": 1},
            "username must be a string, not a number.",
        ),
        (
            "/pipo/user/login",
            {"username": "u", "password": "x", "storefront_id": True},
            "storefront_id must be an integer, not a boolean.",
        ),
        ("/pipo/user/createtemp", {}, "storefront_id is required."),
        ("/pipo/user/createtemp", {"storefront_id": 1.5}, "storefront_id must be an integer"),
        ("/pipo/user/create", {"storefront_id": 1, "username": "u"}, "password is required."),
    ],
)
def test_missing_and_mistyped_fields_are_400(
    api: Api, path: str, body: dict[str, object], message: str
) -> None:
    response = api.post(path, json=body)
    assert response.status_code == 400
    assert response.json["message"].startswith(message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "product_id is required."),
        ({"product_id": 42}, "product_id must be an array of integers, not a number."),
        ({"product_id": ["42"]}, "product_id must be an array of integers; found a string."),
        ({"product_id": [42], "external_id": 7}, "external_id must be a string"),
    ],
)
def test_order_create_bad_input(api: Api, body: dict[str, object], message: str) -> None:
    token = api.user_session()
    response = api.post("/pipo/order/create", token=token, json=body)
    assert response.status_code == 400
    assert response.json["message"].startswith(message)


def test_a_bad_token_is_reported_before_a_bad_body(api: Api) -> None:
    response = api.post("/pipo/order/create", token="nope", data=b"{broken")
    assert response.status_code == 403


def test_unknown_paths_and_methods_are_json(api: Api) -> None:
    response = api.get("/pipo/nothing/here")
    assert response.status_code == 404
    assert response.json == {"message": "No resource matches /api/v2/pipo/nothing/here."}
    response = api.get("/pipo/project/not-a-number", token="x")
    assert response.status_code == 404 and "message" in response.json
    response = api.call("PUT", "/order/1")
    assert response.status_code == 405
    assert response.json == {"message": "The resource does not support the PUT method."}
    assert "GET" in response.headers["Allow"]
    response = api.get("/_sandbox/nothing")
    assert response.status_code == 404 and response.is_json


def test_oversized_bodies_are_413_json(api: Api) -> None:
    response = api.post("/pipo/user/login", data=b"{" + b" " * 1_100_000 + b"}")
    assert response.status_code == 413
    assert response.is_json and "message" in response.json


def test_unexpected_errors_are_a_json_500_without_traceback(
    app: Flask, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("internal detail")

    monkeypatch.setattr(app.extensions[STATE_KEY], "get_order", broken)
    response = api.get("/order/1")
    assert response.status_code == 500
    assert response.json == {"message": "An unexpected error occurred in the sandbox."}
    assert b"internal detail" not in response.data and b"Traceback" not in response.data


def test_json_answers_keep_the_documented_key_order(api: Api) -> None:
    token = api.user_session()
    assert api.get("/pipo/user/info", token=token).data.startswith(b'{"id":')


def test_auth_is_checked_before_the_route(api: Api) -> None:
    assert api.client.put("/api/v2/order/1").status_code == 401
    assert api.call("PUT", "/order/1", auth=AUTH).status_code == 405
