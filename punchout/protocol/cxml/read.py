"""Lenient reading of parsed cXML into :mod:`punchout.protocol.cxml.model` dataclasses.

Real buyers send children out of DTD order, whitespace around values, lower-case roots,
credential domains in any case and timestamps with ``Z``, ``-0500`` or no offset at all
(as the buyers' own published samples do, e.g. Coupa's "Sample cXML Purchase Order with
Annotations"): elements are looked up by name, values stripped, timestamps read by a tolerant
parser. What is really missing gets :class:`InvalidRequest` naming the element.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from lxml import etree

from punchout.errors import Refusal
from punchout.protocol.cxml.model import (
    Body,
    Credential,
    Header,
    OrderLine,
    OrderRequest,
    PunchOutSetupRequest,
    Request,
    SetupItem,
)
from punchout.protocol.numbers import BadNumber, parse_int, parse_price, parse_quantity

#: Largest lineNumber read (the DTD's ``%uint``; real orders have a few hundred lines).
MAX_LINE_NUMBER = 999_999


class InvalidRequest(Refusal, ValueError):
    """Well-formed XML that is not a usable cXML request; the text says what is wrong: 400."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def _local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    cut = tag.find("}")
    return (tag[cut + 1 :] if cut >= 0 else tag).lower()


def local(element: etree._Element) -> str:
    """The element's name without namespace, lower-cased."""
    return _local_name(element.tag)


def elements(parent: etree._Element) -> list[etree._Element]:
    return [c for c in parent if isinstance(c.tag, str)]


def child(parent: etree._Element | None, name: str) -> etree._Element | None:
    """The first child named ``name`` in any case and namespace (cXML senders vary); a child
    named exactly ``name`` comes first."""
    if parent is None:
        return None
    for c in parent:  # the common case: a plain loop costs less than ``find``'s path parsing
        if c.tag == name:
            return c
    return _by_local_name(parent, name.lower())


def _by_local_name(parent: etree._Element, wanted: str) -> etree._Element | None:
    for c in parent:
        if _local_name(c.tag) == wanted:
            return c
    return None


class _Named:
    """The children of one element, looked up by name as :func:`child` does, for an element
    several children of which are read: its children are walked once, not once per name."""

    __slots__ = ("_parent", "_tags")

    def __init__(self, parent: etree._Element | None) -> None:
        self._parent = parent
        tags: dict[object, etree._Element] = {}
        if parent is not None:
            for c in parent:
                tags.setdefault(c.tag, c)
        self._tags = tags

    def __call__(self, name: str) -> etree._Element | None:
        found = self._tags.get(name)
        if found is None and self._parent is not None:
            found = _by_local_name(self._parent, name.lower())
        return found


def children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    if parent is None:
        return []
    wanted = name.lower()
    return [c for c in parent if _local_name(c.tag) == wanted]


def text(element: etree._Element | None) -> str:
    """All text inside ``element``, stripped ("" when absent)."""
    if element is None:
        return ""
    if not len(element):  # no children: its own text is all of it
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


def path_text(parent: etree._Element | None, *names: str) -> str:
    for name in names:
        parent = child(parent, name)
    return text(parent)


def attribute(element: etree._Element | None, name: str) -> str:
    """An attribute by name, case-insensitively, stripped."""
    return "" if element is None else attributes(element).get(name.lower(), "")


def attributes(element: etree._Element) -> dict[str, str]:
    """Every attribute by its local name lower-cased (the first of each), stripped: for an
    element several attributes of which are read."""
    found: dict[str, str] = {}
    for key, value in element.items():
        found.setdefault(key[key.rfind("}") + 1 :].lower(), value.strip())
    return found


def inner_xml(element: etree._Element | None) -> str:
    """The element's content as markup, exactly enough to reproduce it (for BuyerCookie)."""
    if element is None:
        return ""
    parts = [escape(element.text or "")]
    parts += [etree.tostring(c, encoding="unicode", with_tail=True) for c in element]
    return "".join(parts)


_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_timestamp(value: str) -> datetime | None:
    """A cXML timestamp read leniently (None when it cannot be read at all)."""
    value = value.strip()
    match = _TIMESTAMP.match(value)
    if not match:
        for layout in ("%a %b %d %H:%M:%S %z %Y",):
            try:
                return datetime.strptime(value, layout)
            except ValueError:
                continue
        return None
    day, clock, fraction, zone = match.groups()
    clock = clock or "00:00:00"
    if clock.count(":") == 1:
        clock += ":00"
    zone = "+00:00" if zone in (None, "Z") else zone
    if zone and ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    fraction = (fraction or "")[:7]
    try:
        return datetime.fromisoformat(f"{day}T{clock}{fraction}{zone}")
    except ValueError:
        return None


def quantity(value: str, what: str) -> Decimal:
    """A quantity attribute through the one number parser (``1,5`` and ``1e9`` refused)."""
    try:
        return parse_quantity(value, field=what)
    except BadNumber as exc:
        raise InvalidRequest(str(exc)) from None


def price(value: str, what: str) -> Decimal:
    """A Money amount through the one number parser."""
    try:
        return parse_price(value, field=what)
    except BadNumber as exc:
        raise InvalidRequest(str(exc)) from None


def line_number(value: str, n: int) -> int | None:
    """An ItemOut's lineNumber attribute (None when absent), or :class:`InvalidRequest` naming
    it; ``n`` is the ItemOut's position."""
    if not value:
        return None
    try:
        return parse_int(value, field=f"the lineNumber of ItemOut {n}", maximum=MAX_LINE_NUMBER)
    except BadNumber as exc:
        raise InvalidRequest(str(exc)) from None


