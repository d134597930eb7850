"""The envelope of the documents the supplier sends on its own, after an order.

ConfirmationRequest and ShipNoticeRequest are declared in ``Fulfill.dtd``,
InvoiceDetailRequest in ``InvoiceDetail.dtd`` and StatusUpdateRequest in ``cXML.dtd`` (cXML
User's Guide, "cXML Document Types" and the DTD files of each release): each document names
the DTD that declares it. The Header is the supplier's From, the buyer's To and the Sender
the network knows the supplier by (cXML User's Guide, "Header").

A document is built once, with a payloadID and timestamp its caller keeps, and stored
without any SharedSecret; :func:`with_shared_secret` puts the secret into the Sender only
when the document is sent, so a stored or shown document never carries one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from punchout.protocol.cxml.build import CXML_VERSION, LANG, USER_AGENT, XML_LANG, money, timestamp
from punchout.protocol.cxml.parse import parse_xml

Credentials = Sequence[tuple[str, str]]

#: The DTD files that declare each document sent after an order.
FULFIL_DTD = "Fulfill.dtd"
INVOICE_DTD = "InvoiceDetail.dtd"
BASE_DTD = "cXML.dtd"
DEPLOYMENT_MODES = ("production", "test")


def doctype(dtd_file: str) -> str:
    return f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{CXML_VERSION}/{dtd_file}">'


@dataclass(frozen=True)
class Envelope:
    """Who a document is from and to: the supplier's credentials on the buyer's network
    (From, and the Sender), the buyer's own (To) and the Request's deploymentMode."""

    from_credentials: Credentials
    to_credentials: Credentials
    deployment_mode: str = "production"


@dataclass(frozen=True)
class OrderRef:
    """The purchase order a document answers: its orderID, the OrderRequest's payloadID
    (OrderReference/DocumentReference) and, when known, its orderDate."""

    order_id: str
    payload_id: str
    order_date: str | None = None


def sub(
    parent: etree._Element, tag: str, content: str | None = None, **attrs: str | None
) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if content is not None:
        element.text = content
    return element


def lang_sub(parent: etree._Element, tag: str, content: str, **attrs: str | None) -> etree._Element:
    element = sub(parent, tag, content, **attrs)
    element.set(XML_LANG, LANG)
    return element


def money_sub(parent: etree._Element, tag: str, amount: Decimal, currency: str) -> etree._Element:
    holder = sub(parent, tag)
    sub(holder, "Money", money(amount), currency=currency)
    return holder


def request(
    envelope: Envelope, *, payload_id: str, moment: datetime
) -> tuple[etree._Element, etree._Element]:
    """The cXML root with its Header, and the Request element to fill in."""
    if envelope.deployment_mode not in DEPLOYMENT_MODES:
        raise ValueError(f"deploymentMode must be one of {DEPLOYMENT_MODES}")
    root = etree.Element(
        "cXML",
        {"payloadID": payload_id, "timestamp": timestamp(moment), XML_LANG: LANG},
    )
    header = sub(root, "Header")
    _party(header, "From", envelope.from_credentials)
    _party(header, "To", envelope.to_credentials)
    sender = _party(header, "Sender", envelope.from_credentials)
    sub(sender, "UserAgent", USER_AGENT)
    return root, sub(root, "Request", deploymentMode=envelope.deployment_mode)


def _party(parent: etree._Element, tag: str, credentials: Credentials) -> etree._Element:
    if not credentials:
        raise ValueError(f"the {tag} needs at least one credential")
    party = sub(parent, tag)
    for domain, identity in credentials:
        sub(sub(party, "Credential", domain=domain), "Identity", identity)
    return party


def order_reference(parent: etree._Element, order: OrderRef) -> etree._Element:
    reference = sub(parent, "OrderReference", orderID=order.order_id, orderDate=order.order_date)
    sub(reference, "DocumentReference", payloadID=order.payload_id)
    return reference


def serialize(root: etree._Element, dtd_file: str) -> bytes:
    document: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", doctype=doctype(dtd_file)
    )
    return document


def with_shared_secret(document: bytes, secret: str) -> bytes:
    """The stored document with ``secret`` as the Sender's SharedSecret (first Credential)."""
    root = parse_xml(document, max_bytes=max(len(document), 1))
    credential = root.find("Header/Sender/Credential")
    if credential is None:
        raise ValueError("the document has no Sender credential")
    for old in credential.findall("SharedSecret"):
        credential.remove(old)
    sub(credential, "SharedSecret", secret)
    system_url = root.getroottree().docinfo.system_url or BASE_DTD
    return serialize(root, system_url.rsplit("/", 1)[-1])


def without_shared_secret(document: bytes) -> bytes:
    """``document`` with every SharedSecret removed (what a person may be shown)."""
    root = parse_xml(document, max_bytes=max(len(document), 1))
    for secret in root.iter("SharedSecret"):
        parent = secret.getparent()
        if parent is not None:
            parent.remove(secret)
    system_url = root.getroottree().docinfo.system_url or BASE_DTD
    return serialize(root, system_url.rsplit("/", 1)[-1])
