"""Every client method against recorded answers: the request it sends, the result it gives."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import responses

from punchout.printnow import Customer, Order, PrintNowClient, Project, TempUser, User
from tests.printnow.recorded import CUSTOMER, ORDER, PROJECT, TEMP_USER, USER

BASE = "https://printnow.test/api/v2"
TOKEN = "pn-token"

Call = Callable[[PrintNowClient], Any]

CASES: list[tuple[str, Call, str, str, Any, Any, Any]] = [
    # (name, call, method, path, request body, answer, check of the result)
    ("login", lambda c: c.login("jane", "pw", 1), "POST", "/pipo/user/login",
     {"username": "jane", "password": "pw", "storefront_id": 1}, TOKEN, TOKEN),
    ("logout", lambda c: c.logout(TOKEN), "GET", "/pipo/user/logout", None, True, None),
    ("loggedin", lambda c: c.is_logged_in(TOKEN), "GET", "/pipo/user/loggedin", None, True, True),
    ("info", lambda c: c.user_info(TOKEN), "GET", "/pipo/user/info", None, USER,
     User.from_json(USER)),
    ("info update", lambda c: c.update_user_info(TOKEN, first_name="J", new_password="n",
                                                  current_password="o"),
     "POST", "/pipo/user/info",
     {"first_name": "J", "current_password": "o", "new_password": "n"}, USER, None),
    ("create", lambda c: c.create_user(1, username="u", password="p", email="e@x.io",
                                        first_name="F", last_name="L"),
     "POST", "/pipo/user/create",
     {"storefront_id": 1, "username": "u", "password": "p", "email": "e@x.io",
      "first_name": "F", "last_name": "L"}, True, None),
    ("createtemp", lambda c: c.create_temp_user(1), "POST", "/pipo/user/createtemp",
     {"storefront_id": 1}, TEMP_USER, TempUser(8, "tmp_3f9a2c", "generated-pw", 1)),
    ("convert", lambda c: c.convert_user(TOKEN, username="u", password="p", email="e@x.io",
                                          first_name="F", last_name="L"),
     "POST", "/pipo/user/convert",
     {"username": "u", "password": "p", "email": "e@x.io", "first_name": "F",
      "last_name": "L"}, True, None),
    ("transfer", lambda c: c.transfer_user(TOKEN, username="u", password="p"),
     "POST", "/pipo/user/transfer", {"username": "u", "password": "p"}, True, None),
    ("istemp", lambda c: c.is_temp_user(TOKEN), "GET", "/pipo/user/istemp", None, False, False),
    ("projects", lambda c: c.list_projects(TOKEN), "GET", "/pipo/project/all", None, [PROJECT],
     [Project.from_json(PROJECT)]),
    ("project", lambda c: c.get_project(TOKEN, 31), "GET", "/pipo/project/31", None, PROJECT,
     Project(31, "Business Cards - Jane Smith", "BC-STD-85x55", {"name_on_card": "Jane Smith"})),
    ("project delete", lambda c: c.delete_project(TOKEN, 31), "DELETE", "/pipo/project/31",
     None, True, None),
    ("order create", lambda c: c.create_order(TOKEN, [31], "PO-1001"), "POST",
     "/pipo/order/create", {"product_id": [31], "external_id": "PO-1001"}, 1001, 1001),
    ("order process", lambda c: c.process_order(TOKEN, 1001), "GET",
     "/pipo/order/1001/process", None, True, None),
    ("order get", lambda c: c.get_order(1001), "GET", "/order/1001", None, ORDER,
     Order.from_json(ORDER)),
    ("download", lambda c: c.download_order(1001), "GET", "/order/1001/download", None,
     b"PK\x03\x04", b"PK\x03\x04"),
    ("download item", lambda c: c.download_item(1001, 501), "GET", "/order/1001/download/501",
     None, b"PK\x03\x04", b"PK\x03\x04"),
    ("assets", lambda c: c.download_assets(1001, 501), "GET", "/order/1001/assets/501", None,
     b"PK\x03\x04", b"PK\x03\x04"),
    ("shipped", lambda c: c.mark_order_shipped(1001, "1Z"), "PATCH", "/order/1001/shipped",
     {"tracking_number": "1Z"}, None, None),
    ("item shipped", lambda c: c.mark_item_shipped(1001, 501, "1Z"), "PATCH",
     "/order/1001/shipped/501", {"tracking_number": "1Z"}, None, None),
    ("status", lambda c: c.update_order_status(1001, "Cancelled", comments="PO deleted"),
     "PATCH", "/order/1001/status", {"order_status": "Cancelled", "comments": "PO deleted"},
     None, None),
    ("item status", lambda c: c.update_item_status(1001, 501, "In Production"), "PATCH",
     "/order/1001/status/501", {"order_status": "In Production"}, None, None),
    ("customer", lambda c: c.get_customer(7), "GET", "/customer/7", None, CUSTOMER,
     Customer.from_json(CUSTOMER)),
    ("customer create", lambda c: c.create_customer(1, username="janesmith", company="Acme"),
     "POST", "/customer", {"storefront_id": 1, "username": "janesmith", "company": "Acme"},
     CUSTOMER, Customer.from_json(CUSTOMER)),
    ("customer temp", lambda c: c.create_customer(1, is_temporary=True), "POST", "/customer",
     {"storefront_id": 1, "is_temporary": True}, {**CUSTOMER, "is_temporary": True}, None),
    ("customer update", lambda c: c.update_customer(7, company="Acme"), "PATCH", "/customer/7",
     {"company": "Acme"}, CUSTOMER, Customer.from_json(CUSTOMER)),
    ("customer transfer", lambda c: c.transfer_customer(8, 7), "PATCH", "/customer/8/transfer",
     {"id": 7}, CUSTOMER, Customer.from_json(CUSTOMER)),
    ("customer delete", lambda c: c.delete_customer(7), "DELETE", "/customer/7", None, None,
     None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "path", "body", "answer", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
@responses.activate
def test_endpoint(
    call: Call, method: str, path: str, body: Any, answer: Any, expected: Any
) -> None:
    if isinstance(answer, bytes):
        responses.add(method, BASE + path, body=answer, content_type="application/zip")
    elif answer is None:
        responses.add(method, BASE + path, status=204)
    else:
        responses.add(method, BASE + path, json=answer)
    result = call(PrintNowClient(BASE, "t", "k", retries=0))
    (sent,) = responses.calls
    assert sent.request.method == method
    if body is None:
        assert not sent.request.body
    else:
        assert json.loads(sent.request.body) == body
    no_token = {"/pipo/user/login", "/pipo/user/create", "/pipo/user/createtemp"}
    uses_token = path.startswith("/pipo/") and path not in no_token
    assert (sent.request.headers.get("X-PN-TOKEN") == TOKEN) is uses_token
    if expected is not None:
        assert result == expected


def test_every_client_endpoint_is_covered() -> None:
    public = {
        name
        for name in dir(PrintNowClient)
        if not name.startswith("_") and name not in {"request", "wait_for_download", "deadline"}
    }
    covered = {case[1].__code__.co_names[0] for case in CASES}
    assert public <= covered, public - covered
