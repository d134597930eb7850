"""The cXML reader (parse + read): any body ends in a Request or one of its own refusals.

Random bytes exercise the XML parser's guard; documents built from real request templates
with fuzzed fields (numbers, line numbers, URLs, credentials, timestamps, element names)
reach the reader's every branch.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from hypothesis import given
from hypothesis import strategies as st

from punchout.protocol.cxml.model import OrderRequest, PunchOutSetupRequest
from punchout.protocol.cxml.parse import MalformedDocument, PayloadTooLarge, parse_xml
from punchout.protocol.cxml.read import InvalidRequest, read_request
from punchout.protocol.numbers import MAX_AMOUNT, MAX_QUANTITY
from tests.fuzz.profile import FUZZ

REFUSALS = (PayloadTooLarge, MalformedDocument, InvalidRequest)
MAX_BYTES = 200_000

FIELD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["1", "2.5", "1e999999999", "1,5", "sNaN", "²", "9" * 5000, "-1", "0", ""]),
    st.from_regex(r"[0-9]{1,20}(\.[0-9]{1,8})?", fullmatch=True),
)
SETUP = st.sampled_from(["PunchOutSetupRequest", "punchoutsetuprequest", "ProfileRequest"])
ORDER = st.sampled_from(["OrderRequest", "orderrequest", "OrderRequest", "X"])


def header(domain: str, identity: str, secret: str) -> str:
    return (
        f"<Header><From><Credential domain={quoteattr(domain)}><Identity>{escape(identity)}"
        "</Identity></Credential></From><To><Credential domain='DUNS'><Identity>1</Identity>"
        f"</Credential></To><Sender><Credential domain={quoteattr(domain)}><Identity>"
        f"{escape(identity)}</Identity><SharedSecret>{escape(secret)}</SharedSecret>"
        "</Credential><UserAgent>fuzz</UserAgent></Sender></Header>"
    )


def setup_document(fields: list[str], kind: str) -> bytes:
    operation, url, quantity, line, stamp, cookie, domain = fields
    items = (
        f"<ItemOut quantity={quoteattr(quantity)} lineNumber={quoteattr(line)}><ItemID>"
        "<SupplierPartID>P</SupplierPartID><SupplierPartAuxiliaryID>a</SupplierPartAuxiliaryID>"
        "</ItemID></ItemOut>"
    )
    return (
        f"<cXML payloadID='p' timestamp={quoteattr(stamp)}>{header(domain, 'id', 's')}"
        f"<Request><{kind} operation={quoteattr(operation)}><BuyerCookie>{escape(cookie)}"
        f"</BuyerCookie><Extrinsic name='UserEmail'>{escape(cookie)}</Extrinsic>"
        f"<BrowserFormPost><URL>{escape(url)}</URL></BrowserFormPost>{items}{items}"
        f"</{kind}></Request></cXML>"
    ).encode()


def order_document(fields: list[str], kind: str) -> bytes:
    order_id, quantity, price, total, line, currency, stamp = fields
    item = (
        f"<ItemOut quantity={quoteattr(quantity)} lineNumber={quoteattr(line)}><ItemID>"
        "<SupplierPartID>P</SupplierPartID></ItemID><ItemDetail><UnitPrice>"
        f"<Money currency={quoteattr(currency)}>{escape(price)}</Money></UnitPrice>"
        "</ItemDetail></ItemOut>"
    )
    return (
        f"<cXML payloadID='p'>{header('NetworkID', 'AN1', 'x')}<Request><{kind}>"
        f"<OrderRequestHeader orderID={quoteattr(order_id)} orderDate={quoteattr(stamp)}>"
        f"<Total><Money currency='USD'>{escape(total)}</Money></Total></OrderRequestHeader>"
        f"{item}{item}</{kind}></Request></cXML>"
    ).encode()


def read(body: bytes) -> object:
    try:
        return read_request(parse_xml(body, max_bytes=MAX_BYTES))
    except REFUSALS:
        return None


def check(request: object) -> None:
    """What the reader accepted is within the bounds the rest of the connector relies on."""
    body = getattr(request, "body", None)
    if isinstance(body, PunchOutSetupRequest):
        for item in body.items:
            assert 0 < item.quantity <= MAX_QUANTITY
    if isinstance(body, OrderRequest):
        for line in body.lines:
            assert 0 < line.quantity <= MAX_QUANTITY
            assert line.unit_price is None or 0 <= line.unit_price <= MAX_AMOUNT
            assert line.line_number is None or 0 <= line.line_number < 10**6


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes(body: bytes) -> None:
    read(body)


@FUZZ
@given(st.lists(FIELD, min_size=7, max_size=7), SETUP)
def test_setup_requests_with_fuzzed_fields(fields: list[str], kind: str) -> None:
    check(read(setup_document(fields, kind)))


@FUZZ
@given(st.lists(FIELD, min_size=7, max_size=7), ORDER)
def test_order_requests_with_fuzzed_fields(fields: list[str], kind: str) -> None:
    check(read(order_document(fields, kind)))


@FUZZ
@given(st.lists(FIELD, min_size=7, max_size=7), st.integers(0, 400), st.binary(max_size=40))
def test_damaged_documents(fields: list[str], cut: int, junk: bytes) -> None:
    """A templated document cut short or spliced with junk: still only a refusal."""
    document = order_document(fields, "OrderRequest")
    check(read(document[:cut] + junk + document[cut:]))
    check(read(document.replace(b"'", b"", 1)))
