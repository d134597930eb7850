"""Unit tests of the HTTP client against recorded answers (``responses``).

They pin what the sandbox cannot easily show: HTML error pages, non-JSON bodies, dropped
connections, timeouts, the retry policy and that no secret reaches an exception or a log.
"""

from __future__ import annotations

import logging

import pytest
import requests
import responses

from punchout.printnow import (
    ApiCredentialsRejected,
    AuthenticationFailed,
    BadRequest,
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


@pytest.mark.parametrize(
    ("status", "message", "error"),
    [
        (400, "no valid product ids", BadRequest),
        (401, "username or password is incorrect", AuthenticationFailed),
        (401, "Authorization has been denied for this request.", ApiCredentialsRejected),
        (403, "token is invalid or expired", TokenInvalid),
        (403, "current user is not temporary", NotTemporary),
        (403, "current user is temporary", UserIsTemporary),
        (403, "username does not exist", UnknownUsername),
        (403, "password is incorrect", WrongPassword),
        (403, "something else", Forbidden),
        (404, "project not found", NotFound),
        (409, "duplicate user name", DuplicateUserName),
        (409, "duplicate email", DuplicateEmail),
        (500, "boom", ServerError),
    ],
)
@responses.activate
def test_each_error_status_and_message_has_its_own_exception(
    client: PrintNowClient, status: int, message: str, error: type[PrintNowError]
) -> None:
    responses.post(f"{BASE}/pipo/user/transfer", status=status, json={"message": message})
    with pytest.raises(error) as caught:
        client.transfer_user(SESSION, username="jane", password=PASSWORD)
    assert type(caught.value) is error
    assert caught.value.status == status
    assert caught.value.message == message
    assert_no_secret(str(caught.value))


@responses.activate
def test_the_transfer_messages_are_told_apart(client: PrintNowClient) -> None:
    kinds = []
    for message in (
        "token is invalid or expired",
        "current user is not temporary",
        "username does not exist",
        "password is incorrect",
    ):
        responses.post(f"{BASE}/pipo/user/transfer", status=403, json={"message": message})
        with pytest.raises(Forbidden) as caught:
            client.transfer_user(SESSION, username="jane", password=PASSWORD)
        kinds.append(type(caught.value))
        responses.reset()
    assert kinds == [TokenInvalid, NotTemporary, UnknownUsername, WrongPassword]


@responses.activate
def test_an_html_error_page_is_an_unexpected_response(client: PrintNowClient) -> None:
    responses.get(
        f"{BASE}/pipo/project/all",
        status=404,
        body="<html><body>Not Found</body></html>",
        content_type="text/html",
    )
    with pytest.raises(UnexpectedResponse) as caught:
        client.list_projects(SESSION)
    assert caught.value.status == 404
    assert "text/html" in caught.value.message


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

    class Recorder(requests.Session):
        def request(self, *args: object, **kwargs: object) -> requests.Response:  # type: ignore[override]
            seen.append(kwargs.get("timeout"))
            raise requests.ConnectionError("offline")

    client = PrintNowClient(BASE, TOKEN, KEY, retries=0, timeout=(1.5, 9.0), session=Recorder())
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
