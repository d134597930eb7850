"""Purchase orders end to end: punch out, return a cart, send the PO built from it."""

from __future__ import annotations

import email.policy
import json
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

import pytest
import requests

from punchout.web.context import connector_of
from tests.buyer_side import (
    Browser,
    BuyerIdentity,
    ReturnedCart,
    order_request,
    setup_request,
    start_url_of,
    status_of,
)
from tests.cli.runner import PunchoutRunner
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()


def returned_cart(connector: LiveConnector, *designs: dict[str, str], quantity: str = "1",
                  payload_id: str = "setup-1") -> ReturnedCart:  # fmt: skip
    response = connector.post_cxml(setup_request(BUYER, payload_id=payload_id))
    browser = Browser()
    browser.get(start_url_of(response.content))
    for fields in designs or ({"name_on_card": "Jane Doe"},):
        template = fields.pop("template", "BC-STD-85x55")
        browser.design(template, **fields)
    browser.get(browser.storefront_return_url())
    _, _, checked = browser.cart_form()
    browser.submit_cart("return", quantities={p: quantity for p in checked})
    return browser.returned_cart()


def pipo_orders(connector: LiveConnector) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = connector.sandbox_state()["orders"]
    return orders


def test_po_from_the_cart_becomes_a_processed_pipo_order(connector: LiveConnector) -> None:
    cart = returned_cart(
        connector,
        {"name_on_card": "Jane Doe"},
        {"template": "LH-A4-120", "company_name": "Acme"},
        quantity="2",
    )
    response = connector.post_cxml(order_request(BUYER, cart, order_id="PO-1001"))
    code, text = status_of(response.content)
    assert (response.status_code, code) == (200, 200), text
    (order,) = pipo_orders(connector)
    assert order["integration_id"] == "PO-1001"
    assert order["merge"] in ("merging", "done")  # processed
    assert {i["integration_id"] for i in order["items"]} == {"BC-STD-85x55", "LH-A4-120"}
    assert str(order["id"]) in text
    comments = " ".join(str(h.get("comments", "")) for h in order["history"])
    assert "BC-STD-85x55 x 2 BX at 45.00 USD" in comments and "LH-A4-120 x 2 PK" in comments
    record = connector_of(connector.app).orders.ledger.get("acme", "new", "PO-1001")
    assert record.state == "processed"
    assert [s["state"] for s in record.history] == ["received", "processed"]
    assert [g.state for g in record.groups] == ["annotated"]


def test_twenty_identical_pos_at_once_make_one_order(connector: LiveConnector) -> None:
    cart = returned_cart(connector)
    body = order_request(BUYER, cart, order_id="PO-2002")
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: connector.post_cxml(body), range(20)))
    statuses = {(a.status_code, *status_of(a.content)) for a in answers}
    assert len(statuses) == 1, statuses
    assert statuses.pop()[:2] == (200, 200)
    assert len(pipo_orders(connector)) == 1


def test_printnow_failing_between_create_and_process_is_resumed_once(
    connector: LiveConnector,
) -> None:
    cart = returned_cart(connector)
    body = order_request(BUYER, cart, order_id="PO-3003")
    # process is never retried (it starts work at PrintNow): one failure is enough
    connector.sandbox.fault("pipo_order_process", mode="error", status=500, times=1)
    first = connector.post_cxml(body)
    assert first.status_code == 503
    assert status_of(first.content)[0] == 560
    (order,) = pipo_orders(connector)
    assert order["merge"] == "not started"
    retry = connector.post_cxml(body)
    assert status_of(retry.content)[0] == 200
    (order,) = pipo_orders(connector)
    assert order["merge"] in ("merging", "done")


def test_printnow_down_before_create_is_retryable(connector: LiveConnector) -> None:
    cart = returned_cart(connector)
    body = order_request(BUYER, cart, order_id="PO-3004")
    connector.sandbox.fault("pipo_order_create", mode="error", status=503, times=1)
    assert status_of(connector.post_cxml(body).content)[0] == 560
    assert pipo_orders(connector) == []
    assert status_of(connector.post_cxml(body).content)[0] == 200
    assert len(pipo_orders(connector)) == 1


