"""Unit tests of the HTTP client against recorded answers (``responses``).

They pin what the sandbox cannot easily show: every documented error status in every body
format (JSON, plain text, empty, an HTML page), dropped connections, timeouts, the retry
policy and that no secret reaches an exception or a log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses

from punchout.printnow import (
    ApiCredentialsRejected,
    AuthenticationFailed,
    BadRequest,
    Conflict,
    DuplicateEmail,
    DuplicateUserName,
    Forbidden,
    NotFound,
    NotReady,
    NotTemporary,
    PrintNowClient,
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
    ServerError,
    TokenInvalid,
    UnexpectedResponse,
    UnknownUsername,
    UserIsTemporary,
    WrongPassword,
)

BASE = "https://printnow.test/api/v2"
TOKEN, KEY, PASSWORD, SESSION = "tok-SECRET-1", "key-SECRET-2", "pw-SECRET-3", "pn-SECRET-4"
SECRETS = (TOKEN, KEY, PASSWORD, SESSION)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> PrintNowClient:
    return PrintNowClient(BASE, TOKEN, KEY, retries=2, backoff=0.1, sleep=sleeps.append)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@responses.activate
def test_login_sends_basic_auth_and_json_and_returns_the_token(client: PrintNowClient) -> None:
    responses.post(f"{BASE}/pipo/user/login", json=SESSION)
    assert client.login("jane", PASSWORD, 3) == SESSION
    call = responses.calls[0]
    assert call.request.headers["Authorization"].startswith("Basic ")
    assert call.request.body == (
        b'{"username": "jane", "password": "pw-SECRET-3", "storefront_id": 3}'
    )


@responses.activate
def test_user_calls_send_the_session_token(client: PrintNowClient) -> None:
    responses.get(
        f"{BASE}/pipo/user/info",
        json={
            "id": 7,
            "username": "u",
            "first_name": "A",
            "last_name": "B",
            "email": "e@x.io",
            "is_temp": True,
        },
    )
    user = client.user_info(SESSION)
    assert (user.id, user.is_temp, user.email) == (7, True, "e@x.io")
    assert responses.calls[0].request.headers["X-PN-TOKEN"] == SESSION


def call_transfer(c: PrintNowClient) -> object:
    return c.transfer_user(SESSION, username="jane", password=PASSWORD)


def call_login(c: PrintNowClient) -> object:
    return c.login("jane", PASSWORD, 1)


def call_create_user(c: PrintNowClient) -> object:
    return c.create_user(1, username="jane", password=PASSWORD, email="j@x.io",
                         first_name="J", last_name="S")  # fmt: skip


# Every documented error: (where, call, method, path, status, message, headers, the class
# a readable message gives, the class an empty or HTML body gives). PIPO documents only
# the status for login's 401 and an expired token's 403, so those messages are made up.
DOCUMENTED = [
    ("PIPO login 401", call_login, "POST", "/pipo/user/login", 401,
     "Invalid login", {}, AuthenticationFailed, AuthenticationFailed),
    ("Basic Auth 401", call_login, "POST", "/pipo/user/login", 401,
     "Authorization has been denied for this request.", {}, ApiCredentialsRejected,
     AuthenticationFailed),
    ("Basic Auth 401 on a token call", lambda c: c.user_info(SESSION), "GET", "/pipo/user/info",
     401, "Unauthorized", {}, ApiCredentialsRejected, ApiCredentialsRejected),
    ("PIPO expired token 403", lambda c: c.list_projects(SESSION), "GET", "/pipo/project/all",
     403, "Session has expired", {}, TokenInvalid, TokenInvalid),
    ("PIPO transfer 403 token", call_transfer, "POST", "/pipo/user/transfer", 403,
     "token is invalid or expired", {}, TokenInvalid, TokenInvalid),
    ("PIPO transfer 403 not temporary", call_transfer, "POST", "/pipo/user/transfer", 403,
     "current user is not temporary", {}, NotTemporary, TokenInvalid),
    ("PIPO transfer 403 username", call_transfer, "POST", "/pipo/user/transfer", 403,
     "username does not exist", {}, UnknownUsername, TokenInvalid),
    ("PIPO transfer 403 password", call_transfer, "POST", "/pipo/user/transfer", 403,
     "password is incorrect", {}, WrongPassword, TokenInvalid),
    ("PIPO info update 403 temporary", lambda c: c.update_user_info(SESSION, first_name="J"),
     "POST", "/pipo/user/info", 403, "current user is temporary", {}, UserIsTemporary,
     TokenInvalid),
    ("Basic-only 403", lambda c: c.create_temp_user(1), "POST", "/pipo/user/createtemp", 403,
     "License", {}, Forbidden, Forbidden),
    ("PIPO create 409 user name", call_create_user, "POST", "/pipo/user/create", 409,
     "duplicate user name", {}, DuplicateUserName, Conflict),
    ("PIPO create 409 email", call_create_user, "POST", "/pipo/user/create", 409,
     "duplicate email", {}, DuplicateEmail, Conflict),
    ("PIPO order create 400", lambda c: c.create_order(SESSION, [1], None), "POST",
     "/pipo/order/create", 400, "no valid product ids", {}, BadRequest, BadRequest),
    ("PIPO project 404", lambda c: c.get_project(SESSION, 42), "GET", "/pipo/project/42", 404,
     "project not found", {}, NotFound, NotFound),
    ("Orders 404 order", lambda c: c.get_order(5001), "GET", "/order/5001", 404,
     "Order not found.", {}, NotFound, NotFound),
    ("Orders 404 item", lambda c: c.download_item(5001, 1), "GET", "/order/5001/download/1",
     404, "Item not found.", {}, NotFound, NotFound),
    ("Orders 409 order", lambda c: c.download_order(5001), "GET", "/order/5001/download", 409,
     "All items have not completed merge process.", {"Retry-After": "60"}, NotReady, NotReady),
    ("Orders 409 item", lambda c: c.download_item(5001, 8001), "GET",
     "/order/5001/download/8001", 409, "Item has not completed merge process.",
     {"Retry-After": "30"}, NotReady, NotReady),
    ("Orders 400 shipped", lambda c: c.mark_order_shipped(5001), "PATCH",
     "/order/5001/shipped", 400, "Bad Request", {}, BadRequest, BadRequest),
    ("Customers 400 username", lambda c: c.create_customer(1, username="janesmith"), "POST",
     "/customer", 400, "Username is already in use.", {}, BadRequest, BadRequest),
    ("Customers 400 email", lambda c: c.create_customer(1, email="jane@example.com"), "POST",
     "/customer", 400, "Email address is already in use.", {}, BadRequest, BadRequest),
    ("Customers 404", lambda c: c.get_customer(12345), "GET", "/customer/12345", 404,
     "Customer not found.", {}, NotFound, NotFound),
    ("5xx", lambda c: c.create_order(SESSION, [1], None), "POST", "/pipo/order/create", 500,
     "boom", {}, ServerError, ServerError),
]  # fmt: skip

#: The body formats an error may come in: a readable one, or none to read.
READABLE: dict[str, Callable[[str], dict[str, object]]] = {
    "json message": lambda m: {"json": {"message": m}},
    "json Message": lambda m: {"json": {"Message": m}},
    "json string": lambda m: {"json": m},
    "plain text": lambda m: {"body": m, "content_type": "text/plain; charset=utf-8"},
}
UNREADABLE: dict[str, Callable[[str], dict[str, object]]] = {
    "empty": lambda m: {"body": b""},
    "html": lambda m: {"body": f"<html><body>{m}</body></html>", "content_type": "text/html"},
}


@pytest.mark.parametrize("fmt", [*READABLE, *UNREADABLE])
@pytest.mark.parametrize(
    ("call", "method", "path", "status", "message", "headers", "readable", "unreadable"),
    [case[1:] for case in DOCUMENTED],
    ids=[case[0] for case in DOCUMENTED],
)
@responses.activate
def test_every_documented_error_whatever_its_body(
    call: Callable[[PrintNowClient], object],
    method: str,
    path: str,
    status: int,
    message: str,
    headers: dict[str, str],
    readable: type[PrintNowError],
    unreadable: type[PrintNowError],
    fmt: str,
) -> None:
    body = {**READABLE, **UNREADABLE}[fmt](message)
    responses.add(method, BASE + path, status=status, headers=headers, **body)
    client = PrintNowClient(BASE, TOKEN, KEY, retries=0)
    with pytest.raises(PrintNowError) as caught:
        call(client)
    expected = readable if fmt in READABLE else unreadable
    assert type(caught.value) is expected
    assert caught.value.status == status
    if fmt in READABLE:
        assert caught.value.message == message
    else:
        assert str(status) in str(caught.value) and "<html" not in caught.value.message
    if isinstance(caught.value, NotReady):
        assert caught.value.retry_after == float(headers["Retry-After"])
    assert_no_secret(str(caught.value))


@responses.activate
def test_a_download_409_without_retry_after_is_still_not_ready(client: PrintNowClient) -> None:
    responses.get(f"{BASE}/order/5001/download", status=409, body=b"")
    with pytest.raises(NotReady) as caught:
        client.download_order(5001)
    assert caught.value.retry_after == 30


@responses.activate
def test_a_non_json_success_body_is_an_unexpected_response(client: PrintNowClient) -> None:
    responses.get(f"{BASE}/pipo/user/info", body="OK", content_type="text/plain")
    with pytest.raises(UnexpectedResponse):
        client.user_info(SESSION)


@responses.activate
def test_gets_are_retried_with_backoff_on_5xx(client: PrintNowClient, sleeps: list[float]) -> None:
    responses.get(f"{BASE}/order/5", status=503, json={"message": "busy"})
    responses.get(f"{BASE}/order/5", status=502, body="<html>bad gateway</html>")
    responses.get(f"{BASE}/order/5", json={"id": 5, "status": "Pending", "items": []})
    assert client.get_order(5).id == 5
    assert len(responses.calls) == 3
    assert sleeps == [0.1, 0.2]


@responses.activate
def test_gets_give_up_after_the_configured_retries(
    client: PrintNowClient, sleeps: list[float]
) -> None:
    responses.get(f"{BASE}/order/5", status=500, json={"message": "down"})
    with pytest.raises(ServerError) as caught:
        client.get_order(5)
    assert len(responses.calls) == 3 and caught.value.message == "down"


@responses.activate
def test_posts_are_never_retried(client: PrintNowClient, sleeps: list[float]) -> None:
    responses.post(f"{BASE}/pipo/order/create", status=503, json={"message": "busy"})
    with pytest.raises(ServerError):
        client.create_order(SESSION, [1], "PO-1")
    assert len(responses.calls) == 1 and sleeps == []


@responses.activate
def test_a_connection_error_is_retried_for_gets_then_reported(client: PrintNowClient) -> None:
    responses.get(f"{BASE}/customer/9", body=requests.ConnectionError("reset"))
    with pytest.raises(PrintNowConnectionError) as caught:
        client.get_customer(9)
    assert len(responses.calls) == 3
    assert caught.value.status is None


@responses.activate
def test_a_timeout_is_its_own_error_and_posts_are_not_repeated(client: PrintNowClient) -> None:
    responses.post(f"{BASE}/pipo/user/createtemp", body=requests.ReadTimeout("slow"))
    with pytest.raises(PrintNowTimeout):
        client.create_temp_user(1)
    assert len(responses.calls) == 1


def test_every_call_has_a_timeout() -> None:
    seen: list[object] = []

    class Recorder(requests.adapters.HTTPAdapter):
        def send(self, *args: Any, **kwargs: Any) -> requests.Response:
            seen.append(kwargs.get("timeout"))
            raise requests.ConnectionError("offline")

    session = requests.Session()
    session.mount(BASE, Recorder())
    client = PrintNowClient(BASE, TOKEN, KEY, retries=0, timeout=(1.5, 9.0), session=session)
    with pytest.raises(PrintNowConnectionError):
        client.is_logged_in(SESSION)
    assert seen == [(1.5, 9.0)]


@responses.activate
def test_download_not_ready_carries_retry_after(client: PrintNowClient) -> None:
    responses.get(
        f"{BASE}/order/3/download",
        status=409,
        json={"message": "Order has not completed merge process."},
        headers={"Retry-After": "60"},
    )
    with pytest.raises(NotReady) as caught:
        client.download_order(3)
    assert caught.value.retry_after == 60


@responses.activate
def test_wait_for_download_sleeps_as_told_then_returns_the_zip(
    client: PrintNowClient, sleeps: list[float]
) -> None:
    not_ready = {"status": 409, "json": {"message": "Item has not completed merge process."}}
    responses.get(f"{BASE}/order/3/download/4", headers={"Retry-After": "30"}, **not_ready)
    responses.get(f"{BASE}/order/3/download/4", headers={"Retry-After": "2"}, **not_ready)
    responses.get(f"{BASE}/order/3/download/4", body=b"PK\x03\x04zip")
    assert client.wait_for_download(lambda: client.download_item(3, 4), max_delay=10) == (
        b"PK\x03\x04zip"
    )
    assert sleeps == [10, 2]


@responses.activate
def test_secrets_never_reach_the_log(
    client: PrintNowClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses.post(
        f"{BASE}/pipo/user/login", status=401, json={"message": "username or password is incorrect"}
    )
    responses.get(f"{BASE}/pipo/project/all", status=503, json={"message": "busy"})
    with pytest.raises(AuthenticationFailed):
        client.login("jane", PASSWORD, 1)
    with pytest.raises(ServerError):
        client.list_projects(SESSION)
    assert caplog.records, "the client logs its calls"
    assert_no_secret(caplog.text)
    assert_no_secret(repr(client))


@responses.activate
def test_create_order_sends_project_ids_and_external_id(client: PrintNowClient) -> None:
    responses.post(f"{BASE}/pipo/order/create", json=41)
    assert client.create_order(SESSION, [3, 4], "PO-9") == 41
    assert responses.calls[0].request.body == b'{"product_id": [3, 4], "external_id": "PO-9"}'


@responses.activate
def test_create_order_refuses_an_answer_that_is_not_an_id(client: PrintNowClient) -> None:
    responses.post(f"{BASE}/pipo/order/create", json={"id": "x"})
    with pytest.raises(UnexpectedResponse):
        client.create_order(SESSION, [3], "PO-9")


@responses.activate
def test_a_deadline_shrinks_timeouts_and_stops_retries(sleeps: list[float]) -> None:
    from punchout.printnow import NotSent

    def record(request: object) -> tuple[int, dict[str, str], str]:
        return (503, {}, '{"message": "busy"}')

    client = PrintNowClient(BASE, TOKEN, KEY, retries=5, backoff=10.0, sleep=sleeps.append)
    responses.add_callback(responses.GET, f"{BASE}/order/1", callback=record)
    with client.deadline(2.0), pytest.raises(ServerError):
        client.get_order(1)
    assert len(responses.calls) == 1 and sleeps == []  # a 10 s backoff does not fit in 2 s
    assert responses.calls[0].request.req_kwargs["timeout"][1] <= 2.0
    with client.deadline(0.0), pytest.raises(NotSent):
        client.get_order(1)
    assert len(responses.calls) == 1
