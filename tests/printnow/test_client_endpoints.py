"""Every client method against the documented answers (served by a local HTTP server): the
request it sends, the result it gives. Answers are the docs' examples (``recorded.py``); the
expected typed results are written out by hand from them. Calls documented as "Returns 200
OK" get an empty body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from punchout.printnow import (
    Customer,
    Order,
    OrderItem,
    PrintNowClient,
    Project,
    TempUser,
    User,
)
from tests.printnow.recorded import (
    CUSTOMER,
    ORDER,
    ORDER_ID,
    PROJECT,
    SESSION_TOKEN,
    TEMP_USER,
    USER,
)

API = "/api/v2"
TOKEN = SESSION_TOKEN
EMPTY = b""  # "Returns 200 OK": nothing more is documented

Call = Callable[[PrintNowClient], Any]


@pytest.fixture
def client(httpserver: HTTPServer) -> PrintNowClient:
    return PrintNowClient(httpserver.url_for(API), "t", "k", retries=0)


def answer(httpserver: HTTPServer, method: str, path: str, reply: Response) -> None:
    httpserver.expect_request(API + path, method=method).respond_with_response(reply)


# Orders: the example order, typed.
ORDER_TYPED = Order(
    id=5001,
    status="New Order",
    external_id="EXT-12345",
    customer_id=12345,
    items=(OrderItem(8001, 42, "Business Cards", "New Order", 500, 125.0, "SKU-BC-500"),),
    raw={},
    sub_total=Decimal("125.00"),
    tax_total=Decimal("8.75"),
    shipping_total=Decimal("12.50"),
    promotion_total=Decimal("10.00"),
    shipping_provider="UPS",
    shipping_service="Ground",
)
# Customers: the example customer, typed.
CUSTOMER_TYPED = Customer(
    id=12345,
    storefront_id=1,
    username="janesmith",
    email="jane@example.com",
    first_name="Jane",
    last_name="Smith",
    company="Acme Corp",
    is_temporary=False,
    raw={},
)
JANE = User(12345, "janesmith", "Jane", "Smith", "jane@example.com", False)
PROJECT_TYPED = Project(42, "Business Cards", "SKU-BC-500", None)

CASES: list[tuple[str, Call, str, str, Any, Any, Any]] = [
    # (name, call, method, path, request body, answer, check of the result)
    ("login", lambda c: c.login("jane", "pw", 1), "POST", "/pipo/user/login",
     {"username": "jane", "password": "pw", "storefront_id": 1}, TOKEN, TOKEN),
    ("logout", lambda c: c.logout(TOKEN), "GET", "/pipo/user/logout", None, EMPTY, None),
    ("loggedin", lambda c: c.is_logged_in(TOKEN), "GET", "/pipo/user/loggedin", None, True, True),
    ("info", lambda c: c.user_info(TOKEN), "GET", "/pipo/user/info", None, USER, JANE),
    ("info update", lambda c: c.update_user_info(TOKEN, first_name="J", new_password="n",
                                                  current_password="o"),
     "POST", "/pipo/user/info",
     {"first_name": "J", "current_password": "o", "new_password": "n"}, EMPTY, None),
    ("create", lambda c: c.create_user(1, username="u", password="p", email="e@x.io",
                                        first_name="F", last_name="L"),
     "POST", "/pipo/user/create",
     {"storefront_id": 1, "username": "u", "password": "p", "email": "e@x.io",
      "first_name": "F", "last_name": "L"}, EMPTY, None),
    ("createtemp", lambda c: c.create_temp_user(1), "POST", "/pipo/user/createtemp",
     {"storefront_id": 1}, TEMP_USER, TempUser(99999, "", None, 1)),
    ("convert", lambda c: c.convert_user(TOKEN, username="u", password="p", email="e@x.io",
                                          first_name="F", last_name="L"),
     "POST", "/pipo/user/convert",
     {"username": "u", "password": "p", "email": "e@x.io", "first_name": "F",
      "last_name": "L"}, EMPTY, None),
    ("transfer", lambda c: c.transfer_user(TOKEN, username="u", password="p"),
     "POST", "/pipo/user/transfer", {"username": "u", "password": "p"}, EMPTY, None),
    ("istemp", lambda c: c.is_temp_user(TOKEN), "GET", "/pipo/user/istemp", None, False, False),
    ("projects", lambda c: c.list_projects(TOKEN), "GET", "/pipo/project/all", None, [PROJECT],
     [PROJECT_TYPED]),
    ("project", lambda c: c.get_project(TOKEN, 42), "GET", "/pipo/project/42", None, PROJECT,
     PROJECT_TYPED),
    ("project delete", lambda c: c.delete_project(TOKEN, 42), "DELETE", "/pipo/project/42",
     None, EMPTY, None),
    ("order create", lambda c: c.create_order(TOKEN, [42, 43], "EXT-ORDER-001"), "POST",
     "/pipo/order/create", {"product_id": [42, 43], "external_id": "EXT-ORDER-001"}, ORDER_ID,
     5001),
    ("order process", lambda c: c.process_order(TOKEN, 5001), "GET",
     "/pipo/order/5001/process", None, EMPTY, None),
    ("order get", lambda c: c.get_order(5001), "GET", "/order/5001", None, ORDER, ORDER_TYPED),
    ("download", lambda c: c.download_order(5001), "GET", "/order/5001/download", None,
     b"PK\x03\x04", b"PK\x03\x04"),
    ("download item", lambda c: c.download_item(5001, 8001), "GET", "/order/5001/download/8001",
     None, b"PK\x03\x04", b"PK\x03\x04"),
    ("assets", lambda c: c.download_assets(5001, 8001), "GET", "/order/5001/assets/8001", None,
     b"PK\x03\x04", b"PK\x03\x04"),
    ("shipped", lambda c: c.mark_order_shipped(5001, "1Z"), "PATCH", "/order/5001/shipped",
     {"tracking_number": "1Z"}, None, None),
    ("item shipped", lambda c: c.mark_item_shipped(5001, 8001, "1Z"), "PATCH",
     "/order/5001/shipped/8001", {"tracking_number": "1Z"}, None, None),
    ("status", lambda c: c.update_order_status(5001, "Cancelled", comments="PO deleted"),
     "PATCH", "/order/5001/status", {"order_status": "Cancelled", "comments": "PO deleted"},
     None, None),
    ("item status", lambda c: c.update_item_status(5001, 8001, "In Production"), "PATCH",
     "/order/5001/status/8001", {"order_status": "In Production"}, None, None),
    ("customer", lambda c: c.get_customer(12345), "GET", "/customer/12345", None, CUSTOMER,
     CUSTOMER_TYPED),
    ("customer create", lambda c: c.create_customer(1, username="janesmith", company="Acme Corp"),
     "POST", "/customer", {"storefront_id": 1, "username": "janesmith", "company": "Acme Corp"},
     CUSTOMER, CUSTOMER_TYPED),
    ("customer temp", lambda c: c.create_customer(1, is_temporary=True), "POST", "/customer",
     {"storefront_id": 1, "is_temporary": True}, {**CUSTOMER, "is_temporary": True}, None),
    ("customer update", lambda c: c.update_customer(12345, company="Acme Corp"), "PATCH",
     "/customer/12345", {"company": "Acme Corp"}, CUSTOMER, CUSTOMER_TYPED),
    ("customer transfer", lambda c: c.transfer_customer(99999, 12345), "PATCH",
     "/customer/99999/transfer", {"id": 12345}, CUSTOMER, CUSTOMER_TYPED),
    ("customer delete", lambda c: c.delete_customer(12345), "DELETE", "/customer/12345", None,
     None, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "path", "body", "answer", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_endpoint(
    httpserver: HTTPServer,
    client: PrintNowClient,
    call: Call,
    method: str,
    path: str,
    body: Any,
    answer: Any,
    expected: Any,
) -> None:
    if answer == EMPTY:
        reply = Response(b"")
    elif isinstance(answer, bytes):
        reply = Response(answer, content_type="application/zip")
    elif answer is None:
        reply = Response(status=204)
    else:
        reply = Response(json.dumps(answer), content_type="application/json")
    httpserver.expect_request(API + path, method=method).respond_with_response(reply)
    result = call(client)
    ((sent, _),) = httpserver.log
    assert sent.method == method
    if body is None:
        assert not sent.get_data()
    else:
        assert json.loads(sent.get_data()) == body
    no_token = {"/pipo/user/login", "/pipo/user/create", "/pipo/user/createtemp"}
    uses_token = path.startswith("/pipo/") and path not in no_token
    assert (sent.headers.get("X-PN-TOKEN") == TOKEN) is uses_token
    if expected is not None:
        assert result == expected


def test_every_client_endpoint_is_covered() -> None:
    public = {
        name
        for name in dir(PrintNowClient)
        if not name.startswith("_")
        and name not in {"request", "wait_for_download", "deadline", "observe", "probe"}
    }
    covered = {case[1].__code__.co_names[0] for case in CASES}
    assert public <= covered, public - covered


NO_RESULT = [case for case in CASES if case[5] is EMPTY or case[5] is None]
RESULT = [case for case in CASES if case[6] is not None and not isinstance(case[5], bytes)]
SUCCESS_BODIES = {
    "empty 200": {"response": b""},
    "true": {"response": "true", "content_type": "application/json"},
    "text": {"response": "OK", "content_type": "text/plain"},
    "204": {"status": 204},
    "202": {"status": 202, "response": b""},
}


@pytest.mark.parametrize("success", SUCCESS_BODIES.values(), ids=SUCCESS_BODIES.keys())
@pytest.mark.parametrize(
    ("call", "method", "path"), [c[1:4] for c in NO_RESULT], ids=[c[0] for c in NO_RESULT]
)
def test_a_call_without_a_result_takes_any_2xx_body(
    httpserver: HTTPServer,
    client: PrintNowClient,
    call: Call,
    method: str,
    path: str,
    success: dict[str, Any],
) -> None:
    answer(httpserver, method, path, Response(**success))
    assert call(client) is None


@pytest.mark.parametrize(
    ("call", "method", "path"), [c[1:4] for c in RESULT], ids=[c[0] for c in RESULT]
)
def test_a_call_that_needs_a_result_refuses_an_empty_200(
    httpserver: HTTPServer, client: PrintNowClient, call: Call, method: str, path: str
) -> None:
    from punchout.printnow import UnexpectedResponse

    answer(httpserver, method, path, Response(b""))
    with pytest.raises(UnexpectedResponse):
        call(client)


TEXT_RESULTS = [
    # PIPO login "Returns a session token string"; loggedin/istemp "Returns true or false";
    # order/create "Returns the created order ID (integer)": as JSON or as plain text.
    ("login", lambda c: c.login("jane", "pw", 1), "POST", "/pipo/user/login",
     f"{TOKEN}\n", TOKEN),
    ("loggedin", lambda c: c.is_logged_in(TOKEN), "GET", "/pipo/user/loggedin", "True", True),
    ("istemp", lambda c: c.is_temp_user(TOKEN), "GET", "/pipo/user/istemp", "false", False),
    ("order create", lambda c: c.create_order(TOKEN, [42], None), "POST",
     "/pipo/order/create", "5001", 5001),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "path", "text", "expected"),
    [c[1:] for c in TEXT_RESULTS],
    ids=[c[0] for c in TEXT_RESULTS],
)
def test_scalar_results_are_read_from_plain_text_too(
    httpserver: HTTPServer,
    client: PrintNowClient,
    call: Call,
    method: str,
    path: str,
    text: str,
    expected: Any,
) -> None:
    answer(httpserver, method, path, Response(text, content_type="text/plain"))
    assert call(client) == expected
