"""Hostile input at the live connector: each attack gets a clear 4xx, never a 500,
and a cart never goes anywhere but the registered host, as a browser reads it."""

from __future__ import annotations

import base64
import html

import pytest
import requests

from punchout.web import multipart
from tests.buyer_side import DOCTYPE, Browser, BuyerIdentity, header, setup_request, start_url_of
from tests.buyer_side import status_of as cxml_status
from tests.web.conftest import LiveConnector
from tests.web.test_oci import callup

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()

BYPASSES = [
    "https://evil.example\\@buyer.example/return",
    "https://evil.example\\.buyer.example/return",
    "https:\\\\evil.example\\@buyer.example/return",
    "https://ev\til.example\\@buyer.example/return",
    "https://evil.example@buyer.example/return",
    "https://user:pw@buyer.example/return",
    "https://evilbuyer.example/return",
    "javascript:alert(document.domain)//buyer.example",
    "http://buyer.example/return",
]


@pytest.mark.parametrize("url", BYPASSES)
def test_a_return_url_a_browser_reads_elsewhere_is_refused_cxml(
    connector: LiveConnector, url: str
) -> None:
    connector.set_buyer(return_hosts=["*.buyer.example", "buyer.example", "127.0.0.1"])
    response = connector.post_cxml(setup_request(BUYER, return_url=url))
    code, text = cxml_status(response.content)
    assert response.status_code == code == 403 and "not registered" in text


@pytest.mark.parametrize("url", BYPASSES)
def test_a_hook_url_a_browser_reads_elsewhere_is_refused_oci(
    connector: LiveConnector, url: str
) -> None:
    for function in ("", "VALIDATE"):
        page = Browser().post(
            f"{connector.url}/oci/acme",
            data=callup(hook_url=url, FUNCTION=function, PRODUCTID="BC-STD-85x55"),
        )
        assert page.status_code == 403 and "not registered" in page.text
        assert "evil.example" not in page.text and '<form id="cart-form"' not in page.text


def punch_out_to_cart(connector: LiveConnector, return_url: str) -> Browser:
    response = connector.post_cxml(setup_request(BUYER, return_url=return_url))
    assert response.status_code == 200, response.text
    browser = Browser()
    browser.get(start_url_of(response.content))
    browser.design(name_on_card="Jane Doe")
    browser.get(browser.storefront_return_url())
    return browser


def test_the_cart_is_posted_to_the_normalised_url_that_was_checked(
    connector: LiveConnector,
) -> None:
    browser = punch_out_to_cart(connector, "  HTTPS://Buyer.Example:443/punch\tout/return  ")
    browser.submit_cart("return")
    assert browser.returned_cart().action == "https://buyer.example/punchout/return"


def test_a_host_removed_after_setup_never_receives_the_cart(connector: LiveConnector) -> None:
    browser = punch_out_to_cart(connector, "https://buyer.example/punchout/return")
    connector.set_buyer(return_hosts=["127.0.0.1"])
    page = browser.submit_cart("return")
    assert page.status_code == 403 and "cannot be returned" in page.text
    assert "buyer.example/punchout" not in page.text


@pytest.mark.parametrize("quantity", ["sNaN", "1e999999999", "1,5", "²", "NaN", "-1", "0"])
def test_a_typed_cart_quantity_that_is_no_number_gets_the_cart_page_again(
    connector: LiveConnector, quantity: str
) -> None:
    browser = punch_out_to_cart(connector, "https://buyer.example/punchout/return")
    _, _, checked = browser.cart_form()
    page = browser.submit_cart("return", quantities={p: quantity for p in checked})
    assert page.status_code == 400
    assert "is not a quantity" in page.text or "whole numbers" in page.text
    assert 'id="cart-form"' not in page.text


def test_a_hook_url_is_emitted_as_the_browser_reads_it(connector: LiveConnector) -> None:
    browser = Browser()
    page = browser.post(
        f"{connector.url}/oci/acme",
        data=callup(
            hook_url="HTTP://127.0.0.1:9/sap/h\took?sap-client=100",
            FUNCTION="VALIDATE",
            PRODUCTID="BC-STD-85x55",
        ),
    )
    assert page.status_code == 200
    action, _, fields, _ = browser.returned_form()
    assert action == "http://127.0.0.1:9/sap/hook"
    assert ("sap-client", "100") in fields


@pytest.mark.parametrize("charset", ["utf_16_be", "UTF-16", "idna", "utf-7", "rot13"])
def test_an_unusable_oci_charset_falls_back_to_utf8(connector: LiveConnector, charset: str) -> None:
    page = requests.post(
        f"{connector.url}/oci/acme",
        data=callup(
            hook_url="http://127.0.0.1:9/hook?x=%3Cscript%3Ealert(1)%3C/script%3E",
            FUNCTION="VALIDATE",
            PRODUCTID="BC-STD-85x55",
            HTTP_CONTENT_CHARSET=charset,
        ),
        timeout=30,
    )
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<script>alert(1)" not in page.content and b"\x00" not in page.content


