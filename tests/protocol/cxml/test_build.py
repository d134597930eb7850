"""Strict emitting: every document the connector builds is valid against the official
cXML 1.2.071 DTD and the project's own schema, with +hh:mm timestamps and unique ids."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from functools import cache

import pytest
from lxml import etree

from punchout.protocol.cxml import build
from punchout.protocol.cxml.encode import cxml_base64, cxml_urlencoded, decode_cart
from punchout.protocol.cxml.parse import parse_xml
from punchout.protocol.cxml.read import inner_xml, read_request
from punchout.protocol.cxml.schemas import InvalidEmitted, load_schemas, validate_emitted
from tests.support import CXML_DTD, FIXTURES

OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@cache
def dtd() -> etree.DTD:
    return etree.DTD(str(CXML_DTD))


def assert_valid(document: bytes) -> etree._Element:
    root = parse_xml(document, max_bytes=10_000_000)
    assert dtd().validate(root), dtd().error_log.filter_from_errors()
    validate_emitted(document)
    assert OFFSET.match(root.get("timestamp", ""))
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE cXML")
    return root


def cart_item(**overrides: object) -> build.CartItem:
    values: dict[str, object] = {
        "quantity": Decimal("2"),
        "supplier_part_id": "BC-STD-85x55",
        "supplier_part_auxiliary_id": "b1.7.42.sig",
        "unit_price": Decimal("45.5"),
        "currency": "EUR",
        "description": "Visitenkarten für Jürgen Müller – 500 Stück",
        "unit_of_measure": "BX",
        "classification_domain": "UNSPSC",
        "classification_code": "82121512",
        "lead_time_days": 5,
    }
    values.update(overrides)
    return build.CartItem(**values)  # type: ignore[arg-type]


def order_message(cookie: str = "c-123", items: list[build.CartItem] | None = None) -> bytes:
    items = [cart_item()] if items is None else items
    return build.punchout_order_message(
        buyer_cookie=cookie,
        from_credentials=[("DUNS", "123456789")],
        to_credentials=[("NetworkID", "AN01"), ("DUNS", "987")],
        operation_allowed="edit",
        items=items,
        total=sum((i.unit_price * i.quantity for i in items), Decimal(0)),
        currency="EUR",
    )


@pytest.mark.parametrize(
    "document",
    [
        build.response(200),
        build.response(401, "The credentials were not recognised."),
        build.response(560, "PrintNow is unavailable; retry later."),
        build.profile_response([("PunchOutSetupRequest", "https://p.example.com/cxml")]),
        build.punchout_setup_response("https://p.example.com/start/abc?x=1&y=2"),
    ],
)
def test_responses_are_dtd_valid(document: bytes) -> None:
    root = assert_valid(document)
    status = root.find("Response/Status")
    assert status is not None and status.get("text")


def test_order_message_is_dtd_valid_and_has_no_shared_secret() -> None:
    document = order_message(items=[cart_item(), cart_item(extrinsics=(("Design", "x"),))])
    root = assert_valid(document)
    assert b"SharedSecret" not in document
    assert [i.get("lineNumber") for i in root.iter("ItemIn")] == ["1", "2"]
    assert root.findtext(".//Total/Money") == "182.00"


def test_empty_cart_is_valid() -> None:
    assert_valid(order_message(items=[]))


def test_payload_ids_are_unique() -> None:
    ids = {parse_xml(build.response(200), max_bytes=10_000).get("payloadID") for _ in range(500)}
    assert len(ids) == 500


@pytest.mark.parametrize(
    "cookie",
    ["plain", "\n  spaced &amp; escaped &lt;x&gt;\n", "<Token xmlns='urn:x'>a</Token> tail", ""],
)
def test_buyer_cookie_is_echoed_exactly(cookie: str) -> None:
    root = parse_xml(order_message(cookie=cookie), max_bytes=100_000)
    echoed = root.find("Message/PunchOutOrderMessage/BuyerCookie")
    assert inner_xml(echoed) == inner_xml(etree.fromstring(f"<B>{cookie}</B>"))


def test_cookie_read_from_a_setup_request_round_trips() -> None:
    sample = FIXTURES / "setup-edit-escaped-cookie.xml"
    setup = read_request(parse_xml(sample.read_bytes(), max_bytes=100_000)).body
    document = order_message(cookie=setup.buyer_cookie)  # type: ignore[union-attr]
    root = parse_xml(document, max_bytes=100_000)
    assert inner_xml(root.find(".//BuyerCookie")) == setup.buyer_cookie  # type: ignore[union-attr]


def test_money_and_quantities_are_plain_decimals() -> None:
    assert build.money(Decimal("45.5")) == "45.50"
    assert build.money(Decimal("0.1234")) == "0.1234"
    assert build.money(Decimal("1E+3")) == "1000.00"
    assert build.quantity(Decimal("500.000")) == "500"
    assert build.quantity(Decimal("1E+3")) == "1000"


def test_base64_field_carries_utf8_bytes_exactly() -> None:
    document = order_message()
    assert base64.b64decode(cxml_base64(document)) == document
    assert decode_cart({"CXML-BASE64": cxml_base64(document)}) == document


def test_urlencoded_field_is_pure_ascii_and_means_the_same() -> None:
    document = order_message()
    text = cxml_urlencoded(document)
    assert text.isascii()
    assert "&#252;" in text  # ü as a character reference
    assert text.startswith('<?xml version="1.0" encoding="US-ASCII"?>\n<!DOCTYPE cXML')
    # The field's value is the document itself, in US-ASCII with character references (cXML
    # User's Guide, PunchOutOrderMessage form post): read it with a plain XML parser.
    assert "Visitenkarten f&#252;r J&#252;rgen M&#252;ller &#8211; 500 St&#252;ck" in text
    plain = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    original = etree.fromstring(document, plain)
    again = etree.fromstring(text.encode("ascii"), plain)
    assert decode_cart({"cxml-urlencoded": text}) == text.encode("ascii")
    assert etree.tostring(original, method="c14n") == etree.tostring(again, method="c14n")
    assert dtd().validate(again)


def test_own_schema_rejects_what_the_connector_must_not_send() -> None:
    assert load_schemas()
    bad = order_message().replace(b"<UnitOfMeasure>BX", b"<UnitOfMeasure>boxes")
    with pytest.raises(InvalidEmitted):
        validate_emitted(bad)
    with_secret = order_message().replace(
        b"<Identity>123456789</Identity></Credential></From>",
        b"<Identity>123456789</Identity><SharedSecret>x</SharedSecret></Credential></From>",
    )
    with pytest.raises(InvalidEmitted):
        validate_emitted(with_secret)
    zulu = re.sub(rb'timestamp="[^"]+"', b'timestamp="2026-01-01T00:00:00Z"', order_message())
    with pytest.raises(InvalidEmitted):
        validate_emitted(zulu)
