"""The documents a procurement system sends: PunchOutSetupRequest and OrderRequest.

Written as buyers' systems write them, not with the connector's own builders. An order is
built from a returned cart the way Coupa and Ariba build one: each ItemIn copied into an
ItemOut (ItemID and ItemDetail as they came), or for an OCI cart, each NEW_ITEM line mapped
to SupplierPartID (VENDORMAT) and SupplierPartAuxiliaryID (EXT_PRODUCT_ID).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

DOCTYPE = '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.071/cXML.dtd">'


@dataclass(frozen=True)
class BuyerAccount:
    """Who the simulated procurement system is, to the supplier."""

    buyer_id: str
    name: str
    domain: str
    identity: str
    secret: str
    oci_username: str
    supplier_domain: str
    supplier_identity: str
    #: The OCI catalog password: a credential of its own, never the cXML shared secret.
    oci_password: str = ""


@dataclass(frozen=True)
class Line:
    """A cart line, whichever way the cart came back."""

    number: int
    quantity: Decimal
    part: str
    aux: str
    description: str
    unit: str
    price: Decimal
    currency: str
    classification: str
    item_xml: str = ""  # the ItemIn's ItemID + ItemDetail, as received (cXML carts)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _header(account: BuyerAccount) -> str:
    return f"""<Header>
    <From><Credential domain={quoteattr(account.domain)}><Identity>{escape(account.identity)}</Identity></Credential></From>
    <To><Credential domain={quoteattr(account.supplier_domain)}><Identity>{escape(account.supplier_identity)}</Identity></Credential></To>
    <Sender><Credential domain={quoteattr(account.domain)}><Identity>{escape(account.identity)}</Identity>
      <SharedSecret>{escape(account.secret)}</SharedSecret></Credential>
      <UserAgent>Buyer simulator 1.0</UserAgent></Sender>
  </Header>"""


def setup_request(
    account: BuyerAccount,
    *,
    operation: str,
    cookie: str,
    return_url: str,
    email: str,
    first_name: str,
    last_name: str,
    lines: list[Line] | None = None,
) -> bytes:
    items = "".join(
        f'<ItemOut quantity="{line.quantity}" lineNumber="{line.number}"><ItemID>'
        f"<SupplierPartID>{escape(line.part)}</SupplierPartID>"
        f"<SupplierPartAuxiliaryID>{escape(line.aux)}</SupplierPartAuxiliaryID></ItemID></ItemOut>"
        for line in lines or []
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{DOCTYPE}
<cXML payloadID="{secrets.token_hex(8)}.setup@buyer-simulator" timestamp="{_now()}" xml:lang="en-US">
  {_header(account)}
  <Request deploymentMode="test">
    <PunchOutSetupRequest operation="{operation}">
      <BuyerCookie>{escape(cookie)}</BuyerCookie>
      <Extrinsic name="UserEmail">{escape(email)}</Extrinsic>
      <Extrinsic name="FirstName">{escape(first_name)}</Extrinsic>
      <Extrinsic name="LastName">{escape(last_name)}</Extrinsic>
      <BrowserFormPost><URL>{escape(return_url)}</URL></BrowserFormPost>
      <Contact role="endUser"><Name xml:lang="en-US">{escape(f"{first_name} {last_name}")}</Name>
        <Email>{escape(email)}</Email></Contact>
      {items}
    </PunchOutSetupRequest>
  </Request>
</cXML>""".encode()


def cxml_lines(document: bytes) -> list[Line]:
    """The lines of a PunchOutOrderMessage."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(document, parser)
    lines = []
    for n, item in enumerate(root.iterfind(".//ItemIn"), start=1):
        money = item.find("ItemDetail/UnitPrice/Money")
        item_xml = "".join(
            etree.tostring(e, encoding="unicode")
            for e in (item.find("ItemID"), item.find("ItemDetail"))
            if e is not None
        )
        lines.append(
            Line(
                number=n,
                quantity=Decimal(item.get("quantity", "1")),
                part=(item.findtext("ItemID/SupplierPartID") or "").strip(),
                aux=(item.findtext("ItemID/SupplierPartAuxiliaryID") or "").strip(),
                description=(item.findtext("ItemDetail/Description") or "").strip(),
                unit=(item.findtext("ItemDetail/UnitOfMeasure") or "").strip(),
                price=Decimal(money.text if money is not None and money.text else "0"),
                currency=money.get("currency", "") if money is not None else "",
                classification=(item.findtext("ItemDetail/Classification") or "").strip(),
                item_xml=item_xml,
            )
        )
    return lines


def oci_lines(items: list[dict[str, str]]) -> list[Line]:
    """The lines of an OCI NEW_ITEM form."""
    return [
        Line(
            number=n,
            quantity=Decimal(item.get("QUANTITY") or "1"),
            part=item.get("VENDORMAT", ""),
            aux=item.get("EXT_PRODUCT_ID", ""),
            description=item.get("DESCRIPTION", ""),
            unit=item.get("UNIT", ""),
            price=Decimal(item.get("PRICE") or "0"),
            currency=item.get("CURRENCY", ""),
            classification=item.get("EXT_CATEGORY_ID") or item.get("MATGROUP", ""),
        )
        for n, item in enumerate(items, start=1)
    ]


def _item_xml(line: Line) -> str:
    if line.item_xml:
        return line.item_xml
    return (
        f"<ItemID><SupplierPartID>{escape(line.part)}</SupplierPartID>"
        f"<SupplierPartAuxiliaryID>{escape(line.aux)}</SupplierPartAuxiliaryID></ItemID>"
        f'<ItemDetail><UnitPrice><Money currency="{escape(line.currency)}">{line.price}</Money>'
        f'</UnitPrice><Description xml:lang="en">{escape(line.description)}</Description>'
        f"<UnitOfMeasure>{escape(line.unit)}</UnitOfMeasure>"
        f'<Classification domain="UNSPSC">{escape(line.classification)}</Classification>'
        "</ItemDetail>"
    )


def order_request(
    account: BuyerAccount,
    lines: list[Line],
    *,
    order_id: str,
    payload_id: str,
    order_type: str = "new",
) -> bytes:
    currency = lines[0].currency if lines else "USD"
    total = sum((line.price * line.quantity for line in lines), Decimal(0))
    items = "".join(
        f'<ItemOut quantity="{line.quantity}" lineNumber="{line.number}">{_item_xml(line)}'
        '<ShipTo><Address addressID="HQ"><Name xml:lang="en">Head office</Name></Address></ShipTo>'
        "</ItemOut>"
        for line in lines
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{DOCTYPE}
<cXML payloadID={quoteattr(payload_id)} timestamp="{_now()}" xml:lang="en-US">
  {_header(account)}
  <Request deploymentMode="production">
    <OrderRequest>
      <OrderRequestHeader orderID={quoteattr(order_id)} orderDate="{_now()}" type="{order_type}">
        <Total><Money currency={quoteattr(currency)}>{total}</Money></Total>
        <ShipTo><Address addressID="HQ"><Name xml:lang="en">Head office</Name></Address></ShipTo>
        <BillTo><Address addressID="AP"><Name xml:lang="en">Accounts payable</Name></Address></BillTo>
      </OrderRequestHeader>
      {items}
    </OrderRequest>
  </Request>
</cXML>""".encode()
