"""Moving an order through statuses and shipping it, from the controls, the API and the orders
page, and the signed ``order_updated`` webhooks each change sends to a real HTTP receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.serving import BaseWSGIServer, make_server

from punchout.devtools.sandbox import create_sandbox_app
from punchout.devtools.sandbox.webhooks import (
    SIGNATURE_HEADER,
    WEBHOOKS_KEY,
    WebhookSender,
    event_body,
    signature,
)
from tests.devtools.sandbox.helpers import Api, make_config

SECRET = "webhook-secret-for-tests"
WAIT = 20.0  # the most a test waits for a delivery; deliveries take milliseconds


class Receiver:
    """A real HTTP server that records every POST it gets (headers and raw body)."""

    def __init__(self, status: int = 200) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        self.status = status
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/printnow/webhook"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def _app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = {
            k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        self.received.put((headers, body))
        start_response(f"{self.status} X", [("Content-Type", "text/plain")])
        return [b""]

    def next(self) -> tuple[dict[str, str], dict[str, Any]]:
        headers, body = self.received.get(timeout=WAIT)
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Printnow-Signature"] == expected
        assert headers["Content-Type"] == "application/json"
        return headers, json.loads(body)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def deliveries(api: Api) -> list[dict[str, Any]]:
    """The sandbox's delivery records, once every queued event has been sent."""
    sender: WebhookSender = api.client.application.extensions[WEBHOOKS_KEY]
    assert sender.wait_sent(WAIT)
    records: list[dict[str, Any]] = api.get("/_sandbox/webhooks").json["deliveries"]
    return records


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture
def token(api: Api) -> str:
    return api.user_session("demo.buyer")


def test_control_sets_order_and_item_statuses(api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    first, second = (i["id"] for i in api.get(f"/order/{order_id}").json["items"])
    answer = api.post(f"/_sandbox/orders/{order_id}/status", json={"status": "in production"})
    assert answer.status_code == 200
    assert answer.json["status"] == "In Production"
    assert [i["status"] for i in answer.json["items"]] == ["In Production"] * 2
    item = api.post(
        f"/_sandbox/orders/{order_id}/status", json={"status": "Cancelled", "item_id": second}
    )
    assert [i["status"] for i in item.json["items"]] == ["In Production", "Cancelled"]
    order = api.get(f"/order/{order_id}").json
    assert order["status"] == "In Production"
    assert {i["id"]: i["status"] for i in order["items"]} == {
        first: "In Production",
        second: "Cancelled",
    }
    history = api.get("/_sandbox/state").json["orders"][0]["history"]
    assert history[-1]["note"] == "Updated in the sandbox"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"status": "Lost"}, 400, "is not a status of this storefront"),
        ({}, 400, "status is required."),
        ({"status": "New Order", "item_id": 1}, 404, "Item not found."),
        ({"status": "New Order", "item_id": "x"}, 400, "item_id must be an integer"),
    ],
)
def test_control_status_refuses_bad_input(
    api: Api, token: str, body: dict[str, Any], status: int, message: str
) -> None:
    order_id = api.order(token)
    answer = api.post(f"/_sandbox/orders/{order_id}/status", json=body)
    assert answer.status_code == status
    assert message in answer.json["message"]
    assert api.post("/_sandbox/orders/999/status", json={"status": "New Order"}).status_code == 404


def test_control_ships_chosen_items_with_tracking_carrier_and_service(api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    first, second = (i["id"] for i in api.get(f"/order/{order_id}").json["items"])
    body = {
        "item_ids": [first],
        "tracking_number": " 1Z999AA10123456784 ",
        "shipping_provider": "FedEx",
        "service": "2-Day",
    }
    assert api.post(f"/_sandbox/orders/{order_id}/ship", json=body).status_code == 200
    order = api.get(f"/order/{order_id}").json
    assert [i["status"] for i in order["items"]] == ["Order Shipped", "New Order"]
    assert (order["status"], order["shipped_on"]) == ("New Order", None)
    assert (order["shipping_provider"], order["shipping_service"]) == ("FedEx", "2-Day")
    assert order["tracking_numbers"] == ["1Z999AA10123456784"]
    assert [i["tracking_numbers"] for i in order["items"]] == [["1Z999AA10123456784"], []]
    rest = api.post(f"/_sandbox/orders/{order_id}/ship", json={"item_ids": [second]})
    assert rest.json["status"] == "Order Shipped" and rest.json["shipped_on"].endswith("Z")
    assert rest.json["shipping_provider"] == "FedEx"  # kept when not given again


def test_control_ship_without_a_body_ships_everything(api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    answer = api.post(f"/_sandbox/orders/{order_id}/ship")
    assert answer.json["status"] == "Order Shipped"
    assert {i["status"] for i in answer.json["items"]} == {"Order Shipped"}
    assert (answer.json["shipping_provider"], answer.json["tracking_numbers"]) == ("UPS", [])


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"item_ids": []}, 400, "item_ids must name at least one item"),
        ({"item_ids": [424242]}, 404, "Item not found."),
        ({"item_ids": "all"}, 400, "item_ids must be an array of integers"),
        ({"tracking_number": 5}, 400, "tracking_number must be a string"),
    ],
)
def test_control_ship_refuses_bad_input(
    api: Api, token: str, body: dict[str, Any], status: int, message: str
) -> None:
    order_id = api.order(token)
    answer = api.post(f"/_sandbox/orders/{order_id}/ship", json=body)
    assert (answer.status_code, message in answer.json["message"]) == (status, True)
    assert api.get(f"/order/{order_id}").json["status"] == "New Order"


