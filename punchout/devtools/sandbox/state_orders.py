"""Projects, PIPO orders and the Orders API on the sandbox state (:class:`OrdersState`)."""

from __future__ import annotations

from typing import Any

from punchout.devtools.sandbox import files
from punchout.devtools.sandbox.catalog import ProductTemplate, find_template
from punchout.devtools.sandbox.errors import ITEM_NOT_FOUND, ORDER_NOT_FOUND, ApiError, bad_request
from punchout.devtools.sandbox.models import (
    Order,
    OrderItem,
    Project,
    User,
    iso,
    order_json,
    project_json,
)
from punchout.devtools.sandbox.state_base import StateBase

DAY = 86_400.0
SHIPPED_STATUS = "order shipped"


class OrdersState(StateBase):
    """Saved designs, orders made from them, their merge, files and statuses."""

    def _owned_project(self, user: User, project_id: int) -> Project:
        project = self._projects.get(project_id)
        if project is None or project.owner_id != user.id:
            raise ApiError(404, "project not found")
        return project

    def _order(self, order_id: int) -> Order:
        order = self._orders.get(order_id)
        if order is None:
            raise ApiError(404, ORDER_NOT_FOUND)
        return order

    def _items(self, order: Order, item_id: int | None) -> list[OrderItem]:
        """All items of ``order``, or just ``item_id`` (404 "Item not found." if absent)."""
        if item_id is None:
            return order.items
        for item in order.items:
            if item.id == item_id:
                return [item]
        raise ApiError(404, ITEM_NOT_FOUND)

    def _merged(self, order: Order) -> bool:
        return order.merge_ready_at is not None and self.clock() >= order.merge_ready_at

    def _order_json(self, order: Order) -> dict[str, Any]:
        return order_json(order, self._users[order.user_id], self.storefronts[order.storefront_id])

    def _set_status(
        self, order: Order, items: list[OrderItem], status: str, whole_order: bool
    ) -> None:
        """Give ``items`` the status; the order follows when all its items agree."""
        for item in items:
            item.status = status
        if whole_order or all(i.status == status for i in order.items):
            order.status = status
            if status.casefold() == SHIPPED_STATUS:
                order.shipped_on = self.clock()

    @staticmethod
    def _add_tracking(order: Order, items: list[OrderItem], tracking_number: str | None) -> None:
        """Append the number to the order's (and these items') numbers, duplicates ignored."""
        number = (tracking_number or "").strip()
        if not number:
            return
        for numbers in [order.tracking_numbers, *(i.tracking_numbers for i in items)]:
            if number not in numbers:
                numbers.append(number)

    # ---------------------------------------------------------------- projects

    def list_projects(self, token: str | None) -> list[dict[str, Any]]:
        with self._lock:
            user = self._session_user(token)
            return [project_json(p) for p in self._projects.values() if p.owner_id == user.id]

    def get_project(self, token: str | None, project_id: int) -> dict[str, Any]:
        with self._lock:
            return project_json(self._owned_project(self._session_user(token), project_id))

    def delete_project(self, token: str | None, project_id: int) -> None:
        with self._lock:
            project = self._owned_project(self._session_user(token), project_id)
            del self._projects[project.id]

    def _save_project(
        self, user: User, template: ProductTemplate, values: dict[str, str]
    ) -> dict[str, Any]:
        project = Project(
            id=next(self._project_ids),
            owner_id=user.id,
            name=template.project_name(values),
            external_id=template.integration_id,
            fields=dict(values),
            created_on=self.clock(),
        )
        self._projects[project.id] = project
        return project_json(project)

    # ---------------------------------------------------------------- PIPO orders

    def create_order(
        self, token: str | None, product_ids: list[int], external_id: str | None
    ) -> int:
        """PIPO order/create from the user's own projects; other IDs are silently dropped."""
        with self._lock:
            user = self._session_user(token)
            projects = [
                self._projects[pid]
                for pid in dict.fromkeys(product_ids)
                if pid in self._projects and self._projects[pid].owner_id == user.id
            ]
            if not projects:
                raise bad_request("no valid product ids")
            now = self.clock()
            status = self.config.order_statuses[0]
            items = []
            for project in projects:
                template = find_template(project.external_id)
                assert template is not None  # projects are only ever made from templates
                items.append(
                    OrderItem(
                        id=next(self._item_ids),
                        product_id=project.id,
                        name=project.name,
                        status=status,
                        quantity=template.quantity,
                        base_price=template.base_price,
                        options_price=template.options_price,
                        weight=template.weight,
                        created_on=now,
                        due_on=now + 5 * DAY,
                        item_number=template.integration_id,
                        model_number=template.model_number,
                        integration_id=template.integration_id,
                        external_id=external_id,
                        fields=dict(project.fields),
                        options=[
                            {
                                "name": o.name,
                                "value": o.value,
                                "option_integration_id": o.option_integration_id,
                                "value_integration_id": o.value_integration_id,
                            }
                            for o in template.options
                        ],
                        page_size=template.page_size,
                    )
                )
            order = Order(
                id=next(self._order_ids),
                storefront_id=user.storefront_id,
                user_id=user.id,
                external_id=external_id,
                status=status,
                created_on=now,
                items=items,
            )
            self._orders[order.id] = order
            return order.id

    def process_order(self, token: str | None, order_id: int) -> None:
        """PIPO order/{id}/process: start the merge (once); files are ready later."""
        with self._lock:
            user = self._session_user(token)
            order = self._orders.get(order_id)
            if order is None or order.user_id != user.id:
                raise ApiError(404, ORDER_NOT_FOUND)
            if order.merge_ready_at is None:
                order.merge_ready_at = self.clock() + self.config.merge_seconds

    # ---------------------------------------------------------------- Orders API

    def get_order(self, order_id: int) -> dict[str, Any]:
        with self._lock:
            return self._order_json(self._order(order_id))

    def download(self, order_id: int, item_id: int | None = None) -> bytes:
        """The print files as a ZIP; 409 with Retry-After until the merge has finished."""
        with self._lock:
            order = self._order(order_id)
            items = self._items(order, item_id)
            if not self._merged(order):
                if item_id is None:
                    raise ApiError(
                        409,
                        "All items have not completed merge process.",
                        {"Retry-After": "60"},
                    )
                raise ApiError(409, "Item has not completed merge process.", {"Retry-After": "30"})
            return files.print_files_zip(order.id, items)

    def assets(self, order_id: int, item_id: int) -> bytes:
        with self._lock:
            order = self._order(order_id)
            return files.assets_zip(self._items(order, item_id)[0])

    def _status_named(self, name: str) -> str:
        """The storefront's own spelling of status ``name`` (case-insensitive), or 400."""
        wanted = name.strip().casefold()
        status = next((s for s in self.config.order_statuses if s.casefold() == wanted), None)
        if status is None:
            known = ", ".join(self.config.order_statuses)
            raise bad_request(
                f"order_status {name!r} is not a status of this storefront (statuses: {known})."
            )
        return status

    def _picked_items(self, order: Order, item_ids: list[int] | None) -> list[OrderItem]:
        """The items named by ``item_ids`` (all when None), each checked (404 if absent)."""
        if item_ids is None:
            return order.items
        if not item_ids:
            raise bad_request("item_ids must name at least one item (leave it out for all).")
        return [self._items(order, item_id)[0] for item_id in dict.fromkeys(item_ids)]

    def mark_shipped(self, order_id: int, item_id: int | None, tracking_number: str | None) -> None:
        """Set the "Order Shipped" status (400 if the storefront has none), add tracking."""
        self.ship(order_id, None if item_id is None else [item_id], tracking_number, via="shipped")

    def ship(
        self,
        order_id: int,
        item_ids: list[int] | None,
        tracking_number: str | None,
        *,
        shipping_provider: str | None = None,
        shipping_service: str | None = None,
        via: str,
    ) -> None:
        """Mark the items (all when None) "Order Shipped" with tracking, as PATCH shipped does;
        ``shipping_provider`` / ``shipping_service`` replace the order's when given (the
        sandbox's pages and controls set them; the Orders API documents no way to)."""
        with self._lock:
            order = self._order(order_id)
            items = self._picked_items(order, item_ids)
            status = next(
                (s for s in self.config.order_statuses if s.casefold() == SHIPPED_STATUS), None
            )
            if status is None:
                raise bad_request("Bad Request")
            self._add_tracking(order, items, tracking_number)
            if shipping_provider and shipping_provider.strip():
                order.shipping_provider = shipping_provider.strip()
            if shipping_service and shipping_service.strip():
                order.shipping_service = shipping_service.strip()
            self._set_status(order, items, status, whole_order=item_ids is None)
            order.history.append(
                {
                    "on": iso(self.clock()),
                    "item_id": item_ids[0] if item_ids and len(item_ids) == 1 else None,
                    "item_ids": [i.id for i in items],
                    "status": status,
                    "via": via,
                }
            )
            self._changed(order.id)

    def update_status(
        self,
        order_id: int,
        item_id: int | None,
        *,
        order_status: str,
        comments: str | None = None,
        tracking_number: str | None = None,
        user_initials: str | None = None,
        notify_customer: bool = False,
        notify_vendor: bool = False,
        note: str = "Updated via API",
    ) -> None:
        """Set a storefront status, matched case-insensitively; record it in the history."""
        with self._lock:
            order = self._order(order_id)
            items = self._items(order, item_id)
            status = self._status_named(order_status)
            self._add_tracking(order, items, tracking_number)
            self._set_status(order, items, status, whole_order=item_id is None)
            order.history.append(
                {
                    "on": iso(self.clock()),
                    "item_id": item_id,
                    "status": status,
                    "comments": comments,
                    "user_initials": user_initials,
                    "notify_customer": notify_customer,
                    "notify_vendor": notify_vendor,
                    "note": note,
                }
            )
            self._changed(order.id)

    def orders_view(self) -> list[dict[str, Any]]:
        """Every order as the Orders API shows it, newest first, for the sandbox's pages."""
        with self._lock:
            return [self._order_json(o) for o in reversed(self._orders.values())]
