"""The sandbox's records and their PrintNow wire shapes.

Plain mutable dataclasses, only ever touched under the state lock (``state.py``). Each
``*_json`` function renders one record as the PrintNow documentation shows it, plus the
extended profile's additions listed in ``profile.py`` (the ``documented`` profile leaves
them out at the HTTP edge).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def iso(timestamp: float | None) -> str | None:
    """A Unix time as PrintNow writes datetimes (``2026-01-15T10:30:00Z``), or None."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Storefront:
    id: int
    name: str


@dataclass
class User:
    """A storefront customer: permanent or temporary, possibly soft-deleted."""

    id: int
    storefront_id: int
    username: str
    password: str
    email: str
    first_name: str
    last_name: str
    is_temp: bool
    created_on: float
    last_updated_on: float
    company: str | None = None
    receive_marketing_emails: bool = False
    tax_exempt: bool = False
    last_logged_in_on: float | None = None
    is_deleted: bool = False


@dataclass
class Project:
    """A saved design (PrintNow calls it a product): a personalised copy of a template."""

    id: int
    owner_id: int
    name: str
    external_id: str
    fields: dict[str, str]
    created_on: float


@dataclass
class Session:
    """A PIPO session token and when it was last used (it idles out after that)."""

    token: str
    user_id: int
    last_used: float


@dataclass
class OrderItem:
    """An order line: a snapshot of the project and its template at order time."""

    id: int
    product_id: int
    name: str
    status: str
    quantity: int
    base_price: float
    options_price: float
    weight: float
    created_on: float
    due_on: float
    item_number: str
    model_number: str
    integration_id: str
    external_id: str | None
    fields: dict[str, str]
    options: list[dict[str, str]]
    page_size: tuple[int, int]
    tracking_numbers: list[str] = field(default_factory=list)

    @property
    def sub_total(self) -> float:
        return round(self.base_price + self.options_price, 2)


@dataclass
class Order:
    """A PIPO order. ``merge_ready_at`` is None until processing starts."""

    id: int
    storefront_id: int
    user_id: int
    external_id: str | None
    status: str
    created_on: float
    items: list[OrderItem]
    shipped_on: float | None = None
    merge_ready_at: float | None = None
    shipping_provider: str = "UPS"
    shipping_service: str = "Ground"
    tracking_numbers: list[str] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


def pipo_user_json(user: User) -> dict[str, Any]:
    """PIPO ``user/info``: ``{id, username, first_name, last_name, email, is_temp}``."""
    return {
        "id": user.id,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_temp": user.is_temp,
    }


def pipo_temp_user_json(user: User) -> dict[str, Any]:
    """PIPO ``user/createtemp``: the user with its generated credentials and storefront."""
    return {
        "id": user.id,
        "username": user.username,
        "password": user.password,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_temp": user.is_temp,
        "storefront_id": user.storefront_id,
    }


def project_json(project: Project) -> dict[str, Any]:
    """PIPO Project: ``{id, name, external_id}`` plus the personalisation ``fields``."""
    return {
        "id": project.id,
        "name": project.name,
        "external_id": project.external_id,
        "fields": dict(project.fields),
    }


def customer_json(user: User, storefront: Storefront) -> dict[str, Any]:
    """Customers API customer object, keys in the documented order."""
    return {
        "storefront": storefront.name,
        "storefront_id": storefront.id,
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "username": user.username,
        "receive_marketing_emails": user.receive_marketing_emails,
        "last_logged_in_on": iso(user.last_logged_in_on),
        "created_on": iso(user.created_on),
        "last_updated_on": iso(user.last_updated_on),
        "company": user.company,
        "organization": None,
        "user_groups": [],
        "tax_exempt": user.tax_exempt,
        "is_temporary": user.is_temp,
    }


def address_json(user: User, address_id: int, label: str) -> dict[str, Any]:
    """An Address object. The sandbox has no address book: every order ships to one place."""
    return {
        "id": address_id,
        "name": label,
        "company": user.company,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "line_1": "1 Example Street",
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "city": "Springfield",
        "state": "IL",
        "postal_code": "62701",
        "phone": "+1 555 0100",
        "email": user.email,
        "country_code": "US",
        "is_residential": False,
    }


def order_item_json(item: OrderItem) -> dict[str, Any]:
    """Orders API Order Item, plus ``external_id`` (the PIPO order's external ID) and
    ``tracking_numbers`` (those given when this item was shipped)."""
    return {
        "id": item.id,
        "product_id": item.product_id,
        "name": item.name,
        "status": item.status,
        "quantity": item.quantity,
        "sub_total": item.sub_total,
        "base_price": item.base_price,
        "options_price": item.options_price,
        "markup_price": 0.0,
        "image_fee": 0.0,
        "download_fee": 0.0,
        "weight": item.weight,
        "created_on": iso(item.created_on),
        "due_on": iso(item.due_on),
        "item_number": item.item_number,
        "model_number": item.model_number,
        "integration_id": item.integration_id,
        "vendor": "Demo Print Shop Production",
        "notes": "",
        "reorder_ref": None,
        "options": [dict(o) for o in item.options],
        "parametric": None,
        "external_id": item.external_id,
        "tracking_numbers": list(item.tracking_numbers),
    }


def order_json(order: Order, user: User, storefront: Storefront) -> dict[str, Any]:
    """Orders API Order, keys in the documented order, plus ``tracking_numbers``.

    Payment is by purchase order (orders come from procurement), so ``po_number`` carries the
    external ID and ``payment_paypal`` (true only when no other flag is set) is false.
    """
    sub_total = round(sum(i.sub_total for i in order.items), 2)
    return {
        "storefront": storefront.name,
        "id": order.id,
        "is_archived": False,
        "is_deleted": False,
        "integration_id": order.external_id,
        "status": order.status,
        "customer": {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "username": user.username,
        },
        "shipping_address": address_json(user, order.id * 10 + 1, "Shipping"),
        "billing_address": address_json(user, order.id * 10 + 2, "Billing"),
        "payment_creditcard": False,
        "payment_check": False,
        "payment_cod": False,
        "payment_po": True,
        "payment_invoice": False,
        "payment_paypal": False,
        "payment_reference": None,
        "payment_avscode": None,
        "payment_cvcode": None,
        "card_type": None,
        "card_number": None,
        "po_number": order.external_id,
        "tax_total": 0.0,
        "shipping_total": 0.0,
        "sub_total": sub_total,
        "promotion_total": 0.0,
        "promotion_code": None,
        "created_on": iso(order.created_on),
        "shipped_on": iso(order.shipped_on),
        "shipping_provider": order.shipping_provider,
        "shipping_service": order.shipping_service,
        "items": [order_item_json(i) for i in order.items],
        "checkout_fields": (
            [{"name": "PO Number", "value": order.external_id}] if order.external_id else []
        ),
        "tracking_numbers": list(order.tracking_numbers),
    }
