"""PIPO users and the Customers API on the sandbox state (:class:`AccountsState`)."""

from __future__ import annotations

import secrets
from typing import Any

from punchout.devtools.sandbox.errors import ApiError, bad_request
from punchout.devtools.sandbox.models import Session, pipo_temp_user_json, pipo_user_json
from punchout.devtools.sandbox.state_base import StateBase, same_secret

# Customers API validation (seed 001: username 3-50 characters, password at least 6).
USERNAME_LENGTH = (3, 50)
MIN_PASSWORD_LENGTH = 6


class AccountsState(StateBase):
    """Sign-in, sessions, temporary users, conversion and transfer, in both APIs' words."""

    # ---------------------------------------------------------------- PIPO users

    def login(self, username: str, password: str, storefront_id: int) -> str:
        """A new session token for the user, or 401 when the credentials are wrong."""
        with self._lock:
            user = self._find_by_username(storefront_id, username)
            if user is None or not same_secret(user.password, password):
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
                and same_secret(user.password, current_password)
                and not same_secret(current_password, new_password)
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
            if not same_secret(destination.password, password):
                raise ApiError(403, "password is incorrect")
            self._move_user_data(user, destination)

    def is_temp(self, token: str | None) -> bool:
        with self._lock:
            return self._session_user(token).is_temp

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