def test_a_retried_po_gets_the_first_answer_and_a_changed_one_409(
    connector: LiveConnector,
) -> None:
    cart = returned_cart(connector)
    first = connector.post_cxml(order_request(BUYER, cart, order_id="PO-4004"))
    again = connector.post_cxml(order_request(BUYER, cart, order_id="PO-4004", payload_id="x"))
    assert status_of(first.content) == status_of(again.content)
    changed = connector.post_cxml(
        order_request(BUYER, cart, order_id="PO-4004", changes={1: {"quantity": "5"}})
    )
    code, text = status_of(changed.content)
    assert code == 409 and 'type="update"' in text
    assert len(pipo_orders(connector)) == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"aux": "1-2-0123456789abcdef"}, "Line 1 (BC-STD-85x55): the SupplierPartAuxiliaryID"),
        ({"aux": "not-ours"}, "was not issued by this supplier"),
        ({"price": "1.00"}, "Line 1 (BC-STD-85x55): the unit price 1.00 USD differs"),
        ({"currency": "EUR"}, "priced in EUR"),
        ({"quantity": "0"}, "the quantity of line 1 '0' must be more than zero"),
    ],
)
def test_buyer_mistakes_get_a_4xx_naming_the_line(
    connector: LiveConnector, change: dict[str, str], words: str
) -> None:
    cart = returned_cart(connector)
    response = connector.post_cxml(order_request(BUYER, cart, changes={1: change}))
    code, text = status_of(response.content)
    assert response.status_code == code == 400
    assert words in text
    assert pipo_orders(connector) == []


def test_a_changed_quantity_is_repriced_and_written_on_the_order(
    connector: LiveConnector,
) -> None:
    cart = returned_cart(connector)
    body = order_request(BUYER, cart, changes={1: {"quantity": "12", "price": "42.50"}})
    assert status_of(connector.post_cxml(body).content)[0] == 200
    (order,) = pipo_orders(connector)
    comments = " ".join(str(h.get("comments", "")) for h in order["history"])
    assert "x 12 BX at 42.50 USD" in comments


def test_quantity_changes_can_be_refused(connector: LiveConnector) -> None:
    connector.set_buyer(quantity_changes="reject")
    cart = returned_cart(connector)
    body = order_request(BUYER, cart, changes={1: {"quantity": "12", "price": "42.50"}})
    code, text = status_of(connector.post_cxml(body).content)
    assert code == 400 and "quantity changed from 1 to 12" in text


def test_update_and_delete(connector: LiveConnector) -> None:
    cart = returned_cart(connector)
    assert (
        status_of(connector.post_cxml(order_request(BUYER, cart, order_id="PO-5")).content)[0]
        == 200
    )
    same = connector.post_cxml(order_request(BUYER, cart, order_id="PO-5", order_type="update"))
    assert status_of(same.content)[0] == 200
    changed = connector.post_cxml(
        order_request(
            BUYER, cart, order_id="PO-5", order_type="update", changes={1: {"quantity": "3"}}
        )
    )
    code, text = status_of(changed.content)
    assert code == 400 and "cannot be changed" in text
    for _ in range(2):  # idempotent
        deleted = connector.post_cxml(
            order_request(BUYER, cart, order_id="PO-5", order_type="delete")
        )
        assert status_of(deleted.content) == (200, "Order PO-5 cancelled.")
    (order,) = pipo_orders(connector)
    assert order["status"] == "Cancelled"
    unknown = connector.post_cxml(order_request(BUYER, cart, order_id="PO-6", order_type="delete"))
    assert status_of(unknown.content)[0] == 400


def test_guest_users_designs_are_ordered_from_a_permanent_account(
    connector: LiveConnector,
) -> None:
    connector.set_buyer(user_policy="guest")
    cart = returned_cart(connector)
    assert status_of(connector.post_cxml(order_request(BUYER, cart)).content)[0] == 200
    (order,) = pipo_orders(connector)
    users = {u["id"]: u for u in connector.sandbox_state()["users"]}
    assert not users[order["user_id"]]["is_temporary"]