def _credentials(party: etree._Element | None) -> tuple[Credential, ...]:
    return tuple(
        Credential(
            domain=attribute(c, "domain"),
            identity=path_text(c, "Identity"),
            shared_secret=path_text(c, "SharedSecret"),
        )
        for c in children(party, "Credential")
    )


def read_header(header: etree._Element) -> Header:
    sender = child(header, "Sender")
    return Header(
        from_credentials=_credentials(child(header, "From")),
        to_credentials=_credentials(child(header, "To")),
        sender_credentials=_credentials(sender),
        user_agent=path_text(sender, "UserAgent"),
    )


def read_request(root: etree._Element) -> Request:
    """The cXML Request in ``root``, or :class:`InvalidRequest` saying what is wrong."""
    if local(root) != "cxml":
        raise InvalidRequest(f"the root element is <{local(root)}>, not <cXML>")
    header = child(root, "Header")
    request = child(root, "Request")
    if request is None:
        raise InvalidRequest("the document has no <Request>; send a cXML Request document")
    if header is None:
        raise InvalidRequest("the document has no <Header> with From, To and Sender")
    inner = elements(request)
    if not inner:
        raise InvalidRequest("<Request> is empty")
    body_element = inner[0]
    kind = body_element.tag.rsplit("}", 1)[-1] if isinstance(body_element.tag, str) else ""
    body: Body = None
    if kind.lower() == "punchoutsetuprequest":
        body = _read_setup(body_element)
    elif kind.lower() == "orderrequest":
        body = _read_order(body_element)
    kind = {
        "punchoutsetuprequest": "PunchOutSetupRequest",
        "orderrequest": "OrderRequest",
        "profilerequest": "ProfileRequest",
    }.get(kind.lower(), kind)
    return Request(
        kind=kind,
        payload_id=attribute(root, "payloadID"),
        timestamp=parse_timestamp(attribute(root, "timestamp")),
        header=read_header(header),
        body=body,
        deployment_mode=attribute(request, "deploymentMode") or "production",
    )


def _extrinsics(parent: etree._Element | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for extrinsic in children(parent, "Extrinsic"):
        name = attribute(extrinsic, "name")
        if name and name not in found:
            found[name] = text(extrinsic)
    return found


def _read_setup(element: etree._Element) -> PunchOutSetupRequest:
    operation = attribute(element, "operation").lower()
    if not operation:
        raise InvalidRequest("<PunchOutSetupRequest> has no operation attribute")
    cookie = child(element, "BuyerCookie")
    if cookie is None:
        raise InvalidRequest("<PunchOutSetupRequest> has no <BuyerCookie>")
    contacts = children(element, "Contact")
    contact = next((c for c in contacts if attribute(c, "role") == "endUser"), None)
    contact = contact if contact is not None else (contacts[0] if contacts else None)
    items = []
    for n, item in enumerate(children(element, "ItemOut"), start=1):
        item_id = child(item, "ItemID")
        number = line_number(attribute(item, "lineNumber"), n)
        items.append(
            SetupItem(
                line_number=number,
                supplier_part_id=path_text(item_id, "SupplierPartID"),
                supplier_part_auxiliary_id=path_text(item_id, "SupplierPartAuxiliaryID"),
                quantity=quantity(
                    attribute(item, "quantity") or "1", f"the quantity of line {number or n}"
                ),
            )
        )
    return PunchOutSetupRequest(
        operation=operation,
        buyer_cookie=inner_xml(cookie),
        browser_form_post=path_text(element, "BrowserFormPost", "URL"),
        extrinsics=_extrinsics(element),
        contact_email=path_text(contact, "Email"),
        contact_name=path_text(contact, "Name"),
        items=tuple(items),
    )


def _read_order(element: etree._Element) -> OrderRequest:
    header = child(element, "OrderRequestHeader")
    if header is None:
        raise InvalidRequest("<OrderRequest> has no <OrderRequestHeader>")
    order_id = attribute(header, "orderID")
    if not order_id:
        raise InvalidRequest("<OrderRequestHeader> has no orderID")
    money = child(child(header, "Total"), "Money")
    lines = [_read_line(item, n) for n, item in enumerate(children(element, "ItemOut"), start=1)]
    if not lines:
        raise InvalidRequest("<OrderRequest> has no <ItemOut> lines")
    return OrderRequest(
        order_id=order_id,
        order_date=parse_timestamp(attribute(header, "orderDate")),
        order_type=(attribute(header, "type") or "new").lower(),
        total=None if money is None else price(text(money), "the order total"),
        currency=attribute(money, "currency").upper(),
        lines=tuple(lines),
        document_reference=attribute(child(header, "DocumentReference"), "payloadID"),
    )


def _read_line(item: etree._Element, n: int) -> OrderLine:
    """The ``n``-th ItemOut of an OrderRequest: each element it reads from is walked once."""
    given = attributes(item)
    number = line_number(given.get("linenumber", ""), n)
    name = f"line {number or n}"
    of_item = _Named(item)
    item_id = _Named(of_item("ItemID"))
    detail = _Named(of_item("ItemDetail"))
    unit_price = child(detail("UnitPrice"), "Money")
    return OrderLine(
        line_number=number,
        quantity=quantity(given.get("quantity", ""), f"the quantity of {name}"),
        supplier_part_id=text(item_id("SupplierPartID")),
        supplier_part_auxiliary_id=text(item_id("SupplierPartAuxiliaryID")),
        unit_price=None if unit_price is None else price(text(unit_price), f"the price of {name}"),
        currency=attribute(unit_price, "currency").upper(),
        unit_of_measure=text(detail("UnitOfMeasure")),
        description=text(detail("Description")),
    )
