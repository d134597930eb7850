"""Temporary PIPO users (PIPO: POST /user/createtemp): one per procurement user until it is
converted, and records that expire with it.

A ``per_user`` user who punches out again before converting gets the same
temporary user back, so punch-outs that never return a cart do not pile up temporary users.
PrintNow does not document how long it keeps a temporary user, so its records live
``offer_days`` after their last use (long enough for a cart's PO to arrive), and are
dropped at once when PrintNow no longer accepts its login.
"""

from __future__ import annotations

from punchout.domain.keys import Encryptor
from punchout.domain.user_directory import DirectoryRecord, UserDirectory


class TempUsers:
    """The user directory's records of temporary users, and who may reuse which."""

    def __init__(self, directory: UserDirectory, encryptor: Encryptor, ttl_seconds: int) -> None:
        self.directory = directory
        self.encryptor = encryptor
        self.ttl = ttl_seconds

    def remember(
        self, buyer_id: str, user_key: str, user_id: int, username: str, password: str, *,
        reusable: bool,
    ) -> None:  # fmt: skip
        sealed = self.encryptor.encrypt(password)
        record = DirectoryRecord.with_credentials("temp", user_key, username, sealed)
        self.directory.put_expiring(buyer_id, user_id, record, self.ttl)
        if reusable:
            self.directory.point_temp(buyer_id, user_key, user_id, self.ttl)

    def reusable(self, buyer_id: str, user_key: str) -> tuple[int, str, str] | None:
        """(user id, username, password) of the user's unconverted temporary user, if any."""
        user_id = self.directory.temp_of(buyer_id, user_key)
        if user_id is None:
            return None
        record = self.directory.get(buyer_id, user_id)
        if record is None or record.kind != "temp":
            return None
        return user_id, record.username, self.encryptor.decrypt(record.sealed_password)

    def used(self, buyer_id: str, user_id: int, user_key: str | None = None) -> None:
        """Slide the expiry of a temporary user's records (and its reuse pointer)."""
        self.directory.touch(buyer_id, user_id, self.ttl)
        if user_key is not None:
            self.directory.touch_temp(buyer_id, user_key, self.ttl)

    def gone(self, buyer_id: str, user_key: str, user_id: int) -> None:
        """PrintNow no longer knows the temporary user: forget it."""
        self.directory.drop_temp(buyer_id, user_key, user_id)

    def converted(self, buyer_id: str, user_key: str) -> None:
        """The user's temporary user became (or moved into) a permanent one: not reused."""
        self.directory.drop_temp(buyer_id, user_key)
