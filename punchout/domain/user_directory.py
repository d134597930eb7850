"""The user directory: which storefront (PIPO) user the connector handed out to whom.

This module alone reads and writes the directory's Redis keys, all through the one key
builder of :class:`punchout.runtime.store.Store`:

``user:<buyer>:<PIPO user id>``
    A :class:`DirectoryRecord`: whose account it is and how to log in as it again (derived
    credentials, or the encrypted ones of a temporary or linked account). Permanent, except
    a temporary user's, which expires with it (:mod:`punchout.domain.temp_users`).
``account:<buyer>:<sha256 of the user key>``
    The PIPO user id a procurement user's permanent account has.
``tempuser:<buyer>:<user key>``
    The unconverted temporary user a ``per_user`` user gets back on a later punch-out.
``import:<buyer>:<batch>``
    The e-mail addresses a ``punchout users import`` batch has done, so it can resume.

The stored JSON is the shape every earlier version wrote: ``kind``, ``user_key`` and, by
kind, ``key_id`` (derived accounts; records written before master-key rotation have none) or
``username`` and ``password`` (sealed). A record that is not that shape is reported and
treated as absent, never guessed at.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from punchout.runtime.store import Pending, Reads, Store

log = logging.getLogger(__name__)

RecordKind = Literal["derived", "temp", "linked"]
RECORD_KINDS: tuple[RecordKind, ...] = ("derived", "temp", "linked")


@dataclass(frozen=True)
class DirectoryRecord:
    """One storefront user the connector handed out, and how to log in as it again.

    ``derived``: a permanent account whose credentials derive from the master key named by
    ``key_id`` ("" when written before key ids were kept). ``temp`` and ``linked``: an account
    with stored credentials, ``username`` and the ``sealed_password`` as
    :class:`punchout.domain.keys.Encryptor` sealed it.
    """

    kind: RecordKind
    user_key: str
    key_id: str = ""
    username: str = ""
    sealed_password: str = field(default="", repr=False)

    @classmethod
    def derived(cls, key: str, key_id: str) -> DirectoryRecord:
        return cls("derived", key, key_id=key_id)

    @classmethod
    def with_credentials(
        cls, kind: Literal["temp", "linked"], key: str, username: str, sealed_password: str
    ) -> DirectoryRecord:
        return cls(kind, key, username=username, sealed_password=sealed_password)

    @property
    def has_credentials(self) -> bool:
        """Whether the record keeps a username and sealed password (temp and linked)."""
        return self.kind != "derived"

    def to_json(self) -> dict[str, str]:
        if self.kind == "derived":
            data = {"kind": self.kind, "user_key": self.user_key}
            return {**data, "key_id": self.key_id} if self.key_id else data
        return {
            "kind": self.kind,
            "user_key": self.user_key,
            "username": self.username,
            "password": self.sealed_password,
        }

    @classmethod
    def from_json(cls, data: object) -> DirectoryRecord:
        """The record stored as ``data``; ValueError naming what is wrong otherwise."""
        if not isinstance(data, dict):
            raise ValueError(f"a directory record is a JSON object, not {type(data).__name__}")
        kind = data.get("kind")
        if kind not in RECORD_KINDS:
            raise ValueError(f"unknown directory record kind {kind!r}")
        key = _text(data, "user_key", required=True)
        if kind == "derived":
            return cls.derived(key, _text(data, "key_id"))
        return cls.with_credentials(
            cast(Literal["temp", "linked"], kind),
            key,
            _text(data, "username", required=True),
            _text(data, "password", required=True),
        )


@dataclass(frozen=True)
class AccountLookup:
    """What the directory knew of ``user_key``'s permanent account when a request began: its
    PIPO user id (None: no account) and that user's record (None: missing or unreadable)."""

    user_key: str
    user_id: int | None
    record: DirectoryRecord | None


def _text(data: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"directory record field {name!r} must be a non-empty string")
    return value


def _parse(key: str, value: object) -> DirectoryRecord | None:
    if value is None:
        return None
    try:
        return DirectoryRecord.from_json(value)
    except ValueError as exc:
        log.warning("user directory record %s is unreadable and ignored: %s", key, exc)
        return None