def test_documented_profile_shows_carrier_but_not_the_invented_tracking_fields() -> None:
    api = Api(create_sandbox_app(make_config(profile="documented")).test_client())
    temp = api.post("/pipo/user/createtemp", json={"storefront_id": 1}).json
    token = api.post("/_sandbox/sessions", json={"user_id": temp["id"]}).json
    order_id = api.order(token)
    body = {"tracking_number": "TRK-9", "shipping_provider": "DHL", "service": "Express"}
    api.post(f"/_sandbox/orders/{order_id}/ship", json=body)
    order = api.get(f"/order/{order_id}").json
    assert (order["shipping_provider"], order["shipping_service"]) == ("DHL", "Express")
    assert order["status"] == "Order Shipped" and order["shipped_on"]
    assert "tracking_numbers" not in order
    assert all("tracking_numbers" not in item for item in order["items"])


def test_every_change_sends_a_signed_order_updated_webhook(
    api: Api, token: str, receiver: Receiver
) -> None:
    added = api.post("/_sandbox/webhooks", json={"url": receiver.url, "secret": SECRET})
    assert added.json["subscriptions"] == [{"url": receiver.url}]
    assert SECRET not in added.text
    order_id = api.order(token, count=2)
    item_id = api.get(f"/order/{order_id}").json["items"][0]["id"]
    changes = [
        ("PATCH", f"/order/{order_id}/status", {"order_status": "In Production"}),
        ("PATCH", f"/order/{order_id}/status/{item_id}", {"order_status": "Cancelled"}),
        ("PATCH", f"/order/{order_id}/shipped/{item_id}", {"tracking_number": "T1"}),
        ("PATCH", f"/order/{order_id}/shipped", {}),
        ("POST", f"/_sandbox/orders/{order_id}/status", {"status": "In Production"}),
        ("POST", f"/_sandbox/orders/{order_id}/ship", {"tracking_number": "T2"}),
    ]
    for method, path, body in changes:
        assert api.call(method, path, json=body).status_code in {200, 204}
        _, event = receiver.next()
        assert event == {"event": "order_updated", "order_id": order_id}
    records = deliveries(api)
    assert receiver.received.empty()
    assert len(records) == len(changes)
    assert {(d["status"], d["error"]) for d in records} == {(200, None)}


def test_a_refused_change_sends_nothing(api: Api, token: str, receiver: Receiver) -> None:
    api.post("/_sandbox/webhooks", json={"url": receiver.url, "secret": SECRET})
    order_id = api.order(token)
    assert api.patch(f"/order/{order_id}/status", json={"order_status": "Lost"}).status_code == 400
    api.post(f"/_sandbox/orders/{order_id}/ship")  # a change after the refused one
    _, event = receiver.next()
    assert event["order_id"] == order_id
    assert len(deliveries(api)) == 1 and receiver.received.empty()


def test_configured_webhooks_are_sent_and_survive_a_reset(receiver: Receiver) -> None:
    config = make_config(webhooks=((receiver.url, SECRET),))
    assert SECRET not in repr(config)
    api = Api(create_sandbox_app(config).test_client())
    assert api.post("/_sandbox/reset").status_code == 204
    token = api.user_session("demo.buyer")
    order_id = api.order(token)
    api.patch(f"/order/{order_id}/shipped", json={"tracking_number": "1Z"})
    assert receiver.next()[1] == {"event": "order_updated", "order_id": order_id}


def test_a_failing_receiver_is_logged_and_recorded_not_raised(
    api: Api, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    down = Receiver(status=500)
    try:
        api.post("/_sandbox/webhooks", json={"url": down.url, "secret": SECRET})
        closed = Receiver()
        closed.stop()  # nothing listens on its port any more
        api.post("/_sandbox/webhooks", json={"url": closed.url, "secret": SECRET})
        order_id = api.order(token)
        assert api.patch(f"/order/{order_id}/shipped").status_code == 204
        down.next()
        by_url = {d["url"]: d for d in deliveries(api)}
        assert by_url[down.url]["status"] == 500
        assert by_url[down.url]["error"] == "answered 500"
        assert by_url[closed.url]["status"] is None
        assert "ConnectionError" in by_url[closed.url]["error"]
        assert "order_updated webhook for order" in caplog.text
    finally:
        down.stop()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"url": "ftp://example.test/x", "secret": "s"}, "absolute http or https URL"),
        ({"url": "/relative", "secret": "s"}, "absolute http or https URL"),
        ({"url": "http://127.0.0.1:1/x"}, "secret is required."),
    ],
)
def test_webhook_subscription_refuses_bad_input(
    api: Api, body: dict[str, Any], message: str
) -> None:
    answer = api.post("/_sandbox/webhooks", json=body)
    assert answer.status_code == 400 and message in answer.json["message"]
    assert api.get("/_sandbox/webhooks").json == {"subscriptions": [], "deliveries": []}