def test_multipart_related_with_attachments(connector: LiveConnector) -> None:
    cart = returned_cart(connector)
    message = EmailMessage(policy=email.policy.HTTP)
    message.set_type("multipart/related")
    document = EmailMessage()
    document.set_content(order_request(BUYER, cart), maintype="text", subtype="xml")
    document["Content-ID"] = "<po@buyer.example>"
    message.attach(document)
    drawing = EmailMessage()
    drawing.set_content(b"%PDF-1.4 artwork", maintype="application", subtype="pdf",
                        filename="artwork.pdf")  # fmt: skip
    drawing["Content-ID"] = "<artwork@buyer.example>"
    message.attach(drawing)
    message.set_param("start", "<po@buyer.example>")
    message.set_param("type", "text/xml")
    body = message.as_bytes().split(b"\r\n\r\n", 1)[1]
    response = requests.post(
        connector.url + "/cxml",
        data=body,
        headers={"Content-Type": message["Content-Type"]},
        timeout=30,
    )
    assert status_of(response.content)[0] == 200, response.text
    record = connector_of(connector.app).orders.ledger.get("acme", "new", "PO-1001")
    (kept,) = record.attachments
    assert kept["filename"] == "artwork.pdf" and kept["size"] == len(b"%PDF-1.4 artwork")
    with open(kept["path"], "rb") as saved:
        assert saved.read() == b"%PDF-1.4 artwork"


def test_audit_keeps_each_po_with_its_secret_redacted(connector: LiveConnector) -> None:
    cart = returned_cart(connector)
    connector.post_cxml(order_request(BUYER, cart, order_id="PO-7"))
    connector.post_cxml(order_request(BUYER, cart, order_id="PO-7", payload_id="retry"))
    store = connector_of(connector.app).store
    entries = store.items(store.key("audit", "acme", "PO-7"))
    assert len(entries) == 2
    assert all(e["answer"]["code"] == 200 and e["pipo_order_ids"] for e in entries)
    assert "[redacted]" in entries[0]["document"]
    assert BUYER.secret not in str(entries)
    assert 0 < store.redis.ttl(store.key("audit", "acme", "PO-7")) <= 90 * 86400


def test_profile_lists_the_order_url(connector: LiveConnector) -> None:
    body = (
        setup_request(BUYER).split(b"<Request")[0] + b"<Request><ProfileRequest/></Request></cXML>"
    )
    assert b'requestName="OrderRequest"' in connector.post_cxml(body).content


def test_operator_command_shows_orders_and_their_audit(connector: LiveConnector) -> None:
    cart = returned_cart(connector)
    connector.post_cxml(order_request(BUYER, cart, order_id="PO-8"))
    runner = PunchoutRunner(connector.app)
    listed = runner.invoke(args=["orders", "list"])
    assert listed.exit_code == 0 and "PO-8" in listed.output and "processed" in listed.output
    shown = runner.invoke(args=["orders", "show", "acme", "PO-8", "--documents"])
    assert shown.exit_code == 0, shown.output
    assert "line 1: BC-STD-85x55 x 1 BX at 45.00 USD" in shown.output
    assert "200 Order PO-8 accepted" in shown.output
    assert "[redacted]" in shown.output and BUYER.secret not in shown.output
    missing = runner.invoke(args=["orders", "show", "acme", "PO-404"])
    assert missing.exit_code == 1 and "No order 'PO-404'" in missing.output


