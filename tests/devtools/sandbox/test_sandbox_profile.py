"""The sandbox's ``documented`` profile through the Flask test client, and the demo on it."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
import requests
from flask.testing import FlaskClient

from punchout.devtools.sandbox import create_sandbox_app
from tests.conftest import make_settings
from tests.devtools.sandbox.helpers import Api, FakeClock, make_config


@pytest.fixture
def documented(clock: FakeClock) -> Api:
    client: FlaskClient = create_sandbox_app(
        make_config(profile="documented"), clock=clock
    ).test_client()
    return Api(client)


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile must be one of"):
        make_config(profile="guessing")


def test_documented_answers_carry_only_documented_fields(documented: Api) -> None:
    temp = documented.post("/pipo/user/createtemp", json={"storefront_id": 1})
    assert set(temp.json) == {
        "id", "username", "first_name", "last_name", "email", "is_temp", "storefront_id"
    }  # fmt: skip
    token = documented.post("/_sandbox/sessions", json={"user_id": temp.json["id"]}).json
    project = documented.project(token)
    listed = documented.get("/pipo/project/all", token=token).json
    assert listed == [{"id": project["id"], "name": project["name"],
                       "external_id": "BC-STD-85x55"}]  # fmt: skip
    order_id = documented.post(
        "/pipo/order/create", token=token, json={"product_id": [project["id"]],
                                                 "external_id": "PO-7"}
    ).json  # fmt: skip
    order = documented.get(f"/order/{order_id}").json
    assert "tracking_numbers" not in order and order["po_number"] is None
    assert order["integration_id"] == "PO-7"
    assert all("external_id" not in item for item in order["items"])
    assert all("tracking_numbers" not in item for item in order["items"])
    process = documented.get(f"/pipo/order/{order_id}/process", token=token)
    assert process.status_code == 200 and process.data == b""


def test_documented_errors_are_plain_text(documented: Api) -> None:
    denied = documented.post("/pipo/user/createtemp", auth=("x", "y"), json={})
    assert denied.status_code == 401 and denied.mimetype == "text/plain"
    missing = documented.get("/order/1")
    assert (missing.status_code, missing.text, missing.mimetype) == (
        404, "Order not found.", "text/plain"
    )  # fmt: skip
    assert documented.get("/pipo/user/info", token="nope").text == "The session is no longer valid."


def test_the_demo_runs_on_the_documented_profile(tmp_path: Path, redis_client: redis.Redis) -> None:
    from punchout.devtools.demo import start_demo

    settings = make_settings(tmp_path, printnow_url="", sandbox_profile="documented")
    demo = start_demo(
        settings, connector_port=0, sandbox_port=0, simulator_port=0, redis_client=redis_client
    )
    try:
        answer = requests.post(
            demo.sandbox_url + "/api/v2/pipo/user/createtemp",
            json={"storefront_id": 1},
            auth=(settings.printnow_api_token, settings.printnow_api_key),
            timeout=5,
        )
        assert answer.status_code == 200 and "password" not in answer.json()
        assert requests.get(demo.simulator_url, timeout=5).status_code == 200
    finally:
        demo.stop()
