"""Lenient reading: every public sample reads, and each quirk real buyers send is handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from punchout.protocol.cxml.model import OrderRequest, PunchOutSetupRequest
from punchout.protocol.cxml.parse import parse_xml
from punchout.protocol.cxml.read import InvalidRequest, parse_timestamp, read_request
from tests.support import FIXTURES, corpus_samples, fixture_documents


def read(body: bytes | str) -> object:
    data = body.encode() if isinstance(body, str) else body
    return read_request(parse_xml(data, max_bytes=1_000_000))


@pytest.mark.parametrize(
    "path", fixture_documents("setup-") + corpus_samples("PunchOutSetupRequest")
)
def test_every_setup_request_reads(path: Path) -> None:
    request = read(path.read_bytes())
    assert request.kind == "PunchOutSetupRequest"  # type: ignore[attr-defined]
    setup = request.body  # type: ignore[attr-defined]
    assert isinstance(setup, PunchOutSetupRequest)
    assert setup.operation in {"create", "edit", "inspect", "source"}
    assert request.header.from_credentials  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", fixture_documents("order-") + corpus_samples("OrderRequest"))
def test_every_order_request_reads(path: Path) -> None:
    # Every public OrderRequest is usable: none may be waved through as "unreadable".
    request = read(path.read_bytes())
    assert request.kind == "OrderRequest"  # type: ignore[attr-defined]
    order = request.body  # type: ignore[attr-defined]
    assert isinstance(order, OrderRequest)
    assert order.order_id and order.lines
    assert all(line.quantity > 0 for line in order.lines)


def test_the_project_order_fixture_reads_to_hand_written_values() -> None:
    # Expected values written from the document itself (cXML User's Guide, OrderRequest):
    # Total is the header's Money, lines keep their own quantity, price and unit.
    request = read((FIXTURES / "order-request-two-lines.xml").read_bytes())
    order = request.body  # type: ignore[attr-defined]
    assert isinstance(order, OrderRequest)
    assert request.payload_id == "fixture-order-1@buyer.example"  # type: ignore[attr-defined]
    assert request.deployment_mode == "production"  # type: ignore[attr-defined]
    assert (order.order_id, order.order_type, order.total, order.currency) == (
        "PO-1001",
        "new",
        Decimal("119.00"),
        "EUR",  # sent as "eur": currency codes are read in any case
    )
    assert order.order_date == datetime(2026, 1, 16, 6, 59, tzinfo=UTC)
    assert [
        (
            line.line_number,
            line.quantity,
            line.supplier_part_id,
            line.supplier_part_auxiliary_id,
            line.unit_price,
            line.currency,
            line.unit_of_measure,
            line.description,
        )
        for line in order.lines
    ] == [
        (1, Decimal(3), "BC-STD-85x55", "ref-line-1", Decimal("25.00"), "EUR", "BX",
         "Business cards, 500"),
        (2, Decimal(2), "FL-A5", "ref-line-2", Decimal("22.00"), "EUR", "EA",
         "Flyers A5, 250"),
    ]  # fmt: skip
    # 3 x 25.00 + 2 x 22.00 = 119.00, the Total the buyer stated.
    assert sum(line.quantity * line.unit_price for line in order.lines) == order.total


def test_the_project_setup_fixtures_read_to_hand_written_values() -> None:
    create = read((FIXTURES / "setup-create-ariba.xml").read_bytes())
    setup = create.body  # type: ignore[attr-defined]
    assert isinstance(setup, PunchOutSetupRequest)
    assert (setup.operation, setup.buyer_cookie, setup.browser_form_post) == (
        "create",
        "fixture-cookie-1",
        "https://buyer.example/punchout/return?session=7",
    )
    assert setup.extrinsics == {"UserEmail": "jurgen.muller@buyer.example", "UniqueName": "jmuller"}
    assert (setup.contact_name, setup.contact_email) == (
        "Jürgen Müller",
        "jurgen.muller@buyer.example",
    )
    assert create.deployment_mode == "test"  # type: ignore[attr-defined]
    header = create.header  # type: ignore[attr-defined]
    assert [(c.domain, c.identity) for c in header.from_credentials] == [
        ("NetworkID", "AN01000000001")
    ]
    assert header.sender_credentials[0].shared_secret == "fixture-secret"
    edit = read((FIXTURES / "setup-edit-escaped-cookie.xml").read_bytes())
    setup = edit.body  # type: ignore[attr-defined]
    assert isinstance(setup, PunchOutSetupRequest)
    assert setup.operation == "edit"
    # The cookie's content as markup, whitespace and escapes kept (echoed byte for byte).
    assert setup.buyer_cookie == "\n  cookie &amp; a&lt;b &gt; tail\n"
    (item,) = setup.items
    assert (item.line_number, item.quantity, item.supplier_part_id) == (1, 2, "BC-STD-85x55")


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
    request = read((FIXTURES / "profile-request.xml").read_bytes())
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


HEADER = "<Header><From/><To/><Sender/></Header>"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<Invoice/>", "the root element is <invoice>, not <cXML>"),
        (
            "<cXML><Header/></cXML>",
            "the document has no <Request>; send a cXML Request document",
        ),
        (
            "<cXML><Request><ProfileRequest/></Request></cXML>",
            "the document has no <Header> with From, To and Sender",
        ),
        (f"<cXML>{HEADER}<Request/></cXML>", "<Request> is empty"),
        (
            f"<cXML>{HEADER}<Request><PunchOutSetupRequest><BuyerCookie/>"
            "</PunchOutSetupRequest></Request></cXML>",
            "<PunchOutSetupRequest> has no operation attribute",
        ),
        (
            f"<cXML>{HEADER}<Request><PunchOutSetupRequest operation='create'/></Request></cXML>",
            "<PunchOutSetupRequest> has no <BuyerCookie>",
        ),
        (
            f"<cXML>{HEADER}<Request><OrderRequest/></Request></cXML>",
            "<OrderRequest> has no <OrderRequestHeader>",
        ),
        (
            f"<cXML>{HEADER}<Request><OrderRequest><OrderRequestHeader/>"
            "</OrderRequest></Request></cXML>",
            "<OrderRequestHeader> has no orderID",
        ),
        (
            f"<cXML>{HEADER}<Request><OrderRequest><OrderRequestHeader orderID='1'/>"
            "</OrderRequest></Request></cXML>",
            "<OrderRequest> has no <ItemOut> lines",
        ),
    ],
)
def test_each_refusal_names_the_missing_part_exactly(body: str, message: str) -> None:
    # These words reach the buyer as the cXML Status text (cXML User's Guide, Status 400).
    with pytest.raises(InvalidRequest) as caught:
        read(body)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("<ItemOut lineNumber='7' quantity='x'/>", "the quantity of line 7 'x' is not a plain"),
        (
            "<ItemOut quantity='2'/><ItemOut quantity='y'/>",
            "the quantity of line 2 'y' is not a plain",
        ),
        (
            "<ItemOut lineNumber='3' quantity='1'><ItemDetail><UnitPrice>"
            "<Money currency='USD'>ten</Money></UnitPrice></ItemDetail></ItemOut>",
            "the price of line 3 'ten' is not a plain",
        ),
    ],
)
def test_a_bad_number_names_its_line(item: str, message: str) -> None:
    body = (
        f"<cXML>{HEADER}<Request><OrderRequest><OrderRequestHeader orderID='1'/>"
        f"{item}</OrderRequest></Request></cXML>"
    )
    with pytest.raises(InvalidRequest) as caught:
        read(body)
    assert str(caught.value).startswith(message)


def test_namespaced_and_odd_tags_are_read_by_local_name() -> None:
    body = (
        "<c:cXML xmlns:c='urn:x' payloadID='p'><c:Header><c:From><c:Credential domain='D'>"
        "<c:Identity>I</c:Identity></c:Credential></c:From></c:Header>"
        "<c:Request><c:ProfileRequest/></c:Request></c:cXML>"
    )
    request = read(body)
    assert request.kind == "ProfileRequest"  # type: ignore[attr-defined]
    (credential,) = request.header.from_credentials  # type: ignore[attr-defined]
    assert (credential.domain, credential.identity) == ("D", "I")


def test_the_first_extrinsic_of_a_name_wins_and_nameless_ones_are_ignored() -> None:
    body = (
        f"<cXML>{HEADER}<Request><PunchOutSetupRequest operation='create'><BuyerCookie/>"
        "<Extrinsic name='User'>first</Extrinsic><Extrinsic name='User'>second</Extrinsic>"
        "<Extrinsic>nameless</Extrinsic></PunchOutSetupRequest></Request></cXML>"
    )
    setup = read(body).body  # type: ignore[attr-defined]
    assert setup.extrinsics == {"User": "first"}


def test_request_kinds_are_named_canonically_whatever_the_case() -> None:
    def kind_of(element: str) -> tuple[str, object]:
        request = read(f"<cXML>{HEADER}<Request>{element}</Request></cXML>")
        return request.kind, request.body  # type: ignore[attr-defined]

    assert kind_of("<profilerequest/>") == ("ProfileRequest", None)
    kind, body = kind_of(
        "<punchoutsetuprequest operation='create'><buyercookie/>" + "</punchoutsetuprequest>"
    )
    assert kind == "PunchOutSetupRequest" and isinstance(body, PunchOutSetupRequest)
    kind, body = kind_of(
        "<ORDERREQUEST><OrderRequestHeader orderID='1'/><ItemOut quantity='1'/></ORDERREQUEST>"
    )
    assert kind == "OrderRequest" and isinstance(body, OrderRequest)
    assert kind_of("<StatusUpdateRequest/>") == ("StatusUpdateRequest", None)


def test_order_header_defaults_and_references() -> None:
    body = (
        f"<cXML>{HEADER}<Request><OrderRequest>"
        "<OrderRequestHeader orderID='9' type='Update'>"
        "<DocumentReference payloadID='original-payload@buyer'/></OrderRequestHeader>"
        "<ItemOut quantity='1'/></OrderRequest></Request></cXML>"
    )
    order = read(body).body  # type: ignore[attr-defined]
    assert (order.order_type, order.document_reference) == ("update", "original-payload@buyer")
    assert (order.total, order.currency) == (None, "")  # no Total sent
    (line,) = order.lines
    assert (line.unit_price, line.currency, line.unit_of_measure, line.description) == (
        None,
        "",
        "",
        "",
    )
    plain = read(
        body.replace(" type='Update'", "").replace(
            "<DocumentReference payloadID='original-payload@buyer'/>", ""
        )
    )
    assert (plain.body.order_type, plain.body.document_reference) == ("new", "")  # type: ignore[attr-defined]
    assert plain.deployment_mode == "production"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ("lots", "the order total 'lots' is not a plain decimal number such as 12.50"),
        ("NaN", "the order total 'NaN' is not a plain decimal number such as 12.50"),
        ("x" * 45, "the order total '" + "x" * 40 + "...' is too long to be a number"),
        # A comma is never dropped (1,5 would read as 15): the text is refused, cut to 40.
        (
            "N" + "," * 30 + "aN",
            "the order total 'N" + "," * 30 + "aN' is ambiguous; write it with a dot for "
            "decimals and no thousands separator",
        ),
    ],
)
def test_a_bad_total_is_named_exactly(total: str, message: str) -> None:
    body = (
        f"<cXML>{HEADER}<Request><OrderRequest><OrderRequestHeader orderID='1'>"
        f"<Total><Money currency='USD'>{total}</Money></Total></OrderRequestHeader>"
        "<ItemOut quantity='1'/></OrderRequest></Request></cXML>"
    )
    with pytest.raises(InvalidRequest) as caught:
        read(body)
    assert str(caught.value) == message


def test_thousands_separators_are_refused_not_guessed() -> None:
    # "1,234.50" and "1,5" cannot be told apart safely: the buyer is asked to resend plainly.
    body = (
        f"<cXML>{HEADER}<Request><OrderRequest><OrderRequestHeader orderID='1'>"
        "<Total><Money currency='USD'>1,234.50</Money></Total></OrderRequestHeader>"
        "<ItemOut quantity='1'/></OrderRequest></Request></cXML>"
    )
    with pytest.raises(InvalidRequest, match="ambiguous"):
        read(body)
    assert read(body.replace("1,234.50", "1234.50")).body.total == Decimal("1234.50")  # type: ignore[attr-defined]


def test_setup_contact_items_and_header_details() -> None:
    body = """<cXML><Header>
      <From><Credential domain="NetworkID"><Identity>AN01</Identity></Credential></From>
      <To><Credential domain="DUNS"><Identity>123</Identity></Credential></To>
      <Sender><Credential domain="NetworkID"><Identity>AN01</Identity>
        <SharedSecret>s</SharedSecret></Credential></Sender></Header>
      <Request><PunchOutSetupRequest operation="edit"><BuyerCookie><b>x</b> tail</BuyerCookie>
        <Contact role="buyer"><Name>Buyer Admin</Name><Email>admin@x</Email></Contact>
        <Contact role="endUser"><Name>Ada <i>Lovelace</i></Name><Email>ada@x</Email></Contact>
        <ItemOut><ItemID><SupplierPartID>A</SupplierPartID></ItemID></ItemOut>
        <ItemOut quantity="2"><ItemID><SupplierPartID>B</SupplierPartID></ItemID>
        </ItemOut>
      </PunchOutSetupRequest></Request></cXML>"""
    request = read(body)
    setup = request.body  # type: ignore[attr-defined]
    assert (setup.contact_name, setup.contact_email) == ("Ada Lovelace", "ada@x")
    assert setup.buyer_cookie == "<b>x</b> tail"
    assert setup.browser_form_post == ""
    assert [(i.line_number, i.quantity, i.supplier_part_id) for i in setup.items] == [
        (None, Decimal(1), "A"),
        (None, Decimal(2), "B"),
    ]
    header = request.header  # type: ignore[attr-defined]
    assert [(c.domain, c.identity) for c in header.to_credentials] == [("DUNS", "123")]
    assert [(c.identity, c.shared_secret) for c in header.sender_credentials] == [("AN01", "s")]
    no_end_user = read(body.replace('role="endUser"', 'role="other"')).body  # type: ignore[attr-defined]
    assert no_end_user.contact_name == "Buyer Admin"  # the first Contact, when none is endUser
    no_contact = read(body.split("<Contact")[0] + "</PunchOutSetupRequest></Request></cXML>")
    assert (no_contact.body.contact_name, no_contact.body.contact_email) == ("", "")  # type: ignore[attr-defined]


def test_a_bad_setup_quantity_names_the_item() -> None:
    body = (
        f"<cXML>{HEADER}<Request><PunchOutSetupRequest operation='edit'><BuyerCookie/>"
        "<ItemOut quantity='1'/><ItemOut quantity='two'/></PunchOutSetupRequest></Request></cXML>"
    )
    with pytest.raises(InvalidRequest) as caught:
        read(body)
    assert str(caught.value) == (
        "the quantity of line 2 'two' is not a plain decimal number such as 12.50"
    )


def test_namespaced_attributes_are_read_by_local_name() -> None:
    body = (
        f"<cXML xmlns:n='urn:n'>{HEADER}<Request><PunchOutSetupRequest n:operation='create'>"
        "<BuyerCookie/></PunchOutSetupRequest></Request></cXML>"
    )
    assert read(body).body.operation == "create"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2012-10-10T09:42", datetime(2012, 10, 10, 9, 42, tzinfo=UTC)),
        ("2012-10-10 09:42:05+0200", datetime(2012, 10, 10, 7, 42, 5, tzinfo=UTC)),
    ],
)
def test_more_timestamp_forms(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_line_numbers_stop_at_the_dtds_largest() -> None:
    # cXML DTD: lineNumber is a %uint; this reader takes at most 999,999 lines' numbers.
    request = read(order_with("quantity='1' lineNumber='999999'"))
    order = getattr(request, "body", None)
    assert isinstance(order, OrderRequest) and order.lines[0].line_number == 999_999
    with pytest.raises(InvalidRequest) as caught:
        read(order_with("quantity='1' lineNumber='1000000'"))
    assert str(caught.value) == "the lineNumber of ItemOut 1 '1000000' is outside 0 to 999999"


def test_an_item_out_is_read_by_local_name_in_any_case_the_exact_name_first() -> None:
    # Each ItemOut is read in one walk of its children: a child named exactly wins over an
    # earlier one in another case, any case or namespace is found otherwise, the first of
    # each attribute name counts, and a child's nested text is all of its text.
    body = (
        f"<cXML xmlns:n='urn:n'>{HEADER}<Request><OrderRequest>"
        "<OrderRequestHeader orderID='1'/>"
        "<ItemOut QUANTITY=' 3 ' n:lineNumber='7' quantity='9'>"
        "<n:itemid><supplierpartid>lower</supplierpartid><SupplierPartID>exact</SupplierPartID>"
        "<n:SUPPLIERPARTAUXILIARYID> 1-2-ref </n:SUPPLIERPARTAUXILIARYID></n:itemid>"
        "<ItemDetail><unitprice><n:Money Currency='eur'>2.50</n:Money></unitprice>"
        "<Description>Cards, <b>bold</b> ones </Description><UnitOfMeasure>EA</UnitOfMeasure>"
        "</ItemDetail></ItemOut></OrderRequest></Request></cXML>"
    )
    (line,) = read(body).body.lines  # type: ignore[attr-defined]
    assert (line.line_number, line.quantity) == (7, Decimal("3"))
    assert (line.supplier_part_id, line.supplier_part_auxiliary_id) == ("exact", "1-2-ref")
    assert (line.unit_price, line.currency) == (Decimal("2.50"), "EUR")
    assert (line.description, line.unit_of_measure) == ("Cards, bold ones", "EA")


def _cred(domain: str, identity: str, secret: str = "") -> str:
    shared = (
        f"<sharedsecret>no</sharedsecret><SharedSecret>{secret}</SharedSecret>" if secret else ""
    )
    return (
        f"<Credential domain='{domain}'><identity>no</identity>"
        f"<Identity>{identity}</Identity>{shared}</Credential>"
    )


#: Every element the reader reads, each after a decoy of the same name in another case with
#: another value: the exact name is read, never the decoy. (Attributes are read by their
#: name in any case, the first of each, and repeated elements such as Credential, Contact
#: and ItemOut in any case: no decoys for those.)
DECOY_HEADER = (
    "<header><From>" + _cred("NetworkID", "decoy") + "</From></header>"
    "<Header><from>" + _cred("NetworkID", "decoy") + "</from>"
    "<From>" + _cred("NetworkID", "AN-BUYER") + "</From>"
    "<to>" + _cred("DUNS", "decoy") + "</to><To>" + _cred("DUNS", "AN-SUPPLIER") + "</To>"
    "<sender>" + _cred("x", "decoy") + "</sender>"
    "<Sender>"
    + _cred("NetworkID", "AN-BUYER", "s3cret")
    + "<useragent>decoy</useragent><UserAgent>Buyer 1.0</UserAgent></Sender></Header>"
)
DECOY_ROOT = "<cXML payloadID='p-1' timestamp='2026-11-23T10:00:00+00:00'>"


def test_a_setup_request_reads_each_name_exactly_before_a_decoy_in_another_case() -> None:
    body = (
        DECOY_ROOT + DECOY_HEADER + "<request><PunchOutSetupRequest operation='edit'/></request>"
        "<Request deploymentMode='test'><PunchOutSetupRequest operation='Create'>"
        "<buyercookie>no</buyercookie><BuyerCookie>c-1</BuyerCookie>"
        "<browserformpost><URL>https://no.example/</URL></browserformpost>"
        "<BrowserFormPost><url>https://no.example/</url><URL>https://buyer.example/r</URL>"
        "</BrowserFormPost>"
        "<Contact role='buyer'><Name>No</Name></Contact>"
        "<Contact role='endUser'><name>No</name><Name>Jane Doe</Name>"
        "<email>no@no.example</email><Email>jane@buyer.example</Email></Contact>"
        "</PunchOutSetupRequest></Request></cXML>"
    )
    request = read(body)
    assert (request.payload_id, request.kind, request.deployment_mode) == (  # type: ignore[attr-defined]
        "p-1",
        "PunchOutSetupRequest",
        "test",
    )
    assert request.timestamp == datetime(2026, 11, 23, 10, tzinfo=UTC)  # type: ignore[attr-defined]
    header = request.header  # type: ignore[attr-defined]
    assert [(c.domain, c.identity) for c in header.from_credentials] == [("NetworkID", "AN-BUYER")]
    assert [(c.domain, c.identity) for c in header.to_credentials] == [("DUNS", "AN-SUPPLIER")]
    (sender,) = header.sender_credentials
    assert (sender.identity, sender.shared_secret) == ("AN-BUYER", "s3cret")
    assert header.user_agent == "Buyer 1.0"
    setup = request.body  # type: ignore[attr-defined]
    assert isinstance(setup, PunchOutSetupRequest)
    assert (setup.operation, setup.buyer_cookie) == ("create", "c-1")
    assert setup.browser_form_post == "https://buyer.example/r"
    assert (setup.contact_name, setup.contact_email) == ("Jane Doe", "jane@buyer.example")


def test_an_order_request_reads_each_name_exactly_before_a_decoy_in_another_case() -> None:
    item = (
        "<ItemOut quantity='2' lineNumber='3'>"
        "<itemid><SupplierPartID>no</SupplierPartID><SupplierPartAuxiliaryID>no"
        "</SupplierPartAuxiliaryID></itemid>"
        "<ItemID><supplierpartid>no</supplierpartid><SupplierPartID>BC-1</SupplierPartID>"
        "<supplierpartauxiliaryid>no</supplierpartauxiliaryid>"
        "<SupplierPartAuxiliaryID>ref-1</SupplierPartAuxiliaryID></ItemID>"
        "<itemdetail><UnitPrice><Money currency='GBP'>9.99</Money></UnitPrice></itemdetail>"
        "<ItemDetail><unitprice><Money currency='GBP'>8.88</Money></unitprice>"
        "<UnitPrice><money currency='GBP'>7.77</money><Money currency='usd'>1.25</Money>"
        "</UnitPrice><description>no</description><Description>Cards</Description>"
        "<unitofmeasure>XX</unitofmeasure><UnitOfMeasure>BX</UnitOfMeasure>"
        "</ItemDetail></ItemOut>"
    )
    body = (
        DECOY_ROOT + DECOY_HEADER + "<Request><OrderRequest>"
        "<orderrequestheader orderID='no' type='delete'/>"
        "<OrderRequestHeader orderID='PO-1' orderDate='2026-11-22T10:00:00+00:00' type='update'>"
        "<total><Money currency='GBP'>9</Money></total>"
        "<Total><money currency='GBP'>8</money><Money currency='USD'>2.50</Money></Total>"
        "<documentreference payloadID='no'/><DocumentReference payloadID='p-0'/>"
        f"</OrderRequestHeader>{item}</OrderRequest></Request></cXML>"
    )
    order = read(body).body  # type: ignore[attr-defined]
    assert isinstance(order, OrderRequest)
    assert (order.order_id, order.order_type, order.document_reference) == ("PO-1", "update", "p-0")
    assert order.order_date == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert (order.total, order.currency) == (Decimal("2.50"), "USD")
    (line,) = order.lines
    assert (line.line_number, line.quantity) == (3, Decimal("2"))
    assert (line.supplier_part_id, line.supplier_part_auxiliary_id) == ("BC-1", "ref-1")
    assert (line.unit_price, line.currency) == (Decimal("1.25"), "USD")
    assert (line.description, line.unit_of_measure) == ("Cards", "BX")
