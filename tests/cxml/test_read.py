"""Lenient reading: every public sample reads, and each quirk real buyers send is handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from punchout.cxml.model import OrderRequest, PunchOutSetupRequest
from punchout.cxml.parse import parse_xml
from punchout.cxml.read import InvalidRequest, parse_timestamp, read_request
from tests.support import SHARED_CXML

SAMPLES = SHARED_CXML / "samples"


def read(body: bytes | str) -> object:
    data = body.encode() if isinstance(body, str) else body
    return read_request(parse_xml(data, max_bytes=1_000_000))


def samples(kind: str) -> list[Path]:
    return sorted((SAMPLES / kind).glob("*.xml"))


@pytest.mark.parametrize("path", samples("PunchOutSetupRequest"), ids=lambda p: p.name)
def test_every_public_setup_request_sample_reads(path: Path) -> None:
    request = read(path.read_bytes())
    assert request.kind == "PunchOutSetupRequest"  # type: ignore[attr-defined]
    setup = request.body  # type: ignore[attr-defined]
    assert isinstance(setup, PunchOutSetupRequest)
    assert setup.operation in {"create", "edit", "inspect", "source"}
    assert request.header.from_credentials  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", samples("OrderRequest"), ids=lambda p: p.name)
def test_every_public_order_request_sample_reads_or_names_its_flaw(path: Path) -> None:
    try:
        request = read(path.read_bytes())
    except InvalidRequest as exc:  # the Coupa annotated sample lacks its <Request> wrapper
        assert "Request" in str(exc)
        return
    order = request.body  # type: ignore[attr-defined]
    assert isinstance(order, OrderRequest)
    assert order.order_id and order.lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-17T14:45:25.845Z", datetime(2021, 3, 17, 14, 45, 25, 845000, UTC)),
        ("2010-12-22T19:03:37Z", datetime(2010, 12, 22, 19, 3, 37, tzinfo=UTC)),
        ("2012-10-10T09:42:27", datetime(2012, 10, 10, 9, 42, 27, tzinfo=UTC)),
        (
            "2019-01-01T10:00:00-0500",
            datetime(2019, 1, 1, 10, tzinfo=timezone(timedelta(hours=-5))),
        ),
        (
            "2000-04-14T13:36:00-08:00",
            datetime(2000, 4, 14, 13, 36, tzinfo=timezone(timedelta(hours=-8))),
        ),
        ("Mon May 19 18:29:48 +0000 2008", datetime(2008, 5, 19, 18, 29, 48, tzinfo=UTC)),
        ("2025-02-25", datetime(2025, 2, 25, tzinfo=UTC)),
        ("yesterday", None),
    ],
)
def test_timestamps_are_read_leniently(text: str, expected: datetime | None) -> None:
    assert parse_timestamp(text) == expected


QUIRKY = """<?xml version="1.0"?>
<cxml payloadID="irrelevant" timestamp="2012-10-10T09:42:27">
  <Header>
    <From>
      <Credential domain="duns"><Identity> 123456789 </Identity></Credential>
      <Credential domain="NetworkId"><Identity>AN01</Identity></Credential>
    </From>
    <To><Credential domain="DUNS"><Identity>987654321</Identity></Credential></To>
    <Sender>
      <Credential domain="NetworkID"><Identity>AN01</Identity>
        <SharedSecret><![CDATA[s3cr&t]]></SharedSecret></Credential>
      <UserAgent>Coupa Procurement 1.0</UserAgent>
    </Sender>
  </Header>
  <Request>
    <PunchOutSetupRequest operation="edit">
      <BuyerCookie>
 cookie &amp; <b>bold</b> 1
</BuyerCookie>
      <Contact role="endUser"><Name xml:lang="en">Ada Lovelace</Name>
        <Email> ada@example.com </Email></Contact>
      <BrowserFormPost><URL>
        https://buyer.example.com/return?x=1&amp;y=2
      </URL></BrowserFormPost>
      <Extrinsic name="UserEmail">ada@example.com</Extrinsic>
      <Extrinsic name="UniqueName"> ada </Extrinsic>
      <ItemOut quantity="3" lineNumber="2"><ItemID><SupplierPartID>BC-STD-85x55</SupplierPartID>
        <SupplierPartAuxiliaryID>
          ref-1
        </SupplierPartAuxiliaryID></ItemID></ItemOut>
    </PunchOutSetupRequest>
  </Request>