def test_webhook_subscriptions_can_be_cleared(api: Api, receiver: Receiver) -> None:
    api.post("/_sandbox/webhooks", json={"url": receiver.url, "secret": SECRET})
    assert api.call("DELETE", "/_sandbox/webhooks").status_code == 204
    assert api.get("/_sandbox/webhooks").json["subscriptions"] == []
    assert api.post("/_sandbox/webhooks", auth=None, json={}).status_code == 401


def test_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = event_body(5001)
    assert body == b'{"event":"order_updated","order_id":5001}'
    digest = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert signature("k", body) == f"sha256={digest}"
    assert SIGNATURE_HEADER == "X-PrintNow-Signature"
    with pytest.raises(ValueError, match="absolute http"):
        WebhookSender((("javascript:alert(1)", "s"),))


# ------------------------------------------------------------------------- the orders page


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "the orders page has no form token"
    return found.group(1)


def test_orders_page_lists_orders_and_ships_with_tracking(
    client: FlaskClient, api: Api, token: str, receiver: Receiver
) -> None:
    api.post("/_sandbox/webhooks", json={"url": receiver.url, "secret": SECRET})
    order_id = api.order(token, count=2, external_id="PO-777")
    first, second = (i["id"] for i in api.get(f"/order/{order_id}").json["items"])
    page = client.get("/admin/orders")
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert f"Order {order_id}" in page.text and "PO-777" in page.text
    form = {
        "form_token": _form_token(page.text),
        "item_id": [str(first), str(second)],
        "tracking_number": "1ZPAGE",
        "shipping_provider": "FedEx",
        "service": "Overnight",
    }
    shipped = client.post(f"/admin/orders/{order_id}/ship", data=form)
    assert shipped.status_code == 303
    assert shipped.headers["Location"].endswith(f"#order-{order_id}")
    order = api.get(f"/order/{order_id}").json
    assert (order["status"], order["shipping_provider"], order["shipping_service"]) == (
        "Order Shipped",
        "FedEx",
        "Overnight",
    )
    assert order["tracking_numbers"] == ["1ZPAGE"]
    assert receiver.next()[1]["order_id"] == order_id
    assert [d["status"] for d in deliveries(api)] == [200]
    after = client.get(shipped.headers["Location"])
    assert "Marked order" in after.text and "1ZPAGE" in after.text
    listed = after.text.split('id="deliveries"', 1)[1]
    assert str(order_id) in listed and receiver.url in listed


def test_orders_page_sets_an_item_status(client: FlaskClient, api: Api, token: str) -> None:
    order_id = api.order(token, count=2)
    first, _ = (i["id"] for i in api.get(f"/order/{order_id}").json["items"])
    form_token = _form_token(client.get("/admin/orders").text)
    form = {"form_token": form_token, "status": "In Production", "item_id": str(first)}
    assert client.post(f"/admin/orders/{order_id}/status", data=form).status_code == 303
    items = api.get(f"/order/{order_id}").json["items"]
    assert [i["status"] for i in items] == ["In Production", "New Order"]
    whole = {"form_token": form_token, "status": "Cancelled", "item_id": ""}
    client.post(f"/admin/orders/{order_id}/status", data=whole)
    assert api.get(f"/order/{order_id}").json["status"] == "Cancelled"


def test_orders_page_refuses_forms_without_its_token(
    client: FlaskClient, api: Api, token: str
) -> None:
    order_id = api.order(token)
    for path, form in [
        (f"/admin/orders/{order_id}/ship", {"item_id": "1"}),
        (f"/admin/orders/{order_id}/status", {"status": "Cancelled", "form_token": "guess"}),
    ]:
        refused = client.post(path, data=form)
        assert refused.status_code == 403
        assert "The form has expired" in refused.text
    assert api.get(f"/order/{order_id}").json["status"] == "New Order"


def test_orders_page_explains_a_refused_change(client: FlaskClient, api: Api, token: str) -> None:
    order_id = api.order(token)
    form_token = _form_token(client.get("/admin/orders").text)
    nothing = client.post(f"/admin/orders/{order_id}/ship", data={"form_token": form_token})
    assert nothing.status_code == 400 and "Tick at least one item" in nothing.text
    bad = {"form_token": form_token, "status": "Lost"}
    unknown = client.post(f"/admin/orders/{order_id}/status", data=bad)
    assert unknown.status_code == 400 and "is not a status of this storefront" in unknown.text
    missing = client.post("/admin/orders/99/status", data={**bad, "status": "New Order"})
    assert missing.status_code == 404 and "Order not found." in missing.text
    assert api.get(f"/order/{order_id}").json["status"] == "New Order"
