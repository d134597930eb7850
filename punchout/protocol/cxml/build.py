"""Strict building of the cXML documents the connector sends.

Everything emitted follows the DTD's element order, carries a DOCTYPE for cXML 1.2.071, a
unique payloadID and a ``±hh:mm`` timestamp, and is UTF-8. A PunchOutOrderMessage never
carries a SharedSecret: it travels through the user's browser.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

CXML_VERSION = "1.2.071"
DOCTYPE = f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{CXML_VERSION}/cXML.dtd">'
LANG = "en-US"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
USER_AGENT = "PrintNow punch-out connector"
_HOST = socket.gethostname() or "localhost"

#: The canonical Status text of each code (cXML User's Guide, "cXML Basics", Status codes;
#: the DTD's Status element requires both code and text).
STATUS_TEXT = {
    200: "OK",
    201: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Request Entity Too Large",
    417: "Expectation Failed",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    560: "Temporary Server Error",
}


def payload_id() -> str:
    """``epoch-ms.pid.random@host``, unique in space and time (cXML User's Guide,
    "cXML Basics", the cXML envelope's payloadID attribute)."""
    return f"{int(time.time() * 1000)}.{os.getpid()}.{secrets.randbelow(10**9)}@{_HOST}"


def timestamp(moment: datetime | None = None) -> str:
    """Local time (or ``moment`` in its own zone) with a numeric offset, never ``Z``."""
    if moment is not None and moment.tzinfo is not None:
        return moment.isoformat(timespec="seconds")
    return (moment or datetime.now()).astimezone().isoformat(timespec="seconds")


def money(amount: Decimal) -> str:
    """A decimal amount as plain digits with a point, at least two decimals."""
    cents = amount.quantize(Decimal("0.01"))
    return format(cents if cents == amount else amount.normalize(), "f")


def quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _root(moment: datetime | None = None) -> etree._Element:
    return etree.Element(
        "cXML", {"payloadID": payload_id(), "timestamp": timestamp(moment), XML_LANG: LANG}
    )


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def serialize(root: etree._Element) -> bytes:
    document: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=DOCTYPE)
    return document


def _status(parent: etree._Element, code: int, message: str) -> None:
    status = etree.SubElement(parent, "Status")
    status.set("code", str(code))
    status.set("text", STATUS_TEXT.get(code, _class_text(code)))
    status.set(XML_LANG, LANG)
    if message:
        status.text = message


