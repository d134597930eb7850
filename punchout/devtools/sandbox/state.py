"""Everything the sandbox knows, in memory, behind one lock.

:class:`SandboxState` holds users, PIPO sessions, projects and orders, and implements
PrintNow's documented rules on them (token idling, temp users, project ownership, the merge
delay, statuses). Every public method takes the lock for its whole run, so the threaded
server sees each call as atomic, and returns plain JSON-ready values or bytes, never a record
another thread could change. No Flask here: the HTTP layer parses, this decides.

Time comes from ``clock`` (Unix seconds, ``time.time`` by default); tests replace it to
expire tokens or finish merges without sleeping.

The rules live in three modules: ``state_base.py`` (records, lock, shared helpers),
``state_accounts.py`` (PIPO users, Customers API) and ``state_orders.py`` (projects, PIPO
orders, Orders API); this one adds the storefront pages and the test controls.
"""

from __future__ import annotations

import secrets
from typing import Any

from punchout.devtools.sandbox.catalog import clean_fields, find_template
from punchout.devtools.sandbox.errors import SESSION_EXPIRED, ApiError, bad_request
from punchout.devtools.sandbox.models import Session, User, pipo_user_json, project_json
from punchout.devtools.sandbox.state_accounts import AccountsState
from punchout.devtools.sandbox.state_orders import OrdersState


class SandboxState(AccountsState, OrdersState):
    """The sandbox's in-memory PrintNow: one per app, shared by all request threads."""

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
