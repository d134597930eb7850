"""The documents a supplier sends the procurement system about an order, read as a buyer does.

Four kinds arrive at the simulator's cXML document URL: ConfirmationRequest and
ShipNoticeRequest (defined in ``Fulfill.dtd``), InvoiceDetailRequest (``InvoiceDetail.dtd``)
and StatusUpdateRequest (``cXML.dtd``); see the cXML User's Guide chapters "Order
Confirmation and Ship Notices", "Invoices" and "Status Update" (StatusUpdateRequest). Each is
parsed with the project's hardened parser, the Sender's SharedSecret is checked (constant
time), the document is validated against the official 1.2.071 DTD it names in its DOCTYPE
(the file name decides; the copy used is always the vendored 1.2.071 one, never fetched),
and the purchase order it is about is found: an ``orderID`` on OrderReference or OrderIDInfo,
else a DocumentReference ``payloadID`` naming an OrderRequest the simulator sent.

A refusal is a :class:`Refused` carrying the cXML status code (400 or 401) and its reason.
"""

from __future__ import annotations

import hmac
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from punchout import resources
from punchout.protocol.cxml.parse import MalformedDocument, PayloadTooLarge, parse_xml

#: The largest document the receiver reads.
MAX_BYTES = 2_000_000
#: The request kinds the receiver takes, and the DTD file each is defined in.
KINDS = {
    "ConfirmationRequest": "Fulfill.dtd",
    "ShipNoticeRequest": "Fulfill.dtd",
    "InvoiceDetailRequest": "InvoiceDetail.dtd",
    "StatusUpdateRequest": "cXML.dtd",
}
#: The official DTDs vendored under ``xml_schemas/cxml-1.2.071/``.
DTD_FILES = ("cXML.dtd", "Fulfill.dtd", "InvoiceDetail.dtd")
DTD_FOLDER = "cxml-1.2.071"
RESPONSE_DOCTYPE = '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.071/cXML.dtd">'


class Refused(Exception):
    """The document is not accepted: cXML status ``code`` and the reason ``text``."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


@dataclass(frozen=True)
class Inbound:
    """What the simulator keeps of an accepted document."""

    kind: str
    payload_id: str
    order_id: str | None
    referenced_payload_id: str | None
    sender: str
    fields: dict[str, str] = field(default_factory=dict)


@cache
def load_dtd(name: str) -> etree.DTD:
    """The vendored official DTD ``name`` (one of :data:`DTD_FILES`), loaded once."""
    if name not in DTD_FILES:
        raise ValueError(f"no vendored DTD {name!r}")
    data = (resources.XML_SCHEMAS / DTD_FOLDER / name).read_bytes()
    return etree.DTD(io.BytesIO(data))


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _request_kind(root: etree._Element) -> tuple[str, etree._Element]:
    request = root.find("Request")
    children = [] if request is None else [c for c in request if isinstance(c.tag, str)]
    body = children[0] if children else None
    if body is None:
        raise Refused(400, "the document has no Request: send a cXML request document")
    if body.tag not in KINDS:
        taken = ", ".join(KINDS)
        raise Refused(400, f"{body.tag} is not accepted here; this URL takes {taken}")
    return body.tag, body


def _authenticate(root: etree._Element, secret: str) -> str:
    """The Sender's identity, once one of its Credentials carries the right SharedSecret."""
    credentials = root.findall("Header/Sender/Credential")
    if not credentials:
        raise Refused(401, "the Header has no Sender Credential")
    if not secret:
        raise Refused(401, "no shared secret is configured for the supplier")
    for credential in credentials:
        sent = credential.find("SharedSecret")
        if sent is not None and hmac.compare_digest(_text(sent).encode(), secret.encode()):
            return f"{credential.get('domain', '')}:{_text(credential.find('Identity'))}"
    raise Refused(401, "the Sender's SharedSecret is not the supplier's")


def _dtd_name(root: etree._Element, kind: str) -> str:
    """The DTD file the DOCTYPE names, or the kind's own when there is no DOCTYPE."""
    system_url = str(root.getroottree().docinfo.system_url or "")
    if not system_url:
        return KINDS[kind]
    name = system_url.rstrip("/").rsplit("/", 1)[-1]
    if name not in DTD_FILES:
        known = ", ".join(DTD_FILES)
        raise Refused(400, f"the DOCTYPE names {name!r}; documents here must use one of {known}")
    return name


