"""The sandbox's test controls: the fault switch (error, slow, drop), reset and state."""

from __future__ import annotations

import time

import pytest
import requests
from flask import Flask

from tests.devtools.sandbox.helpers import AUTH, Api
from tests.support import serve


def _fault(api: Api, **body: object) -> dict[str, object]:
    response = api.post("/_sandbox/faults", json=body)
    assert response.status_code == 200, response.json
    fault: dict[str, object] = response.json
    return fault


def test_error_mode_answers_the_chosen_status_for_that_endpoint_only(api: Api) -> None:
    _fault(api, endpoint="pipo_user_createtemp", mode="error", status=503)
    response = api.post("/pipo/user/createtemp", json={"storefront_id": 1})
    assert response.status_code == 503
    assert "message" in response.json
    assert api.post("/customer", json={"storefront_id": 1, "is_temporary": True}).status_code == 200
    response = api.post("/pipo/user/createtemp", json={"storefront_id": 1})
    assert response.status_code == 503  # until cleared
    assert api.delete("/_sandbox/faults").status_code == 204
    assert api.post("/pipo/user/createtemp", json={"storefront_id": 1}).status_code == 200


def test_times_limits_how_often_a_fault_fires(api: Api) -> None:
    token = api.user_session()
    _fault(api, endpoint="pipo_project_all", mode="error", status=500, times=2)
    codes = [api.get("/pipo/project/all", token=token).status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert api.get("/_sandbox/faults").json == []


def test_faults_match_path_patterns_and_wildcards(api: Api) -> None:
    token = api.user_session()
    order_id = api.order(token)
    _fault(api, endpoint="/api/v2/pipo/order/*/process", mode="error", status=502)
    assert api.get(f"/pipo/order/{order_id}/process", token=token).status_code == 502
    api.delete("/_sandbox/faults")
    _fault(api, endpoint="order_*", mode="error", status=504, times=1)
    assert api.get(f"/order/{order_id}").status_code == 504
    assert api.get(f"/order/{order_id}").status_code == 200


def test_slow_mode_delays_then_answers_normally(api: Api) -> None:
    _fault(api, endpoint="pipo_user_createtemp", mode="slow", delay=0.3, times=1)
    started = time.monotonic()
    response = api.post("/pipo/user/createtemp", json={"storefront_id": 1})
    assert response.status_code == 200 and response.json["is_temp"] is True
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    api.post("/pipo/user/createtemp", json={"storefront_id": 1})
    assert time.monotonic() - started < 0.3


def test_drop_mode_closes_the_connection_without_an_answer(app: Flask) -> None:
    with serve(app) as url:
        body = {"endpoint": "pipo_user_createtemp", "mode": "drop", "times": 1}
        response = requests.post(f"{url}/_sandbox/faults", json=body, auth=AUTH, timeout=5)
        assert response.status_code == 200
        with pytest.raises(requests.ConnectionError):
            requests.post(
                f"{url}/api/v2/pipo/user/createtemp",
                json={"storefront_id": 1},
                auth=AUTH,
                timeout=5,
            )
        # The server itself carries on.
        response = requests.post(
            f"{url}/api/v2/pipo/user/createtemp", json={"storefront_id": 1}, auth=AUTH, timeout=5
        )
        assert response.status_code == 200


def test_slow_mode_over_http_trips_a_client_timeout(app: Flask) -> None:
    with serve(app) as url:
        body = {"endpoint": "order_get", "mode": "slow", "delay": 1.0, "times": 1}
        requests.post(f"{url}/_sandbox/faults", json=body, auth=AUTH, timeout=5)
        with pytest.raises(requests.Timeout):
            requests.get(f"{url}/api/v2/order/1", auth=AUTH, timeout=0.2)


def test_sandbox_controls_are_never_faulted(api: Api) -> None:
    _fault(api, endpoint="*", mode="error", status=503)
    _fault(api, endpoint="/*", mode="error", status=503)
    assert api.get("/order/1").status_code == 503
    assert api.get("/_sandbox/state").status_code == 200
    assert len(api.get("/_sandbox/faults").json) == 2
    assert api.delete("/_sandbox/faults").status_code == 204
    assert api.get("/order/1").status_code == 404


def test_fault_listing_shows_what_is_switched_on(api: Api) -> None:
    fault = _fault(api, endpoint="customer_get", mode="slow", delay=2)
    assert fault == {
        "id": 1,
        "endpoint": "customer_get",
        "mode": "slow",
        "delay": 2.0,
        "status": 503,
        "remaining": None,
    }
    assert api.get("/_sandbox/faults").json == [fault]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"mode": "error"}, "endpoint is required."),
        ({"endpoint": "order_get"}, "mode is required."),
        ({"endpoint": "order_get", "mode": "explode"}, "mode must be one of slow, error, drop"),
        ({"endpoint": "order_get", "mode": "slow"}, "delay must be a number"),
        ({"endpoint": "order_get", "mode": "slow", "delay": "1"}, "delay must be a number"),
        ({"endpoint": "order_get", "mode": "slow", "delay": -1}, "delay must be between"),
        ({"endpoint": "order_get", "mode": "error", "status": 200}, "status must be an HTTP"),
        ({"endpoint": "order_get", "mode": "error", "times": 0}, "times must be a positive"),
    ],
)
def test_bad_fault_requests_are_400(api: Api, body: dict[str, object], message: str) -> None:
    response = api.post("/_sandbox/faults", json=body)
    assert response.status_code == 400
    assert response.json["message"].startswith(message)
    assert api.get("/_sandbox/faults").json == []


def test_reset_forgets_everything(api: Api) -> None:
    token = api.user_session()
    api.order(token)
    _fault(api, endpoint="order_get", mode="error")
    assert api.post("/_sandbox/reset").status_code == 204
    state = api.get("/_sandbox/state").json
    assert (state["users"], state["projects"], state["orders"], state["sessions"]) == (
        [],
        [],
        [],
        0,
    )
    assert api.get("/_sandbox/faults").json == []
    assert api.get("/pipo/user/loggedin", token=token).json is False
    # IDs start again, like a fresh sandbox.
    assert api.post("/pipo/user/createtemp", json={"storefront_id": 1}).json["id"] == 12345


def test_state_summarises_users_projects_orders(api: Api) -> None:
    token = api.user_session()
    order_id = api.order(token)
    state = api.get("/_sandbox/state").json
    assert state["storefronts"] == [{"id": 1, "name": "Demo Print Shop"}]
    assert [u["username"] for u in state["users"]] == ["demo.buyer"]
    assert "password" not in state["users"][0]
    assert state["projects"][0]["owner_id"] == state["users"][0]["id"]
    assert [(o["id"], o["merge"]) for o in state["orders"]] == [(order_id, "not started")]
    assert state["sessions"] == 1
    api.get(f"/pipo/order/{order_id}/process", token=token)
    assert api.get("/_sandbox/state").json["orders"][0]["merge"] == "merging"


def test_project_control_validates_its_input(api: Api) -> None:
    token = api.user_session()
    user_id = api.user_id(token)
    cases = [
        ({"user_id": user_id, "template": "NOPE"}, "Unknown product template 'NOPE'."),
        ({"user_id": user_id, "template": "BC-STD-85x55"}, "Name on card is required."),
        ({"user_id": 1, "template": "BC-STD-85x55"}, "Customer not found."),
        ({"user_id": user_id, "template": "BN-RU-850", "fields": []}, "fields must be an object"),
    ]
    for body, message in cases:
        response = api.post("/_sandbox/projects", json=body)
        assert response.status_code in (400, 404)
        assert response.json["message"].startswith(message)