def _class_text(code: int) -> str:
    return STATUS_TEXT.get(code // 100 * 100, "Error")


def response(code: int, message: str = "") -> bytes:
    """A Response carrying only a Status (``message`` says what the buyer can do)."""
    root = _root()
    _status(_sub(root, "Response"), code, message)
    return serialize(root)


def profile_response(transactions: Sequence[tuple[str, str]]) -> bytes:
    """The ProfileResponse: each (requestName, URL) the connector handles."""
    root = _root()
    reply = _sub(root, "Response")
    _status(reply, 200, "")
    profile = _sub(reply, "ProfileResponse", effectiveDate=timestamp())
    for name, url in transactions:
        _sub(_sub(profile, "Transaction", requestName=name), "URL", url)
    return serialize(root)


def punchout_setup_response(start_url: str) -> bytes:
    root = _root()
    reply = _sub(root, "Response")
    _status(reply, 200, "")
    _sub(_sub(_sub(reply, "PunchOutSetupResponse"), "StartPage"), "URL", start_url)
    return serialize(root)


@dataclass(frozen=True)
class CartItem:
    """One ItemIn of a PunchOutOrderMessage."""

    quantity: Decimal
    supplier_part_id: str
    supplier_part_auxiliary_id: str
    unit_price: Decimal
    currency: str
    description: str
    unit_of_measure: str
    classification_domain: str
    classification_code: str
    lead_time_days: int | None = None
    extrinsics: tuple[tuple[str, str], ...] = ()


Credentials = Sequence[tuple[str, str]]
DEFAULT_SUPPLIER = (("NetworkID", "printnow-punchout"),)


def _party(parent: etree._Element, tag: str, credentials: Credentials) -> etree._Element:
    party = _sub(parent, tag)
    for domain, identity in credentials or DEFAULT_SUPPLIER:
        _sub(_sub(party, "Credential", domain=domain), "Identity", identity)
    return party


def _buyer_cookie(parent: etree._Element, markup: str) -> None:
    """``<BuyerCookie>`` with exactly the content the buyer sent (text or markup)."""
    holder = etree.fromstring(f"<BuyerCookie>{markup}</BuyerCookie>", _fragment_parser())
    parent.append(holder)


def _fragment_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _item_in_template() -> etree._Element:
    """An empty ItemIn with every element a cart line always has, in the DTD's order."""
    item_in = etree.Element("ItemIn")
    item_id = etree.SubElement(item_in, "ItemID")
    etree.SubElement(item_id, "SupplierPartID")
    etree.SubElement(item_id, "SupplierPartAuxiliaryID")
    detail = etree.SubElement(item_in, "ItemDetail")
    etree.SubElement(etree.SubElement(detail, "UnitPrice"), "Money")
    etree.SubElement(detail, "Description", {XML_LANG: LANG})
    etree.SubElement(detail, "UnitOfMeasure")
    etree.SubElement(detail, "Classification")
    return item_in


def _item_in(template: etree._Element, number: int, item: CartItem) -> etree._Element:
    """One ItemIn, filled into a copy of ``template``: libxml2 copies the skeleton in one
    call, where building it element by element costs a Python call per element and
    attribute (the per-line cost of a large cart). lxml's copy of an element is of its whole
    subtree, as its deep copy is (which only adds copy.deepcopy's memo around it)."""
    item_in = copy(template)
    item_in.set("quantity", quantity(item.quantity))
    item_in.set("lineNumber", str(number))
    (part, auxiliary), (unit_price, description, unit, classification) = item_in
    part.text = item.supplier_part_id
    auxiliary.text = item.supplier_part_auxiliary_id
    money_element = unit_price[0]
    money_element.text = money(item.unit_price)
    money_element.set("currency", item.currency)
    description.text = item.description
    unit.text = item.unit_of_measure
    classification.text = item.classification_code
    classification.set("domain", item.classification_domain)
    detail = item_in[1]
    if item.lead_time_days is not None:
        etree.SubElement(detail, "LeadTime").text = str(item.lead_time_days)
    for name, value in item.extrinsics:
        etree.SubElement(detail, "Extrinsic", {"name": name}).text = value
    return item_in


def punchout_order_message(
    *,
    buyer_cookie: str,
    from_credentials: Credentials,
    to_credentials: Credentials,
    operation_allowed: str,
    items: Sequence[CartItem],
    total: Decimal,
    currency: str,
    moment: datetime | None = None,
) -> bytes:
    """The cart as a PunchOutOrderMessage (no SharedSecret: it goes through the browser).

    ``moment`` (zone-aware) sets the timestamp's zone; by default it is local time."""
    root = _root(moment)
    header = _sub(root, "Header")
    _party(header, "From", from_credentials)
    _party(header, "To", to_credentials)
    sender = _party(header, "Sender", from_credentials)
    _sub(sender, "UserAgent", USER_AGENT)
    message = _sub(_sub(root, "Message"), "PunchOutOrderMessage")
    _buyer_cookie(message, buyer_cookie)
    poom_header = _sub(message, "PunchOutOrderMessageHeader", operationAllowed=operation_allowed)
    _sub(_sub(poom_header, "Total"), "Money", money(total), currency=currency)
    template = _item_in_template()
    for number, item in enumerate(items, start=1):
        message.append(_item_in(template, number, item))
    return serialize(root)
