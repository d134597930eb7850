"""The recorded answers the unit tests use have the shapes the sandbox really answers with."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.printnow.recorded import CUSTOMER, ORDER, PROJECT, TEMP_USER, USER, compatible, shape
from tests.support import LiveSandbox

pytestmark = pytest.mark.sandbox


def test_recorded_shapes_match_the_sandbox(live_sandbox: LiveSandbox) -> None:
    http = requests.Session()
    http.auth = (live_sandbox.api_token, live_sandbox.api_key)
    api = live_sandbox.api_url

    def call(method: str, path: str, token: str | None = None, **body: Any) -> Any:
        headers = {"X-PN-TOKEN": token} if token else {}
        response = http.request(method, api + path, json=body or None, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    temp = call("POST", "/pipo/user/createtemp", storefront_id=1)
    token = call("POST", "/pipo/user/login", username=temp["username"],
                 password=temp["password"], storefront_id=1)  # fmt: skip
    project = http.post(
        live_sandbox.url + "/_sandbox/projects",
        json={
            "user_id": temp["id"],
            "template": "BC-STD-85x55",
            "fields": {"name_on_card": "Jane Smith"},
        },
        timeout=10,
    ).json()
    call("POST", "/pipo/user/convert", token, username="janesmith", password="secret-pw",
         email="jane@example.com", first_name="Jane", last_name="Smith")  # fmt: skip
    order_id = call("POST", "/pipo/order/create", token, product_id=[project["id"]],
                    external_id="PO-1001")  # fmt: skip
    live = {
        "temp user": (TEMP_USER, temp),
        "user": (USER, call("GET", "/pipo/user/info", token)),
        "project": (PROJECT, call("GET", f"/pipo/project/{project['id']}", token)),
        "order": (ORDER, call("GET", f"/order/{order_id}")),
        "customer": (CUSTOMER, call("GET", f"/customer/{temp['id']}")),
    }
    assert isinstance(token, str) and isinstance(order_id, int)
    problems = []
    for name, (recorded, answer) in live.items():
        problems += [f"{name}{p}" for p in compatible(shape(recorded), shape(answer))]
    assert problems == []
