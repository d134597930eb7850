"""Everything the sandbox knows, in memory, behind one lock.

:class:`SandboxState` holds users, PIPO sessions, projects and orders, and implements
PrintNow's documented rules on them (token idling, temp users, project ownership, the merge
delay, statuses). Every public method takes the lock for its whole run, so the threaded
server sees each call as atomic, and returns plain JSON-ready values or bytes, never a record
another thread could change. No Flask here: the HTTP layer parses, this decides.

Time comes from ``clock`` (Unix seconds, ``time.time`` by default); tests replace it to
expire tokens or finish merges without sleeping.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from punchout.devtools.sandbox import files
from punchout.devtools.sandbox.catalog import ProductTemplate, clean_fields, find_template
from punchout.devtools.sandbox.config import SandboxConfig
from punchout.devtools.sandbox.errors import (
    CUSTOMER_NOT_FOUND,
    ITEM_NOT_FOUND,
    ORDER_NOT_FOUND,
    SESSION_EXPIRED,
    ApiError,
    bad_request,
)
from punchout.devtools.sandbox.models import (
    Order,
    OrderItem,
    Project,
    Session,
    Storefront,
    User,
    customer_json,
    iso,
    order_json,
    pipo_temp_user_json,
    pipo_user_json,
    project_json,
)

DAY = 86_400.0
SHIPPED_STATUS = "order shipped"

# Customers API validation (seed 001: username 3-50 characters, password at least 6).
USERNAME_LENGTH = (3, 50)
MIN_PASSWORD_LENGTH = 6


def _same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())


class SandboxState:
    """The sandbox's in-memory PrintNow: one per app, shared by all request threads."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self.storefronts = {sid: Storefront(sid, name) for sid, name in config.storefronts}
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget every user, session, project and order; restart the ID sequences."""
        with self._lock:
            self._users: dict[int, User] = {}
            self._sessions: dict[str, Session] = {}
            self._projects: dict[int, Project] = {}
            self._orders: dict[int, Order] = {}
            # ID ranges like the documentation's examples, so IDs never look alike across kinds.
            self._user_ids = itertools.count(12345)
            self._project_ids = itertools.count(42)
            self._order_ids = itertools.count(5001)
            self._item_ids = itertools.count(8001)

    # ---------------------------------------------------------------- helpers (lock held)

    def _storefront(self, storefront_id: int) -> Storefront:
        storefront = self.storefronts.get(storefront_id)
        if storefront is None:
            raise bad_request(f"storefront_id {storefront_id} does not exist.")
        return storefront

    def _active_users(self, storefront_id: int) -> Iterator[User]:
        return (
            u for u in self._users.values() if u.storefront_id == storefront_id and not u.is_deleted
        )

    def _find_by_username(self, storefront_id: int, username: str) -> User | None:
        wanted = username.casefold()
        return next(
            (u for u in self._active_users(storefront_id) if u.username.casefold() == wanted),
            None,
        )

    def _check_unique(
        self, storefront_id: int, username: str, email: str, *, pipo: bool, exclude: int = 0
    ) -> None:
        """Refuse a username or email taken on the storefront, in each API's own words.

        The username is checked first (the e-mail first in the ``documented`` profile: the
        documentation does not state the order), so the answer does not depend on the
        order of the users.
        """
        others = [u for u in self._active_users(storefront_id) if u.id != exclude]
        name_taken = any(u.username.casefold() == username.casefold() for u in others)
        email_taken = any(u.email.casefold() == email.casefold() for u in others)
        name_error = (
            ApiError(409, "duplicate user name")
            if pipo
            else bad_request("Username is already in use.")
        )
        email_error = (
            ApiError(409, "duplicate email")
            if pipo
            else bad_request("Email address is already in use.")
        )
        checks = [(name_taken, name_error), (email_taken, email_error)]
        if self.config.documented:
            checks.reverse()
        for taken, error in checks:
            if taken:
                raise error

    def _session(self, token: str | None) -> Session:
        """The live session of ``token``, refreshed; 403 when missing, unknown or idle."""
        now = self.clock()
        session = self._sessions.get(token) if token else None
        if session is not None:
            user = self._users.get(session.user_id)
            if now - session.last_used > self.config.token_idle_seconds or (
                user is None or user.is_deleted
            ):
                del self._sessions[session.token]
                session = None
        if session is None:
            raise ApiError(403, SESSION_EXPIRED)
        session.last_used = now
        return session

    def _session_user(self, token: str | None) -> User:
        return self._users[self._session(token).user_id]

    def _new_user(self, storefront_id: int, **values: Any) -> User:
        now = self.clock()
        user = User(
            id=next(self._user_ids),
            storefront_id=storefront_id,
            created_on=now,
            last_updated_on=now,
            **values,
        )
        self._users[user.id] = user
        return user

    def _new_temp_user(self, storefront_id: int) -> User:
        username = f"temp_{secrets.token_hex(8)}"
        return self._new_user(
            storefront_id,
            username=username,
            password=secrets.token_urlsafe(12),
            email=f"{username}@guest.invalid",
            first_name="",
            last_name="",
            is_temp=True,
        )

    def _convert(
        self, user: User, username: str, password: str, email: str, first_name: str, last_name: str
    ) -> None:
        user.username, user.password, user.email = username, password, email
        user.first_name, user.last_name = first_name, last_name
        user.is_temp = False
        user.last_updated_on = self.clock()

    def _move_user_data(self, source: User, destination: User) -> None:
        """Transfer: the source's projects and sessions now belong to the destination."""
        for project in self._projects.values():
            if project.owner_id == source.id:
                project.owner_id = destination.id
        for session in self._sessions.values():
            if session.user_id == source.id:
                session.user_id = destination.id

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

    def _customer(self, customer_id: int) -> User:
        user = self._users.get(customer_id)
        if user is None or user.is_deleted:
            raise ApiError(404, CUSTOMER_NOT_FOUND)
        return user

    def _customer_json(self, user: User) -> dict[str, Any]:
        return customer_json(user, self.storefronts[user.storefront_id])

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
    def _add_tracking(order: Order, tracking_number: str | None) -> None:
        number = (tracking_number or "").strip()
        if number and number not in order.tracking_numbers:
            order.tracking_numbers.append(number)

    # ---------------------------------------------------------------- PIPO users

    def login(self, username: str, password: str, storefront_id: int) -> str:
        """A new session token for the user, or 401 when the credentials are wrong."""
        with self._lock:
            user = self._find_by_username(storefront_id, username)
            if user is None or not _same(user.password, password):
                raise ApiError(401, "username or password is incorrect")
            now = self.clock()
            self._purge_idle_sessions(now)
            token = secrets.token_urlsafe(24)
            self._sessions[token] = Session(token, user.id, now)
            user.last_logged_in_on = now
            return token

    def _purge_idle_sessions(self, now: float) -> None:
        idle = [
            t
            for t, s in self._sessions.items()
            if now - s.last_used > self.config.token_idle_seconds
        ]
        for token in idle:
            del self._sessions[token]

    def logout(self, token: str | None) -> None:
        with self._lock:
            del self._sessions[self._session(token).token]

    def check_session(self, token: str | None) -> None:
        """403 unless the token is live; refreshes it."""
        with self._lock:
            self._session(token)

    def is_logged_in(self, token: str | None) -> bool:
        """Whether the token is live (and, if so, refresh it). Never raises."""
        with self._lock:
            try:
                self._session(token)
            except ApiError:
                return False
            return True

    def user_info(self, token: str | None) -> dict[str, Any]:
        with self._lock:
            return pipo_user_json(self._session_user(token))

    def update_user_info(
        self,
        token: str | None,
        *,
        first_name: str | None,
        last_name: str | None,
        current_password: str | None,
        new_password: str | None,
    ) -> dict[str, Any]:
        """Update a permanent user's names; change the password only if ``current_password``
        is right and differs from ``new_password`` (otherwise it is silently kept)."""
        with self._lock:
            user = self._session_user(token)
            if user.is_temp:
                raise ApiError(403, "current user is temporary")
            if first_name is not None:
                user.first_name = first_name
            if last_name is not None:
                user.last_name = last_name
            if (
                new_password
                and current_password is not None
                and _same(user.password, current_password)
                and not _same(current_password, new_password)
            ):
                user.password = new_password
            user.last_updated_on = self.clock()
            return pipo_user_json(user)

    def create_user(
        self,
        storefront_id: int,
        *,
        username: str,
        password: str,
        email: str,
        first_name: str,
        last_name: str,
    ) -> int:
        """PIPO user/create: a permanent user; 409 on a taken username or email."""
        with self._lock:
            self._storefront(storefront_id)
            self._check_unique(storefront_id, username, email, pipo=True)
            user = self._new_user(
                storefront_id,
                username=username,
                password=password,
                email=email,
                first_name=first_name,
                last_name=last_name,
                is_temp=False,
            )
            return user.id

    def create_temp_user(self, storefront_id: int) -> dict[str, Any]:
        """PIPO user/createtemp: a temporary user with generated credentials."""
        with self._lock:
            self._storefront(storefront_id)
            return pipo_temp_user_json(self._new_temp_user(storefront_id))

    def convert_user(
        self,
        token: str | None,
        *,
        username: str,
        password: str,
        email: str,
        first_name: str,
        last_name: str,
    ) -> None:
        """PIPO user/convert: the session's temp user becomes permanent with these details."""
        with self._lock:
            user = self._session_user(token)
            if not user.is_temp:
                raise ApiError(403, "current user is not temporary")
            self._check_unique(user.storefront_id, username, email, pipo=True, exclude=user.id)
            self._convert(user, username, password, email, first_name, last_name)

    def transfer_user(self, token: str | None, *, username: str, password: str) -> None:
        """PIPO user/transfer: move the temp user's work to an existing account and point the
        session there. The four 403 messages are PrintNow's own."""
        with self._lock:
            user = self._session_user(token)
            if not user.is_temp:
                raise ApiError(403, "current user is not temporary")
            destination = self._find_by_username(user.storefront_id, username)
            if destination is None or destination.is_temp:
                raise ApiError(403, "username does not exist")
            if not _same(destination.password, password):
                raise ApiError(403, "password is incorrect")
            self._move_user_data(user, destination)

    def is_temp(self, token: str | None) -> bool:
        with self._lock:
            return self._session_user(token).is_temp

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

    def mark_shipped(self, order_id: int, item_id: int | None, tracking_number: str | None) -> None:
        """Set the "Order Shipped" status (400 if the storefront has none), add tracking."""
        with self._lock:
            order = self._order(order_id)
            items = self._items(order, item_id)
            status = next(
                (s for s in self.config.order_statuses if s.casefold() == SHIPPED_STATUS), None
            )
            if status is None:
                raise bad_request("Bad Request")
            self._add_tracking(order, tracking_number)
            self._set_status(order, items, status, whole_order=item_id is None)
            order.history.append(
                {"on": iso(self.clock()), "item_id": item_id, "status": status, "via": "shipped"}
            )

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
    ) -> None:
        """Set a storefront status, matched case-insensitively; record it in the history."""
        with self._lock:
            order = self._order(order_id)
            items = self._items(order, item_id)
            status = next(
                (
                    s
                    for s in self.config.order_statuses
                    if s.casefold() == order_status.strip().casefold()
                ),
                None,
            )
            if status is None:
                known = ", ".join(self.config.order_statuses)
                raise bad_request(
                    f"order_status {order_status!r} is not a status of this storefront "
                    f"(statuses: {known})."
                )
            self._add_tracking(order, tracking_number)
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
                    "note": "Updated via API",
                }
            )

    # ---------------------------------------------------------------- Customers API

    def get_customer(self, customer_id: int) -> dict[str, Any]:
        with self._lock:
            return self._customer_json(self._customer(customer_id))

    @staticmethod
    def _validate_new_account(
        username: str | None,
        password: str | None,
        email: str | None,
        first_name: str | None,
        last_name: str | None,
    ) -> tuple[str, str, str, str, str]:
        """Customers API rules for a permanent account, first problem first."""
        for name, value in (
            ("username", username),
            ("password", password),
            ("email", email),
            ("first_name", first_name),
            ("last_name", last_name),
        ):
            if not value:
                raise bad_request(f"{name} is required.")
        assert username and password and email and first_name and last_name
        low, high = USERNAME_LENGTH
        if not low <= len(username) <= high:
            raise bad_request(f"Username must be between {low} and {high} characters.")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise bad_request(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")
        if "@" not in email.strip("@"):
            raise bad_request("Email address is not valid.")
        return username, password, email, first_name, last_name

    def create_customer(
        self,
        storefront_id: int,
        *,
        is_temporary: bool = False,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        receive_marketing_emails: bool | None = None,
    ) -> dict[str, Any]:
        """POST /customer: a temporary user (all else ignored) or a validated permanent one."""
        with self._lock:
            self._storefront(storefront_id)
            if is_temporary:
                return self._customer_json(self._new_temp_user(storefront_id))
            username, password, email, first_name, last_name = self._validate_new_account(
                username, password, email, first_name, last_name
            )
            self._check_unique(storefront_id, username, email, pipo=False)
            user = self._new_user(
                storefront_id,
                username=username,
                password=password,
                email=email,
                first_name=first_name,
                last_name=last_name,
                is_temp=False,
                company=company,
                receive_marketing_emails=bool(receive_marketing_emails),
            )
            return self._customer_json(user)

    def update_customer(self, customer_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """PATCH /customer/{id}: update a permanent user, or convert a temporary one.

        ``changes`` holds only the fields the request sent (already type-checked).
        """
        with self._lock:
            user = self._customer(customer_id)
            if user.is_temp:
                if changes.get("is_temporary"):
                    raise bad_request(
                        "A temporary customer cannot be updated; convert it (is_temporary "
                        "false with full details) or transfer it."
                    )
                details = self._validate_new_account(
                    changes.get("username"),
                    changes.get("password"),
                    changes.get("email"),
                    changes.get("first_name"),
                    changes.get("last_name"),
                )
                self._check_unique(
                    user.storefront_id, details[0], details[2], pipo=False, exclude=user.id
                )
                self._convert(user, *details)
            else:
                password = changes.get("password")
                if password is not None and len(password) < MIN_PASSWORD_LENGTH:
                    raise bad_request(
                        f"Password must be at least {MIN_PASSWORD_LENGTH} characters."
                    )
                if password:
                    user.password = password
            for name in ("first_name", "last_name", "company"):
                if changes.get(name) is not None:
                    setattr(user, name, changes[name])
            for name in ("receive_marketing_emails", "tax_exempt"):
                if changes.get(name) is not None:
                    setattr(user, name, changes[name])
            user.last_updated_on = self.clock()
            return self._customer_json(user)

    def transfer_customer(self, source_id: int, destination_id: int) -> dict[str, Any]:
        """PATCH /customer/{id}/transfer: move a temp user's work to a permanent user."""
        with self._lock:
            source = self._customer(source_id)
            destination = self._customer(destination_id)
            if not source.is_temp:
                raise bad_request("The source customer is not a temporary user.")
            if destination.is_temp:
                raise bad_request("The destination customer is not a permanent user.")
            if source.storefront_id != destination.storefront_id:
                raise bad_request("Both customers must belong to the same storefront.")
            self._move_user_data(source, destination)
            return self._customer_json(destination)

    def delete_customer(self, customer_id: int) -> None:
        """DELETE /customer/{id}: soft delete; temp users cannot be deleted; sessions end."""
        with self._lock:
            user = self._customer(customer_id)
            if user.is_temp:
                raise bad_request("Temporary customers cannot be deleted.")
            user.is_deleted = True
            user.last_updated_on = self.clock()
            for token in [t for t, s in self._sessions.items() if s.user_id == user.id]:
                del self._sessions[token]

    # ---------------------------------------------------------------- storefront pages

    def _storefront_user(self, token: str | None, storefront_id: int) -> User:
        """The token's user on this storefront: 404 for an unknown storefront, 403 (token
        invalid) for a bad token or one that belongs to another storefront."""
        if storefront_id not in self.storefronts:
            raise ApiError(404, "Storefront not found.")
        user = self._session_user(token)
        if user.storefront_id != storefront_id:
            raise ApiError(403, SESSION_EXPIRED)
        return user

    def storefront_view(self, token: str | None, storefront_id: int) -> dict[str, Any]:
        """What the storefront page shows: storefront, signed-in user, their projects."""
        with self._lock:
            user = self._storefront_user(token, storefront_id)
            storefront = self.storefronts[storefront_id]
            return {
                "storefront": {"id": storefront.id, "name": storefront.name},
                "user": pipo_user_json(user),
                "projects": [
                    project_json(p) for p in self._projects.values() if p.owner_id == user.id
                ],
            }

    def save_project(
        self, token: str | None, storefront_id: int, template_id: str, values: dict[str, str]
    ) -> dict[str, Any]:
        """Save a personalised template (values already cleaned) as the token user's project."""
        with self._lock:
            user = self._storefront_user(token, storefront_id)
            template = find_template(template_id)
            if template is None:
                raise bad_request(f"Unknown product template {template_id!r}.")
            return self._save_project(user, template, values)

    def delete_own_project(self, token: str | None, storefront_id: int, project_id: int) -> None:
        """Delete one of the token user's projects from the storefront page."""
        with self._lock:
            user = self._storefront_user(token, storefront_id)
            del self._projects[self._owned_project(user, project_id).id]

    # ---------------------------------------------------------------- test controls

    def add_project(
        self, user_id: int, template_id: str, raw_fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Make a project for a user directly (tests, demo), as the storefront would."""
        with self._lock:
            user = self._customer(user_id)
            template = find_template(template_id)
            if template is None:
                raise bad_request(f"Unknown product template {template_id!r}.")
            values, errors = clean_fields(template, raw_fields)
            if errors:
                raise bad_request(" ".join(errors.values()))
            return self._save_project(user, template, values)

    def session_for(self, user_id: int) -> str:
        """A new session token for any active user, without a password (test control)."""
        with self._lock:
            user = self._customer(user_id)
            token = secrets.token_urlsafe(24)
            self._sessions[token] = Session(token, user.id, self.clock())
            return token

    def summary(self) -> dict[str, Any]:
        """Everything, for ``GET /_sandbox/state`` (passwords and tokens left out)."""
        with self._lock:
            now = self.clock()
            return {
                "storefronts": [{"id": s.id, "name": s.name} for s in self.storefronts.values()],
                "users": [
                    {**self._customer_json(u), "is_deleted": u.is_deleted}
                    for u in self._users.values()
                ],
                "projects": [
                    {**project_json(p), "owner_id": p.owner_id} for p in self._projects.values()
                ],
                "orders": [
                    {
                        **self._order_json(o),
                        "user_id": o.user_id,
                        "merge": (
                            "not started"
                            if o.merge_ready_at is None
                            else "done"
                            if self._merged(o)
                            else "merging"
                        ),
                        "history": list(o.history),
                    }
                    for o in self._orders.values()
                ],
                "sessions": sum(
                    1
                    for s in self._sessions.values()
                    if now - s.last_used <= self.config.token_idle_seconds
                ),
            }