class UserDirectory:
    """The directory's records and pointers in Redis (see the module's description)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- records ------------------------------------------------------------------------

    def _record_key(self, buyer_id: str, user_id: int) -> str:
        return self.store.key("user", buyer_id, str(user_id))

    def get(self, buyer_id: str, user_id: int) -> DirectoryRecord | None:
        """The record of PIPO user ``user_id``; None when unknown, expired or unreadable."""
        key = self._record_key(buyer_id, user_id)
        return _parse(key, self.store.get(key))

    def put(self, buyer_id: str, user_id: int, record: DirectoryRecord) -> None:
        """Keep a permanent account's record."""
        self.store.put_permanent(self._record_key(buyer_id, user_id), record.to_json())

    def put_expiring(self, buyer_id: str, user_id: int, record: DirectoryRecord, ttl: int) -> None:
        """Keep a temporary user's record for ``ttl`` seconds."""
        self.store.put(self._record_key(buyer_id, user_id), record.to_json(), ttl)

    def replace(self, buyer_id: str, user_id: int, record: DirectoryRecord) -> bool:
        """Rewrite a record keeping its expiry; False when it is gone."""
        return self.store.replace(self._record_key(buyer_id, user_id), record.to_json())

    def touch(self, buyer_id: str, user_id: int, ttl: int) -> None:
        self.store.touch(self._record_key(buyer_id, user_id), ttl)

    def all(self, buyer_id: str) -> list[tuple[int, DirectoryRecord]]:
        """Every readable record of the buyer, by PIPO user id."""
        keys = self.store.keys("user", buyer_id)
        found = []
        for key, value in zip(keys, self.store.get_many(keys), strict=True):
            record = _parse(key, value)
            if record is not None:
                found.append((int(key.rsplit(":", 1)[1]), record))
        return sorted(found, key=lambda entry: entry[0])

    # -- a procurement user's permanent account -------------------------------------------

    def _account_key(self, buyer_id: str, key: str) -> str:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.store.key("account", buyer_id, digest)

    def account_of(self, buyer_id: str, key: str) -> int | None:
        """The PIPO user id of the permanent account ``key`` maps to, if any."""
        return self.lookup(buyer_id, key)[0]

    def lookup(self, buyer_id: str, key: str) -> tuple[int | None, DirectoryRecord | None]:
        """The PIPO user id of ``key``'s permanent account, if any, and that user's record
        (None when missing or unreadable), in one Redis round trip: every punch-out of a
        returning user needs both before it logs in."""
        pointer = self._account_key(buyer_id, key)
        return self._looked_up(buyer_id, *self.store.get_pointed(pointer, "user", buyer_id))

    def queue_lookup(self, reads: Reads, buyer_id: str, key: str) -> Pending[AccountLookup]:
        """:meth:`lookup` queued in ``reads``, so that it rides in the round trip a request
        makes anyway before it authenticates the buyer (whose answer decides whether it is
        used at all)."""
        pointer = self._account_key(buyer_id, key)
        queued = self.store.queue_get_pointed(reads, pointer, "user", buyer_id)
        return Pending(lambda: AccountLookup(key, *self._looked_up(buyer_id, *queued.value())))

    def _looked_up(
        self, buyer_id: str, user_id: object, stored: object
    ) -> tuple[int | None, DirectoryRecord | None]:
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            return None, None
        return user_id, _parse(self._record_key(buyer_id, user_id), stored)

    def remember_account(self, buyer_id: str, user_id: int, record: DirectoryRecord) -> None:
        """Keep a permanent account's record and point its user key at it."""
        self.put(buyer_id, user_id, record)
        self.store.put_permanent(self._account_key(buyer_id, record.user_key), user_id)

    # -- a per_user user's unconverted temporary user ----------------------------------------

    def _temp_key(self, buyer_id: str, key: str) -> str:
        return self.store.key("tempuser", buyer_id, key)

    def temp_of(self, buyer_id: str, key: str) -> int | None:
        user_id = self.store.get(self._temp_key(buyer_id, key))
        return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None

    def point_temp(self, buyer_id: str, key: str, user_id: int, ttl: int) -> None:
        self.store.put(self._temp_key(buyer_id, key), user_id, ttl)

    def touch_temp(self, buyer_id: str, key: str, ttl: int) -> None:
        self.store.touch(self._temp_key(buyer_id, key), ttl)

    def drop_temp(self, buyer_id: str, key: str, user_id: int | None = None) -> None:
        """Forget the reuse pointer (and, given ``user_id``, the temporary user's record)."""
        keys = [self._temp_key(buyer_id, key)]
        if user_id is not None:
            keys.append(self._record_key(buyer_id, user_id))
        self.store.delete(*keys)

    # -- the progress of a user import ------------------------------------------------------

    def imported(self, buyer_id: str, batch: str) -> set[str]:
        """The user keys an import ``batch`` (a digest of its file) has done."""
        return self.store.members(self.store.key("import", buyer_id, batch))

    def mark_imported(self, buyer_id: str, batch: str, key: str, ttl: int) -> None:
        self.store.add_member(self.store.key("import", buyer_id, batch), key, ttl)