def _validate(root: etree._Element, dtd_name: str) -> None:
    dtd = load_dtd(dtd_name)
    if not dtd.validate(root):
        errors = dtd.error_log.filter_from_errors()
        first = errors[0] if errors else None
        where = f"line {first.line}: " if first is not None else ""
        detail = first.message if first is not None else "invalid"
        raise Refused(400, f"the document is not valid against {dtd_name}: {where}{detail}")


def _order_id(body: etree._Element) -> str | None:
    for path in (".//OrderReference", ".//OrderIDInfo"):
        for element in body.iterfind(path):
            if value := (element.get("orderID") or "").strip():
                return value
    return None


def _referenced_payload_id(body: etree._Element) -> str | None:
    for element in body.iterfind(".//DocumentReference"):
        if value := (element.get("payloadID") or "").strip():
            return value
    return None


def _money(element: etree._Element | None) -> str:
    if element is None or not _text(element):
        return ""
    return f"{_text(element)} {element.get('currency', '')}".strip()


def _fields(kind: str, body: etree._Element) -> dict[str, str]:
    """The key fields shown on the purchase order's page, by kind."""
    if kind == "ConfirmationRequest":
        header = body.find("ConfirmationHeader")
        assert header is not None  # the DTD requires it
        return {
            "confirmation type": header.get("type", ""),
            "operation": header.get("operation", "new"),
            "confirmID": header.get("confirmID", ""),
            "notice date": header.get("noticeDate", ""),
            "lines": str(len(body.findall("ConfirmationItem"))),
        }
    if kind == "ShipNoticeRequest":
        header = body.find("ShipNoticeHeader")
        assert header is not None
        carriers = list(body.iterfind("ShipControl/CarrierIdentifier"))
        named = [c for c in carriers if c.get("domain") == "companyName"] or carriers
        return {
            "shipment": header.get("shipmentID", ""),
            "operation": header.get("operation", "new"),
            "shipment date": header.get("shipmentDate", ""),
            "carrier": ", ".join(_text(c) for c in named),
            "tracking": ", ".join(
                _text(s) for s in body.iterfind("ShipControl/ShipmentIdentifier")
            ),
            "lines": str(len(body.findall(".//ShipNoticeItem"))),
        }
    if kind == "InvoiceDetailRequest":
        header = body.find("InvoiceDetailRequestHeader")
        assert header is not None
        summary = body.find("InvoiceDetailSummary")
        total = ""
        for name in ("DueAmount", "NetAmount", "GrossAmount", "SubtotalAmount"):
            total = _money(summary.find(f"{name}/Money")) if summary is not None else ""
            if total:
                break
        return {
            "invoice": header.get("invoiceID", ""),
            "purpose": header.get("purpose", "standard"),
            "operation": header.get("operation", "new"),
            "invoice date": header.get("invoiceDate", ""),
            "total": total,
        }
    status = body.find("Status")
    assert status is not None
    return {
        "status code": status.get("code", ""),
        "status text": status.get("text", ""),
        "status detail": _text(status),
    }


def read_document(document: bytes, secret: str) -> Inbound:
    """Parse, authenticate, validate and read one document, or raise :class:`Refused`."""
    try:
        root = parse_xml(document, max_bytes=MAX_BYTES)
    except (MalformedDocument, PayloadTooLarge) as exc:
        raise Refused(400, str(exc)) from None
    if root.tag != "cXML":
        raise Refused(400, f"the root element is {root.tag!r}, not cXML")
    sender = _authenticate(root, secret)
    kind, body = _request_kind(root)
    _validate(root, _dtd_name(root, kind))
    return Inbound(
        kind=kind,
        payload_id=root.get("payloadID", ""),
        order_id=_order_id(body),
        referenced_payload_id=_referenced_payload_id(body),
        sender=sender,
        fields=_fields(kind, body),
    )


def response(code: int, text: str, detail: str = "") -> bytes:
    """A cXML Response carrying Status ``code`` and ``text`` (``detail`` as its content)."""
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    payload_id = f"{secrets.token_hex(8)}.response@buyer-simulator"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{RESPONSE_DOCTYPE}
<cXML payloadID={quoteattr(payload_id)} timestamp="{now}" xml:lang="en-US">
  <Response>
    <Status code="{code}" text={quoteattr(text)}>{escape(detail)}</Status>
  </Response>
</cXML>
""".encode()
