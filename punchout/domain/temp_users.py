"""Temporary PIPO users (PIPO: POST /user/createtemp): one per procurement user until it is
converted, and records that expire with it.

A ``per_user`` user who punches out again before converting gets the same
temporary user back, so punch-outs that never return a cart do not pile up temporary users.
PrintNow does not document how long it keeps a temporary user, so its records live
``offer_days`` after their last use (long enough for a cart's PO to arrive), and are
dropped at once when PrintNow no longer accepts its login.
"""

from __future__ import annotations

from typing import Any

from punchout.domain.keys import Encryptor
from punchout.runtime.store import Store


class TempUsers:
    """The user directory's records of temporary users, and who may reuse which."""

    def __init__(self, store: Store, encryptor: Encryptor, ttl_seconds: int) -> None:
        self.store = store
        self.encryptor = encryptor
        self.ttl = ttl_seconds

    def _record_key(self, buyer_id: str, user_id: int) -> str:
        return self.store.key("user", buyer_id, str(user_id))

    def _pointer(self, buyer_id: str, user_key: str) -> str:
        return self.store.key("tempuser", buyer_id, user_key)

    def remember(
        self, buyer_id: str, user_key: str, user_id: int, username: str, password: str, *,
        reusable: bool,
    ) -> None:  # fmt: skip
        record = {
            "kind": "temp",
            "user_key": user_key,
            "username": username,
            "password": self.encryptor.encrypt(password),
        }
        self.store.put(self._record_key(buyer_id, user_id), record, self.ttl)
        if reusable:
            self.store.put(self._pointer(buyer_id, user_key), user_id, self.ttl)

    def reusable(self, buyer_id: str, user_key: str) -> tuple[int, str, str] | None:
        """(user id, username, password) of the user's unconverted temporary user, if any."""
        user_id = self.store.get(self._pointer(buyer_id, user_key))
        if not isinstance(user_id, int):
            return None
        record: Any = self.store.get(self._record_key(buyer_id, user_id))
        if not isinstance(record, dict) or record.get("kind") != "temp":
            return None
        return user_id, str(record["username"]), self.encryptor.decrypt(str(record["password"]))

    def used(self, buyer_id: str, user_id: int, user_key: str | None = None) -> None:
        """Slide the expiry of a temporary user's records (and its reuse pointer)."""
        self.store.touch(self._record_key(buyer_id, user_id), self.ttl)
        if user_key is not None:
            self.store.touch(self._pointer(buyer_id, user_key), self.ttl)

    def gone(self, buyer_id: str, user_key: str, user_id: int) -> None:
        """PrintNow no longer knows the temporary user: forget it."""
        self.store.delete(self._pointer(buyer_id, user_key), self._record_key(buyer_id, user_id))

    def converted(self, buyer_id: str, user_key: str) -> None:
        """The user's temporary user became (or moved into) a permanent one: not reused."""
        self.store.delete(self._pointer(buyer_id, user_key))
