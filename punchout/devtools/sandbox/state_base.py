"""The sandbox state's records, lock and shared helpers (:class:`StateBase`).

:class:`punchout.devtools.sandbox.state.SandboxState` is built from the classes in
``state_accounts.py`` (users and customers) and ``state_orders.py`` (projects and orders) on
top of this one. Every helper here expects the lock to be held by its caller.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from punchout.devtools.sandbox.config import SandboxConfig
from punchout.devtools.sandbox.errors import (
    CUSTOMER_NOT_FOUND,
    SESSION_EXPIRED,
    ApiError,
    bad_request,
)
from punchout.devtools.sandbox.models import (
    Order,
    Project,
    Session,
    Storefront,
    User,
    customer_json,
)


def same_secret(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())


class StateBase:
    """Users, sessions, projects and orders in memory, and the helpers every part uses."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.clock = clock
        self.storefronts = {sid: Storefront(sid, name) for sid, name in config.storefronts}
        self._lock = threading.RLock()
        #: Called with an order's ID after each change to it (the app sends order_updated
        #: webhooks from it); called under the lock, so it must only hand the work on.
        self.order_listener: Callable[[int], None] = lambda order_id: None
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

    def _customer(self, customer_id: int) -> User:
        user = self._users.get(customer_id)
        if user is None or user.is_deleted:
            raise ApiError(404, CUSTOMER_NOT_FOUND)
        return user

    def _customer_json(self, user: User) -> dict[str, Any]:
        return customer_json(user, self.storefronts[user.storefront_id])

    def _changed(self, order_id: int) -> None:
        """Tell the order listener that the order changed (status, shipping, tracking)."""
        self.order_listener(order_id)