def test_a_lost_create_answer_is_never_duplicated_and_an_operator_resolves_it(
    make_connector: Any,
) -> None:
    connector = make_connector(printnow_read_timeout=1.0)
    cart = returned_cart(connector)
    body = order_request(BUYER, cart, order_id="PO-9009")
    connector.sandbox.fault("pipo_order_create", mode="slow", delay=2.0, times=1)
    first = connector.post_cxml(body)  # PrintNow creates the order, but answers too late
    code, text = status_of(first.content)
    assert (first.status_code, code) == (500, 500) and "will confirm" in text
    again = connector.post_cxml(body)  # a retry must not create a second order
    assert status_of(again.content)[0] == 500
    import time

    deadline = time.monotonic() + 15  # the slow create finishes in the sandbox meanwhile
    while not pipo_orders(connector) and time.monotonic() < deadline:
        time.sleep(0.1)
    (order,) = pipo_orders(connector)
    runner = PunchoutRunner(connector.app)
    flagged = runner.invoke(args=["orders", "list", "--attention"])
    assert flagged.exit_code == 0, flagged.output
    assert "PO-9009" in flagged.output and "uncertain" in flagged.output
    assert "punchout orders resolve acme PO-9009 --created ID | --not-created" in flagged.output
    resolved = runner.invoke(
        args=["orders", "resolve", "acme", "PO-9009", "--created", str(order["id"]), "--json"]
    )
    assert resolved.exit_code == 0, resolved.output
    assert json.loads(resolved.output) == {
        "buyer": "acme", "order_id": "PO-9009", "resolved": 1, "created": order["id"]
    }  # fmt: skip
    finished = connector.post_cxml(body)
    assert status_of(finished.content)[0] == 200
    (order,) = pipo_orders(connector)
    assert order["merge"] in ("merging", "done")
    nothing = runner.invoke(args=["orders", "resolve", "acme", "PO-9009", "--not-created"])
    assert nothing.exit_code == 1
    calm = runner.invoke(args=["orders", "list", "--attention"])
    assert calm.exit_code == 0 and calm.output.strip() == "Nothing needs attention."
    (row,) = json.loads(runner.invoke(args=["orders", "list", "--json"]).output)
    assert (row["order_id"], row["state"], row["attention"]) == ("PO-9009", "processed", "")
    assert row["printnow_orders"] == [order["id"]] and row["amount"].endswith(" USD")
    assert row["date"][:4].isdigit()


def _everything_in(store: Any) -> str:
    """Every value in the test Redis, strings and lists, as one text."""
    client = store.redis
    values = []
    for key in client.scan_iter(count=500):
        kind = client.type(key)
        if kind == "string":
            values.append(client.get(key))
        elif kind == "list":
            values.extend(client.lrange(key, 0, -1))
        elif kind == "hash":
            values.extend(client.hvals(key))
    return "\n".join(str(v) for v in values)


def test_no_secret_anywhere_after_a_prefixed_shared_secret_and_a_utf16_po(
    connector: LiveConnector, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    cart = returned_cart(connector)
    prefixed = (
        order_request(BUYER, cart, order_id="PO-P1")
        .replace(b"<SharedSecret>", b'<p:SharedSecret xmlns:p="urn:example:p">')
        .replace(b"</SharedSecret>", b"</p:SharedSecret>")
    )
    utf16 = (
        order_request(BUYER, cart, order_id="PO-P2")
        .decode()
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16")
    )
    for body, charset in ((prefixed, "UTF-8"), (utf16, "UTF-16")):
        response = requests.post(
            connector.url + "/cxml",
            data=body,
            headers={"Content-Type": f"text/xml; charset={charset}"},
            timeout=30,
        )
        assert status_of(response.content)[0] == 200, response.text
    store = connector_of(connector.app).store
    for order_id in ("PO-P1", "PO-P2"):
        (entry,) = store.items(store.key("audit", "acme", order_id))
        assert "SharedSecret" in entry["document"] and "[redacted]" in entry["document"]
    assert BUYER.secret not in _everything_in(store)
    assert BUYER.secret not in caplog.text


def test_an_order_beyond_the_largest_accepted_gets_a_clear_413(connector: LiveConnector) -> None:
    from punchout.domain.orders import MAX_ORDER_LINES

    cart = returned_cart(connector)
    body = order_request(BUYER, cart, order_id="PO-BIG")
    start, end = body.index(b"<ItemOut"), body.index(b"</ItemOut>") + len(b"</ItemOut>")
    big = body[:start] + body[start:end] * (MAX_ORDER_LINES + 1) + body[end:]
    response = connector.post_cxml(big)
    code, text = status_of(response.content)
    assert (response.status_code, code) == (413, 413)
    assert f"at most {MAX_ORDER_LINES} in one order" in text
    assert pipo_orders(connector) == []


def test_buyers_test_reports_a_missing_cancel_status(connector: LiveConnector) -> None:
    from tests.support import BUYER_SECRET

    runner = PunchoutRunner(connector.app)
    args = ["buyers", "test", "acme", "--url", connector.url, "--secret", BUYER_SECRET]
    missing = runner.invoke(args=args)
    assert missing.exit_code == 0, missing.output
    assert "acme has no cancel_status; cancelled POs get 'Cancelled'" in missing.output
    connector.set_buyer(cancel_status="Void")
    named = runner.invoke(args=args)
    assert named.exit_code == 0 and "cancel_status" not in named.output