</cxml>"""


def test_quirks_lower_case_root_whitespace_cdata_order_and_several_credentials() -> None:
    request = read(QUIRKY)
    setup = request.body  # type: ignore[attr-defined]
    assert isinstance(setup, PunchOutSetupRequest)
    header = request.header  # type: ignore[attr-defined]
    assert [(c.domain, c.identity) for c in header.from_credentials] == [
        ("duns", "123456789"),
        ("NetworkId", "AN01"),
    ]
    assert header.sender_credentials[0].shared_secret == "s3cr&t"
    assert header.user_agent == "Coupa Procurement 1.0"
    assert setup.browser_form_post == "https://buyer.example.com/return?x=1&y=2"
    assert setup.buyer_cookie == "\n cookie &amp; <b>bold</b> 1\n"
    assert (setup.contact_email, setup.contact_name) == ("ada@example.com", "Ada Lovelace")
    assert setup.extrinsics == {"UserEmail": "ada@example.com", "UniqueName": "ada"}
    (item,) = setup.items
    assert (item.line_number, item.quantity, item.supplier_part_auxiliary_id) == (
        2,
        Decimal(3),
        "ref-1",
    )
    assert request.timestamp is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<Invoice/>", "root element"),
        ("<cXML><Header/></cXML>", "no <Request>"),
        ("<cXML><Request><ProfileRequest/></Request></cXML>", "no <Header>"),
        ("<cXML><Header/><Request/></cXML>", "empty"),
        (
            "<cXML><Header/><Request><PunchOutSetupRequest operation='create'/></Request></cXML>",
            "BuyerCookie",
        ),
        (
            "<cXML><Header/><Request><OrderRequest><OrderRequestHeader orderID='1'/>"
            "<ItemOut quantity='many'/></OrderRequest></Request></cXML>",
            "quantity of line 1",
        ),
    ],
)
def test_unusable_requests_say_what_is_wrong(body: str, words: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        read(body)
    assert words in str(caught.value)


def test_profile_request_is_recognised() -> None:
    request = read((SAMPLES / "ProfileRequest" / "cxml-sdk-1.1.010.xml").read_bytes())
    assert request.kind == "ProfileRequest"  # type: ignore[attr-defined]


def order_with(item_attributes: str, price: str = "1.00", total: str = "1.00") -> str:
    return (
        "<cXML><Header/><Request><OrderRequest><OrderRequestHeader orderID='1'>"
        f"<Total><Money currency='USD'>{total}</Money></Total></OrderRequestHeader>"
        f"<ItemOut {item_attributes}><ItemID><SupplierPartID>P</SupplierPartID></ItemID>"
        f"<ItemDetail><UnitPrice><Money currency='USD'>{price}</Money></UnitPrice>"
        "</ItemDetail></ItemOut></OrderRequest></Request></cXML>"
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        # each of these was a 500 (overflow, int("²"), int of 5,000 digits) or misread
        (order_with("quantity='1e999999999' lineNumber='1'"), "the quantity of line 1"),
        (order_with("quantity='1' lineNumber='1'", price="1e999999999"), "the price of line 1"),
        (order_with("quantity='1'", total="1e999999999"), "the order total"),
        (order_with("quantity='1' lineNumber='²'"), "the lineNumber of ItemOut 1"),
        (order_with("quantity='1' lineNumber='" + "9" * 5000 + "'"), "lineNumber of ItemOut 1"),
        (order_with("quantity='1,5' lineNumber='2'"), "the quantity of line 2 '1,5' is ambiguous"),
        (order_with("quantity='sNaN' lineNumber='1'"), "the quantity of line 1"),
        (order_with("quantity='-1' lineNumber='1'"), "must not be negative"),
        (order_with("quantity='1' lineNumber='1'", price="-5"), "must not be negative"),
        (
            "<cXML><Header/><Request><PunchOutSetupRequest operation='edit'><BuyerCookie/>"
            "<ItemOut quantity='1e999999999' lineNumber='3'/></PunchOutSetupRequest>"
            "</Request></cXML>",
            "the quantity of line 3",
        ),
        (
            "<cXML><Header/><Request><PunchOutSetupRequest operation='edit'><BuyerCookie/>"
            "<ItemOut quantity='1' lineNumber='٣'/></PunchOutSetupRequest></Request></cXML>",
            "the lineNumber of ItemOut 1",
        ),
    ],
)
def test_numbers_go_through_the_one_parser_and_name_the_line(body: str, words: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        read(body)
    assert words in str(caught.value)


def test_plain_numbers_are_read_as_written() -> None:
    order = read(order_with("quantity='2' lineNumber='7'", price="12.50", total="25.00")).body  # type: ignore[attr-defined]
    assert isinstance(order, OrderRequest)
    (line,) = order.lines
    assert (line.line_number, str(line.quantity), str(line.unit_price)) == (7, "2", "12.50")
    assert str(order.total) == "25.00"