@pytest.mark.parametrize("quantity", ["1e999999999", "sNaN", "1,5", "²"])
def test_an_oci_validate_quantity_that_is_no_number_gets_a_page(
    connector: LiveConnector, quantity: str
) -> None:
    page = Browser().post(
        f"{connector.url}/oci/acme",
        data=callup(FUNCTION="VALIDATE", PRODUCTID="BC-STD-85x55", QUANTITY=quantity),
    )
    assert page.status_code == 400 and "QUANTITY" in page.text


def order(quantity: str = "1", price: str = "45.00", line: str = "1") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{DOCTYPE}
<cXML payloadID="po-attack@buyer.example" timestamp="2026-11-22T11:00:00Z">
  {header(BUYER, BUYER.secret, "Test")}
  <Request><OrderRequest>
    <OrderRequestHeader orderID="PO-X" type="new">
      <Total><Money currency="USD">45.00</Money></Total></OrderRequestHeader>
    <ItemOut quantity="{html.escape(quantity)}" lineNumber="{html.escape(line)}">
      <ItemID><SupplierPartID>BC-STD-85x55</SupplierPartID>
        <SupplierPartAuxiliaryID>x</SupplierPartAuxiliaryID></ItemID>
      <ItemDetail><UnitPrice><Money currency="USD">{html.escape(price)}</Money></UnitPrice>
        <UnitOfMeasure>BX</UnitOfMeasure></ItemDetail>
    </ItemOut>
  </OrderRequest></Request>
</cXML>""".encode()


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (order(quantity="1e999999999"), "the quantity of line 1"),
        (order(price="1e999999999"), "the price of line 1"),
        (order(line="²"), "the lineNumber of ItemOut 1"),
        (order(line="7" * 5000), "the lineNumber of ItemOut 1"),
        (order(quantity="1,5"), "ambiguous"),
        (order(quantity="sNaN"), "the quantity of line 1"),
    ],
    ids=["quantity overflow", "price overflow", "superscript line", "5000 digits", "comma", "sNaN"],
)
def test_numbers_from_outside_get_a_400_naming_the_line(
    connector: LiveConnector, document: bytes, words: str
) -> None:
    response = connector.post_cxml(document)
    code, text = cxml_status(response.content)
    assert response.status_code == code == 400 and words in text
    assert connector.sandbox_state()["orders"] == []


def related(document: bytes, *others: bytes, boundary: str = "b1") -> tuple[str, bytes]:
    parts = [b"Content-Type: text/xml\r\nContent-ID: <po>\r\n\r\n" + document, *others]
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    content_type = f'multipart/related; boundary="{boundary}"; type="text/xml"; start="<po>"'
    return content_type, body + b"--" + boundary.encode() + b"--\r\n"


def post_related(connector: LiveConnector, content_type: str, body: bytes) -> requests.Response:
    return requests.post(
        connector.url + "/cxml", data=body, headers={"Content-Type": content_type}, timeout=30
    )


def test_a_multipart_bomb_is_refused_while_scanning(
    connector: LiveConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[bytes] = []
    original = multipart._part
    monkeypatch.setattr(multipart, "_part", lambda raw: read.append(raw) or original(raw))
    content_type, _ = related(order())
    bomb = b"--b1\r\n\r\nx\r\n" * 100_000 + b"--b1--\r\n"
    response = post_related(connector, content_type, bomb)
    code, text = cxml_status(response.content)
    assert response.status_code == code == 400 and "more than 50 parts" in text
    assert read == []


def test_nested_multipart_gets_a_400(connector: LiveConnector) -> None:
    inner = b"--n\r\nContent-Type: text/xml\r\n\r\n<cXML/>\r\n--n--"
    for _ in range(1_500):
        inner = (
            b'Content-Type: multipart/related; boundary="n"\r\n\r\n--n\r\n' + inner + b"\r\n--n--"
        )
    content_type, body = related(order(), inner)
    response = post_related(connector, content_type, body)
    code, text = cxml_status(response.content)
    assert response.status_code == code == 400 and "nested multipart" in text


def test_attachments_are_read_only_after_the_credentials(connector: LiveConnector) -> None:
    broken = b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n!!not base64"
    wrong = order().replace(BUYER.secret.encode(), b"wrong-secret")
    response = post_related(connector, *related(wrong, broken))
    assert cxml_status(response.content)[0] == 401  # not 400: the attachment was never read
    response = post_related(connector, *related(order(), broken))
    code, text = cxml_status(response.content)
    assert code == 400 and "base64" in text


def test_a_well_formed_attachment_passes_the_split(connector: LiveConnector) -> None:
    pdf = (
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\n'
        + base64.encodebytes(b"%PDF-1.4 x")
    )
    response = post_related(connector, *related(order(), pdf))
    # Authenticated and split: the PO itself is then refused for its made-up reference.
    code, text = cxml_status(response.content)
    assert code == 400 and "Line 1" in text, text
