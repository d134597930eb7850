"""Typed results of the PrintNow API. ``raw`` keeps the whole answer for what is not typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value)


def _opt_text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    return None if value is None else str(value)


def _amount(data: dict[str, Any], name: str) -> Decimal:
    """A documented ``decimal`` field as a Decimal (from its JSON text); 0 when absent."""
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


@dataclass(frozen=True)
class User:
    """A PIPO user (``user/info``)."""

    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_temp: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> User:
        return cls(
            id=int(data["id"]),
            username=_text(data, "username"),
            first_name=_text(data, "first_name"),
            last_name=_text(data, "last_name"),
            email=_text(data, "email"),
            is_temp=bool(data.get("is_temp", False)),
        )


@dataclass(frozen=True)
class TempUser:
    """A temporary user from ``user/createtemp``.

    PIPO says createtemp "returns the user object with system-generated credentials", but
    the User object's documented fields hold no password: ``password`` is None unless the
    answer carries a non-empty one, and then the temporary user cannot be logged in as.
    """

    id: int
    username: str
    password: str | None = field(repr=False)
    storefront_id: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TempUser:
        password = data.get("password")
        return cls(
            id=int(data["id"]),
            username=_text(data, "username"),
            password=password if isinstance(password, str) and password else None,
            storefront_id=int(data.get("storefront_id") or 0),
        )


@dataclass(frozen=True)
class Project:
    """A saved PIPO project: ``external_id`` is the product template's integration ID.

    PIPO documents ``id``, ``name`` and ``external_id`` only. ``fields`` (the design's
    personalisation) is read when the answer carries an object of that name and is None
    otherwise, so callers show that the storefront did not report it.
    """

    id: int
    name: str
    external_id: str | None
    fields: dict[str, str] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Project:
        # Read for every design of a user (List Projects) on each PO: the fields are read
        # inline and passed in order, as _text/_opt_text would read them.
        get = data.get
        name, external_id, raw_fields = get("name"), get("external_id"), get("fields")
        return cls(
            int(data["id"]),
            "" if name is None else str(name),
            None if external_id is None else str(external_id),
            {str(k): str(v) for k, v in raw_fields.items()}
            if isinstance(raw_fields, dict)
            else None,
        )


@dataclass(frozen=True)
class OrderItem:
    """An item of an Orders API order."""

    id: int
    product_id: int | None
    name: str
    status: str
    quantity: int
    sub_total: float
    integration_id: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderItem:
        # Read for every item of an order, twice per PO (Orders: Get Order): the fields are
        # read inline and passed in order, as _text/_opt_text would read them.
        get = data.get
        product, name, status = get("product_id"), get("name"), get("status")
        integration_id = get("integration_id")
        return cls(
            int(data["id"]),
            None if product is None else int(product),
            "" if name is None else str(name),
            "" if status is None else str(status),
            int(get("quantity") or 0),
            float(get("sub_total") or 0),
            None if integration_id is None else str(integration_id),
        )


@dataclass(frozen=True)
class Order:
    """An order as the Orders API reports it.

    ``external_id`` is the order's ``integration_id`` ("External integration identifier, if
    the order was created via an external system"): the ``external_id`` PIPO order/create
    was given. The documented ``po_number`` is the storefront's own payment field and is
    not read. The Orders API reports no tracking numbers, so none are typed here.
    """

    id: int
    status: str
    external_id: str | None
    customer_id: int | None
    items: tuple[OrderItem, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)
    #: Totals, shipping and invoice fields as Get Order documents them.
    sub_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    shipping_total: Decimal = Decimal(0)
    promotion_total: Decimal = Decimal(0)
    invoice_number: str | None = None
    shipped_on: str | None = None
    shipping_provider: str = ""
    shipping_service: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Order:
        customer = data.get("customer") or {}
        return cls(
            id=int(data["id"]),
            status=_text(data, "status"),
            external_id=_opt_text(data, "integration_id"),
            customer_id=int(customer["id"]) if customer.get("id") is not None else None,
            items=tuple(OrderItem.from_json(i) for i in data.get("items") or []),
            raw=data,
            sub_total=_amount(data, "sub_total"),
            tax_total=_amount(data, "tax_total"),
            shipping_total=_amount(data, "shipping_total"),
            promotion_total=_amount(data, "promotion_total"),
            invoice_number=_opt_text(data, "invoice_number") or None,
            shipped_on=_opt_text(data, "shipped_on") or None,
            shipping_provider=_text(data, "shipping_provider"),
            shipping_service=_text(data, "shipping_service"),
        )


@dataclass(frozen=True)
class Customer:
    """A customer of the Customers API."""

    id: int
    storefront_id: int
    username: str
    email: str
    first_name: str
    last_name: str
    company: str
    is_temporary: bool
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Customer:
        return cls(
            id=int(data["id"]),
            storefront_id=int(data.get("storefront_id") or 0),
            username=_text(data, "username"),
            email=_text(data, "email"),
            first_name=_text(data, "first_name"),
            last_name=_text(data, "last_name"),
            company=_text(data, "company"),
            is_temporary=bool(data.get("is_temporary", False)),
            raw=data,
        )
