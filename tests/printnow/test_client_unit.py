"""Unit tests of the HTTP client against a local HTTP server (``pytest-httpserver``).

They pin what the sandbox cannot easily show: every documented error status in every body
format (JSON, plain text, empty, an HTML page), dropped connections, timeouts, the retry
policy and that no secret reaches an exception or a log.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

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
from tests.printnow.servers import RawServer

API = "/api/v2"
TOKEN, KEY, PASSWORD, SESSION = "tok-SECRET-1", "key-SECRET-2", "pw-SECRET-3", "pn-SECRET-4"
SECRETS = (TOKEN, KEY, PASSWORD, SESSION)


@pytest.fixture
def base(httpserver: HTTPServer) -> str:
    return httpserver.url_for(API)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(base: str, sleeps: list[float]) -> PrintNowClient:
    return PrintNowClient(base, TOKEN, KEY, retries=2, backoff=0.1, sleep=sleeps.append)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def sent(httpserver: HTTPServer) -> list[Request]:
    """The requests the server answered, in order."""
    return [request for request, _ in httpserver.log]


def answers(httpserver: HTTPServer, method: str, path: str, *replies: Response) -> None:
    """Answer ``method path`` with each of ``replies`` in turn."""
    queue = list(replies)
    httpserver.expect_request(API + path, method=method).respond_with_handler(
        lambda request: queue.pop(0)
    )


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status, headers, content_type="application/json")


def test_login_sends_basic_auth_and_json_and_returns_the_token(
    client: PrintNowClient, httpserver: HTTPServer
) -> None:
    answers(httpserver, "POST", "/pipo/user/login", json_reply(SESSION))
    assert client.login("jane", PASSWORD, 3) == SESSION
    (request,) = sent(httpserver)
    assert request.authorization is not None
    assert (request.authorization.username, request.authorization.password) == (TOKEN, KEY)
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"] == "application/json"
    assert request.get_data() == (
        b'{"username": "jane", "password": "pw-SECRET-3", "storefront_id": 3}'
    )
    assert "X-PN-TOKEN" not in request.headers


def test_user_calls_send_the_session_token(client: PrintNowClient, httpserver: HTTPServer) -> None:
    user = {"id": 7, "username": "u", "first_name": "A", "last_name": "B", "email": "e@x.io",
            "is_temp": True}  # fmt: skip
    answers(httpserver, "GET", "/pipo/user/info", json_reply(user))
    found = client.user_info(SESSION)
    assert (found.id, found.is_temp, found.email) == (7, True, "e@x.io")
    assert sent(httpserver)[0].headers["X-PN-TOKEN"] == SESSION


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
READABLE: dict[str, Callable[[str], dict[str, Any]]] = {
    "json message": lambda m: {"response": json.dumps({"message": m}),
                               "content_type": "application/json"},
    "json Message": lambda m: {"response": json.dumps({"Message": m}),
                               "content_type": "application/json"},
    "json string": lambda m: {"response": json.dumps(m), "content_type": "application/json"},
    "plain text": lambda m: {"response": m, "content_type": "text/plain; charset=utf-8"},
}  # fmt: skip
UNREADABLE: dict[str, Callable[[str], dict[str, Any]]] = {
    "empty": lambda m: {"response": b""},
    "html": lambda m: {"response": f"<html><body>{m}</body></html>", "content_type": "text/html"},
}


@pytest.mark.parametrize("fmt", [*READABLE, *UNREADABLE])
@pytest.mark.parametrize(
    ("call", "method", "path", "status", "message", "headers", "readable", "unreadable"),
    [case[1:] for case in DOCUMENTED],
    ids=[case[0] for case in DOCUMENTED],
)
def test_every_documented_error_whatever_its_body(
    httpserver: HTTPServer,
    base: str,
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
    answers(httpserver, method, path, Response(status=status, headers=headers, **body))
    client = PrintNowClient(base, TOKEN, KEY, retries=0)
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


def test_a_download_409_without_retry_after_is_still_not_ready(
    client: PrintNowClient, httpserver: HTTPServer
) -> None:
    answers(httpserver, "GET", "/order/5001/download", Response(b"", 409))
    with pytest.raises(NotReady) as caught:
        client.download_order(5001)
    assert caught.value.retry_after == 30


def test_a_non_json_success_body_is_an_unexpected_response(
    client: PrintNowClient, httpserver: HTTPServer
) -> None:
    answers(httpserver, "GET", "/pipo/user/info", Response("OK", content_type="text/plain"))
    with pytest.raises(UnexpectedResponse):
        client.user_info(SESSION)


def test_a_redirect_is_not_followed(client: PrintNowClient, httpserver: HTTPServer) -> None:
    moved = Response(b"", 302, {"Location": "/elsewhere"})
    answers(httpserver, "GET", "/order/5", moved)
    with pytest.raises(UnexpectedResponse) as caught:
        client.get_order(5)
    assert caught.value.status == 302 and len(sent(httpserver)) == 1


def test_gets_are_retried_with_backoff_on_5xx(
    client: PrintNowClient, httpserver: HTTPServer, sleeps: list[float]
) -> None:
    answers(httpserver, "GET", "/order/5", json_reply({"message": "busy"}, 503),
            Response("<html>bad gateway</html>", 502, content_type="text/html"),
            json_reply({"id": 5, "status": "Pending", "items": []}))  # fmt: skip
    assert client.get_order(5).id == 5
    assert len(sent(httpserver)) == 3
    assert sleeps == [0.1, 0.2]


def test_gets_give_up_after_the_configured_retries(
    client: PrintNowClient, httpserver: HTTPServer
) -> None:
    down = json_reply({"message": "down"}, 500)
    answers(httpserver, "GET", "/order/5", down, down, down, down)
    with pytest.raises(ServerError) as caught:
        client.get_order(5)
    assert len(sent(httpserver)) == 3 and caught.value.message == "down"


def test_posts_are_never_retried(
    client: PrintNowClient, httpserver: HTTPServer, sleeps: list[float]
) -> None:
    busy = json_reply({"message": "busy"}, 503)
    answers(httpserver, "POST", "/pipo/order/create", busy, busy)
    with pytest.raises(ServerError):
        client.create_order(SESSION, [1], "PO-1")
    assert len(sent(httpserver)) == 1 and sleeps == []


@pytest.fixture
def hangs_up() -> Iterator[RawServer]:
    """A server that reads each request and closes the connection without an answer."""
    with RawServer(lambda conn: conn.recv(65536)) as server:
        yield server


def test_a_connection_error_is_retried_for_gets_then_reported(hangs_up: RawServer) -> None:
    client = PrintNowClient(hangs_up.url + API, TOKEN, KEY, retries=2, sleep=lambda s: None)
    with pytest.raises(PrintNowConnectionError) as caught:
        client.get_customer(9)
    assert hangs_up.wait_for(3) == 3  # one connection per attempt: none reused
    assert caught.value.status is None


def test_a_post_that_meets_a_hang_up_is_not_sent_again(hangs_up: RawServer) -> None:
    client = PrintNowClient(hangs_up.url + API, TOKEN, KEY, retries=2, sleep=lambda s: None)
    with pytest.raises(PrintNowConnectionError):
        client.create_temp_user(1)
    time.sleep(0.2)
    assert hangs_up.connections == 1 and len(hangs_up.results) == 1


def test_an_unreachable_printnow_is_a_connection_error(sleeps: list[float]) -> None:
    with RawServer(lambda conn: None) as server:
        url = server.url
    client = PrintNowClient(url + API, TOKEN, KEY, retries=1, sleep=sleeps.append)
    with pytest.raises(PrintNowConnectionError):
        client.get_order(1)
    assert sleeps == [0.25]  # refused, then retried once as a GET


def slow(seconds: float, reply: Response) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        time.sleep(seconds)
        return reply

    return handler


def test_a_timeout_is_its_own_error_and_posts_are_not_repeated(
    base: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(API + "/pipo/user/createtemp").respond_with_handler(
        slow(0.6, json_reply({"user_id": 1}))
    )
    client = PrintNowClient(base, TOKEN, KEY, retries=2, timeout=(2.0, 0.2))
    started = time.monotonic()
    with pytest.raises(PrintNowTimeout):
        client.create_temp_user(1)
    assert time.monotonic() - started < 0.5  # the read timeout, not the handler's time
    time.sleep(0.6)
    assert len(sent(httpserver)) == 1


def test_a_get_that_times_out_is_retried(base: str, httpserver: HTTPServer) -> None:
    httpserver.expect_request(API + "/pipo/user/loggedin").respond_with_handler(
        slow(0.3, json_reply(True))
    )
    client = PrintNowClient(base, TOKEN, KEY, retries=1, timeout=(2.0, 0.1), sleep=lambda s: None)
    with pytest.raises(PrintNowTimeout):
        client.is_logged_in(SESSION)
    end = time.monotonic() + 2  # the one-thread server answers the two in turn
    while len(sent(httpserver)) < 2 and time.monotonic() < end:
        time.sleep(0.05)
    assert len(sent(httpserver)) == 2


def test_download_not_ready_carries_retry_after(
    client: PrintNowClient, httpserver: HTTPServer
) -> None:
    not_ready = {"message": "Order has not completed merge process."}
    answers(
        httpserver, "GET", "/order/3/download", json_reply(not_ready, 409, {"Retry-After": "60"})
    )
    with pytest.raises(NotReady) as caught:
        client.download_order(3)
    assert caught.value.retry_after == 60


def test_wait_for_download_sleeps_as_told_then_returns_the_zip(
    client: PrintNowClient, httpserver: HTTPServer, sleeps: list[float]
) -> None:
    not_ready = {"message": "Item has not completed merge process."}
    answers(httpserver, "GET", "/order/3/download/4",
            json_reply(not_ready, 409, {"Retry-After": "30"}),
            json_reply(not_ready, 409, {"Retry-After": "2"}),
            Response(b"PK\x03\x04zip", content_type="application/zip"))  # fmt: skip
    assert client.wait_for_download(lambda: client.download_item(3, 4), max_delay=10) == (
        b"PK\x03\x04zip"
    )
    assert sleeps == [10, 2]


def test_secrets_never_reach_the_log(
    client: PrintNowClient, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    refused = json_reply({"message": "username or password is incorrect"}, 401)
    answers(httpserver, "POST", "/pipo/user/login", refused)
    busy = json_reply({"message": "busy"}, 503)
    answers(httpserver, "GET", "/pipo/project/all", busy, busy, busy)
    with pytest.raises(AuthenticationFailed):
        client.login("jane", PASSWORD, 1)
    with pytest.raises(ServerError):
        client.list_projects(SESSION)
    assert caplog.records, "the client logs its calls"
    assert "POST /pipo/user/login -> 401" in caplog.text
    assert_no_secret(caplog.text)
    assert_no_secret(repr(client))


def test_create_order_sends_project_ids_and_external_id(
    client: PrintNowClient, httpserver: HTTPServer
) -> None:
    answers(httpserver, "POST", "/pipo/order/create", json_reply(41))
    assert client.create_order(SESSION, [3, 4], "PO-9") == 41
    assert sent(httpserver)[0].get_data() == b'{"product_id": [3, 4], "external_id": "PO-9"}'


def test_create_order_refuses_an_answer_that_is_not_an_id(
    client: PrintNowClient, httpserver: HTTPServer
) -> None:
    answers(httpserver, "POST", "/pipo/order/create", json_reply({"id": "x"}))
    with pytest.raises(UnexpectedResponse):
        client.create_order(SESSION, [3], "PO-9")


def test_a_deadline_shrinks_timeouts_and_stops_retries(
    base: str, httpserver: HTTPServer, sleeps: list[float]
) -> None:
    from punchout.printnow import NotSent

    client = PrintNowClient(base, TOKEN, KEY, retries=5, backoff=10.0, sleep=sleeps.append)
    busy = json_reply({"message": "busy"}, 503)
    answers(httpserver, "GET", "/order/1", busy)
    with client.deadline(2.0), pytest.raises(ServerError):
        client.get_order(1)
    assert len(sent(httpserver)) == 1 and sleeps == []  # a 10 s backoff does not fit in 2 s
    with client.deadline(0.0), pytest.raises(NotSent):
        client.get_order(1)
    assert len(sent(httpserver)) == 1
    httpserver.expect_request(API + "/order/2").respond_with_handler(slow(0.8, busy))
    started = time.monotonic()
    with client.deadline(0.3), pytest.raises(PrintNowTimeout):
        client.get_order(2)  # the 20 s read timeout shrinks to the 0.3 s left
    assert time.monotonic() - started < 0.7
    time.sleep(0.6)
