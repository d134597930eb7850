"""What the connector reads from cXML documents, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Credential:
    """A party's Credential: ``domain`` as sent (compare it case-insensitively)."""

    domain: str
    identity: str
    shared_secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class Header:
    from_credentials: tuple[Credential, ...]
    to_credentials: tuple[Credential, ...]
    sender_credentials: tuple[Credential, ...]
    user_agent: str = ""


@dataclass(frozen=True)
class SetupItem:
    """An ItemOut of an edit or inspect PunchOutSetupRequest: a line the buyer sends back."""

    line_number: int | None
    supplier_part_id: str
    supplier_part_auxiliary_id: str
    quantity: Decimal


@dataclass(frozen=True)
class PunchOutSetupRequest:
    operation: str
    buyer_cookie: str
    """The BuyerCookie's content as XML markup, so it is echoed exactly as received."""
    browser_form_post: str
    extrinsics: dict[str, str]
    contact_email: str = ""
    contact_name: str = ""
    items: tuple[SetupItem, ...] = ()


@dataclass(frozen=True)
class OrderLine:
    """An ItemOut of an OrderRequest."""

    line_number: int | None
    quantity: Decimal
    supplier_part_id: str
    supplier_part_auxiliary_id: str
    unit_price: Decimal | None
    currency: str
    unit_of_measure: str
    description: str


@dataclass(frozen=True)
class OrderRequest:
    order_id: str
    order_date: datetime | None
    order_type: str
    """``new``, ``update`` or ``delete``."""
    total: Decimal | None
    currency: str
    lines: tuple[OrderLine, ...]
    document_reference: str = ""


Body = PunchOutSetupRequest | OrderRequest | None


@dataclass(frozen=True)
class Request:
    """A cXML Request: ``kind`` is the name of the element inside ``<Request>``."""

    kind: str
    payload_id: str
    timestamp: datetime | None
    header: Header
    body: Body
    deployment_mode: str = "production"
