"""The procurement system's side of the tests: documents a buyer sends and a browser.

Setup and order requests are written out as buyers write them (not with the connector's own
builders), so the tests check the connector against the protocol rather than against itself.
:class:`Browser` follows a user through the StartPage, the storefront and the cart page over
real HTTP. Browsers treat ``http://127.0.0.1`` as a secure origin and send ``Secure`` cookies to
it; ``requests`` does not, so the browser keeps its cookies itself.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from lxml import etree
from lxml import html as lxml_html

DOCTYPE = '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.071/cXML.dtd">'


@dataclass
class BuyerIdentity:
    """How a test buyer presents itself: From credential, Sender secret and supplier id."""

    domain: str = "NetworkID"
    identity: str = "AN01000000001"
    secret: str = "welcome-SECRET-1"
    supplier_domain: str = "DUNS"
    supplier_identity: str = "123456789"


def header(buyer: BuyerIdentity, secret: str, user_agent: str) -> str:
    """The Header of a request: From and Sender the buyer, To the supplier, the secret."""
    return f"""<Header>
    <From><Credential domain="{buyer.domain}">
      <Identity>{buyer.identity}</Identity></Credential></From>
    <To><Credential domain="{buyer.supplier_domain}">
      <Identity>{buyer.supplier_identity}</Identity></Credential></To>
    <Sender><Credential domain="{buyer.domain}"><Identity>{buyer.identity}</Identity>
      <SharedSecret>{html.escape(secret)}</SharedSecret></Credential>
      <UserAgent>{user_agent}</UserAgent></Sender>
  </Header>"""


def setup_request(
    buyer: BuyerIdentity,
    *,
    payload_id: str = "1.setup@buyer.example",
    operation: str = "create",
    return_url: str = "https://buyer.example/punchout/return",
    email: str = "jane.doe@buyer.example",
    cookie: str = "cookie-1",
    items: list[tuple[str, str, str]] | None = None,
    extrinsics: dict[str, str] | None = None,
    secret: str | None = None,
) -> bytes:
    """A PunchOutSetupRequest; ``items`` are (SupplierPartID, AuxiliaryID, quantity) lines."""
    extra = {"UserEmail": email, "FirstName": "Jane", "LastName": "Doe", **(extrinsics or {})}
    extrinsic_xml = "".join(
        f'<Extrinsic name="{html.escape(k)}">{html.escape(v)}</Extrinsic>'
        for k, v in extra.items()
        if v
    )
    item_xml = "".join(
        f'<ItemOut quantity="{q}" lineNumber="{n}"><ItemID>'
        f"<SupplierPartID>{html.escape(part)}</SupplierPartID>"
        f"<SupplierPartAuxiliaryID>{html.escape(aux)}</SupplierPartAuxiliaryID></ItemID>"
        "</ItemOut>"
        for n, (part, aux, q) in enumerate(items or [], start=1)
    )
    shared = buyer.secret if secret is None else secret
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{DOCTYPE}
<cXML payloadID="{payload_id}" timestamp="2026-11-22T10:00:00-05:00" xml:lang="en-US">
  {header(buyer, shared, "Test Procurement 1.0")}
  <Request deploymentMode="test">
    <PunchOutSetupRequest operation="{operation}">
      <BuyerCookie>{html.escape(cookie)}</BuyerCookie>
      {extrinsic_xml}
      <BrowserFormPost><URL>{html.escape(return_url)}</URL></BrowserFormPost>
      <Contact role="endUser"><Name xml:lang="en-US">Jane Doe</Name><Email>{email}</Email></Contact>
      {item_xml}
    </PunchOutSetupRequest>
  </Request>
</cXML>""".encode()


def status_of(document: bytes) -> tuple[int, str]:
    """The Status code and text of a cXML Response."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    status = root.find("Response/Status")
    assert status is not None, document[:500]
    return int(status.get("code")), (status.text or "").strip()


def start_url_of(document: bytes) -> str:
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    url = root.findtext("Response/PunchOutSetupResponse/StartPage/URL")
    assert url, document[:500]
    return url.strip()


@dataclass
class ReturnedCart:
    """What arrived at the BrowserFormPost URL: the form field, the document and its items."""

    action: str
    target: str
    field_name: str
    document: bytes
    root: Any = None
    #: Every cart field of the form, in order.
    field_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.root = etree.fromstring(
            self.document, etree.XMLParser(resolve_entities=False, no_network=True)
        )

    @property
    def buyer_cookie(self) -> str:
        return self.root.findtext("Message/PunchOutOrderMessage/BuyerCookie") or ""

    @property
    def items(self) -> list[dict[str, Any]]:
        lines = []
        for item in self.root.iterfind("Message/PunchOutOrderMessage/ItemIn"):
            lines.append(
                {
                    "quantity": Decimal(item.get("quantity")),
                    "part": item.findtext("ItemID/SupplierPartID"),
                    "aux": item.findtext("ItemID/SupplierPartAuxiliaryID"),
                    "price": Decimal(item.findtext("ItemDetail/UnitPrice/Money")),
                    "currency": item.find("ItemDetail/UnitPrice/Money").get("currency"),
                    "description": item.findtext("ItemDetail/Description"),
                    "uom": item.findtext("ItemDetail/UnitOfMeasure"),
                    "unspsc": item.findtext("ItemDetail/Classification"),
                }
            )
        return lines

    @property
    def total(self) -> Decimal:
        money = self.root.findtext(
            "Message/PunchOutOrderMessage/PunchOutOrderMessageHeader/Total/Money"
        )
        return Decimal(money or "0")


@dataclass
class Browser:
    """A user's browser over real HTTP, keeping cookies the way a browser on localhost does."""

    session: requests.Session = field(default_factory=requests.Session)
    cookies: dict[str, str] = field(default_factory=dict)
    last: requests.Response | None = None

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.session.request(
            method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for raw in response.raw.headers.getlist("Set-Cookie"):
            # http.cookies rejects attributes it does not know (Partitioned): read name=value.
            name, _, value = raw.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip().strip('"')
        return response

    def go(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send a request and follow redirects, as a browser does."""
        response = self._send(method, url, **kwargs)
        for _ in range(10):
            if response.status_code not in (301, 302, 303, 307, 308):
                break
            url = urljoin(url, response.headers["Location"])
            response = self._send("GET", url)
        self.last = response
        return response

    def get(self, url: str) -> requests.Response:
        return self.go("GET", url)

    def post(self, url: str, data: Any) -> requests.Response:
        return self.go("POST", url, data=data)

    # -- the sandbox storefront ---------------------------------------------------------

    def design(self, template: str = "BC-STD-85x55", **fields: str) -> requests.Response:
        """Save a design on the storefront page the browser is on."""
        assert self.last is not None
        page = lxml_html.fromstring(self.last.text)
        (form,) = page.xpath(f'//form[.//input[@name="template"][@value="{template}"]]')
        data = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@type='hidden']")}
        data.update(fields or {"name_on_card": "Jane Doe"})
        return self.post(urljoin(self.last.url, form.get("action")), data)

    def storefront_return_url(self) -> str:
        assert self.last is not None
        return parse_qs(urlsplit(self.last.url).query)["return_url"][0]

    # -- the connector's cart page ------------------------------------------------------

    def cart_form(self) -> tuple[str, dict[str, str], list[str]]:
        """The cart page's form: its URL, hidden fields and the project ids checked."""
        assert self.last is not None
        page = lxml_html.fromstring(self.last.text)
        (form,) = page.xpath("//form")
        hidden = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
        checked = [i.get("value") for i in form.xpath(".//input[@name='project'][@checked]")]
        return urljoin(self.last.url, form.get("action") or ""), hidden, checked

    def submit_cart(
        self,
        action: str,
        projects: list[str] | None = None,
        quantities: dict[str, str] | None = None,
    ) -> requests.Response:
        url, hidden, checked = self.cart_form()
        chosen = checked if projects is None else projects
        data: list[tuple[str, str]] = [*hidden.items(), ("action", action)]
        data += [("project", p) for p in chosen]
        data += [(f"quantity-{p}", (quantities or {}).get(p, "1")) for p in chosen]
        return self.post(url, data)

    def returned_form(self) -> tuple[str, str, list[tuple[str, str]], str]:
        """The auto-submitting form: its action, target, fields in order and the charset."""
        assert self.last is not None
        charset = self.last.headers["Content-Type"].split("charset=")[-1].strip().lower()
        page = lxml_html.fromstring(self.last.content.decode(charset))
        (form,) = page.xpath("//form[@id='cart-form']")
        fields = [(i.get("name"), i.get("value") or "") for i in form.xpath(".//input")]
        assert form.get("accept-charset").lower() == charset
        return form.get("action"), form.get("target"), fields, charset

    def returned_cart(self) -> ReturnedCart:
        """The auto-submitting form the connector answered with, decoded.

        Field names are compared exactly, as buyers' systems compare them. With both fields
        in the form (transport ``both``) the two must carry the same document."""
        assert self.last is not None
        page = lxml_html.fromstring(self.last.text)
        (form,) = page.xpath("//form[@id='cart-form']")
        fields = [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")]
        documents = []
        for name, value in fields:
            assert name in ("cxml-base64", "cxml-urlencoded"), name
            if name == "cxml-base64":
                documents.append(base64.b64decode(value))
            else:
                assert re.fullmatch(r"[\x20-\x7e\s]*", value), "cxml-urlencoded must be ASCII"
                documents.append(value.encode("ascii"))
        carts = [
            ReturnedCart(form.get("action"), form.get("target"), name, document)
            for (name, _), document in zip(fields, documents, strict=True)
        ]
        for other in carts[1:]:
            assert etree.tostring(other.root, method="c14n") == etree.tostring(
                carts[0].root, method="c14n"
            )
        carts[0].field_names = tuple(name for name, _ in fields)
        return carts[0]


def order_request(
    buyer: BuyerIdentity,
    cart: ReturnedCart,
    *,
    order_id: str = "PO-1001",
    payload_id: str | None = None,
    order_type: str = "new",
    secret: str | None = None,
    changes: dict[int, dict[str, str]] | None = None,
) -> bytes:
    """An OrderRequest built from a returned cart the way Coupa and Ariba build one: each
    ItemIn copied to an ItemOut (ItemID and ItemDetail as they came), with the PO's header.
    ``changes`` edits a line (1-based): ``quantity``, ``price``, ``currency`` or ``aux``.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(cart.document, parser)
    currency = "USD"
    total = Decimal(0)
    items = []
    for n, item_in in enumerate(root.iterfind("Message/PunchOutOrderMessage/ItemIn"), start=1):
        change = (changes or {}).get(n, {})
        item_id = etree.fromstring(etree.tostring(item_in.find("ItemID")), parser)
        detail = etree.fromstring(etree.tostring(item_in.find("ItemDetail")), parser)
        money = detail.find("UnitPrice/Money")
        if "price" in change:
            money.text = change["price"]
        if "currency" in change:
            money.set("currency", change["currency"])
        if "aux" in change:
            item_id.find("SupplierPartAuxiliaryID").text = change["aux"]
        currency = money.get("currency")
        quantity = change.get("quantity", item_in.get("quantity"))
        total += Decimal(money.text) * Decimal(quantity)
        items.append(
            f'<ItemOut quantity="{quantity}" lineNumber="{n}" '
            f'requestedDeliveryDate="2026-12-01">'
            + etree.tostring(item_id, encoding="unicode")
            + etree.tostring(detail, encoding="unicode")
            + '<ShipTo><Address addressID="HQ"><Name xml:lang="en">Acme HQ</Name>'
            "</Address></ShipTo>"
            '<Distribution><Accounting name="default"><Segment type="CostCenter" id="4711"'
            ' description="Marketing"/></Accounting><Charge><Money currency="'
            + currency
            + f'">{Decimal(money.text) * Decimal(quantity)}</Money></Charge></Distribution>'
            "<Comments>Please deliver to reception.</Comments>"
            "</ItemOut>"
        )
    reference = ""
    if order_type != "new":
        reference = '<DocumentReference payloadID="1.po@buyer.example"/>'
    shared = buyer.secret if secret is None else secret
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{DOCTYPE}
<cXML payloadID="{payload_id or order_id + "." + order_type + "@buyer.example"}"
      timestamp="2026-11-22T11:00:00Z" xml:lang="en-US">
  {header(buyer, shared, "Coupa Procurement 1.0")}
  <Request deploymentMode="production">
    <OrderRequest>
      <OrderRequestHeader orderID="{order_id}" orderDate="2026-11-22T11:00:00Z"
                          type="{order_type}">
        <Total><Money currency="{currency}">{total}</Money></Total>
        <ShipTo><Address addressID="HQ"><Name xml:lang="en">Acme HQ</Name></Address></ShipTo>
        <BillTo><Address addressID="AP"><Name xml:lang="en">Acme AP</Name></Address></BillTo>
        <Contact role="endUser"><Name xml:lang="en">Jane Doe</Name>
          <Email>jane.doe@buyer.example</Email></Contact>
        {reference}
      </OrderRequestHeader>
      {"".join(items)}
    </OrderRequest>
  </Request>
</cXML>""".encode()
