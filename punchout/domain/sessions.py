"""Punch-out sessions, one-time StartPage tokens and re-sent setups, all in Redis.

A punch-out session is keyed on a random id of the connector's own, never on the buyer's
BuyerCookie, which is opaque and must only be echoed (the DTD's comment on BuyerCookie; the
cXML User's Guide, PunchOutSetupRequest, says not to track sessions by it) and is not unique
for some buyers (the Kuali Financial System's punch-out sends the user's name). Its TTL
slides with every use, as PrintNow's token does.

A StartPage URL carries a one-time token (the DTD's comment on StartPage: "effectively a one
time key"). Only the token's SHA-256 is stored; redeeming it reads and deletes it in one
atomic step (GETDEL), so a second use finds nothing, whoever tries.

The PIPO token of a session is stored encrypted (:class:`punchout.domain.keys.Encryptor`); the rest
of the session names no credential.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from punchout.domain.keys import DecryptionError, Encryptor
from punchout.runtime.store import Pending, Reads, Store

log = logging.getLogger(__name__)

#: How long an identical re-sent setup reopens the session of the first (seconds). A
#: PunchOutSetupRequest changes nothing a repeat could duplicate, so a repeat is never
#: refused: inside this window it reopens the same session with a fresh one-time link,
#: after it (or with another body under the same payloadID) it is a new punch-out.
SETUP_RESEND_TTL = 300


@dataclass(frozen=True)
class RestoredItem:
    """A cart line the buyer sent back (edit/inspect), resolved to its storefront project."""

    project_id: int
    quantity: str
    supplier_part_id: str
    reference: str


@dataclass(frozen=True)
class PunchoutSession:
    """What the connector knows about one punch-out, from setup to cart return."""

    id: str
    buyer_id: str
    protocol: str  # "cxml" or "oci"
    operation: str  # "create", "edit" or "inspect"
    user_key: str  # the procurement user as the buyer identifies them
    customer_id: int
    is_temp: bool
    pipo_token: str = field(repr=False)
    return_url: str = ""
    return_target: str = ""
    buyer_cookie: str = field(default="", repr=False)
    storefront_id: int = 0
    known_project_ids: tuple[int, ...] = ()
    #: Whether ``known_project_ids`` has been read (when the StartPage opens, so the setup
    #: request, which the buyer's system waits for, costs one PrintNow call, not two).
    projects_seen: bool = False
    restored_items: tuple[RestoredItem, ...] = ()
    user_email: str = ""
    user_first_name: str = ""
    user_last_name: str = ""
    #: The setup's From credentials (the buyer) and To credentials (the supplier), as
    #: ``(domain, identity)`` pairs: the cart message goes back addressed the other way round.
    buyer_credentials: tuple[tuple[str, str], ...] = ()
    supplier_credentials: tuple[tuple[str, str], ...] = ()
    #: Guards the cart page's forms against cross-site posts.
    form_token: str = field(default="", repr=False)
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The session as JSON values. Field by field, as ``dataclasses.asdict`` would make it
        but without its deep copy of every value: a session is written on every setup."""
        data = {f.name: getattr(self, f.name) for f in _FIELDS}
        data["restored_items"] = [dataclasses.asdict(i) for i in self.restored_items]
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PunchoutSession:
        data = dict(data)
        data["known_project_ids"] = tuple(data.get("known_project_ids", ()))
        data["restored_items"] = tuple(RestoredItem(**i) for i in data.get("restored_items", ()))
        for name in ("buyer_credentials", "supplier_credentials"):
            data[name] = tuple((str(d), str(i)) for d, i in data.get(name, ()))
        return cls(**data)


_FIELDS = dataclasses.fields(PunchoutSession)


def new_session_id() -> str:
    """A fresh random session id (128 bits)."""
    return secrets.token_urlsafe(16)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    """Sessions, start tokens and re-sent setups, through the one :class:`Store`."""

    def __init__(
        self, store: Store, *, session_ttl: int, start_token_ttl: int, encryptor: Encryptor
    ) -> None:
        self.store = store
        self.session_ttl = session_ttl
        self.start_token_ttl = start_token_ttl
        self.encryptor = encryptor

    def _sealed(self, session: PunchoutSession) -> dict[str, Any]:
        """The session as stored: its PIPO token encrypted."""
        return {**session.to_json(), "pipo_token": self.encryptor.encrypt(session.pipo_token)}

    def save(self, session: PunchoutSession) -> None:
        """Write (or rewrite) a session, restarting its sliding TTL."""
        self.store.put(
            self.store.key("session", session.id), self._sealed(session), self.session_ttl
        )

    def load(self, session_id: str) -> PunchoutSession | None:
        """The session, with its TTL slid forward; None when unknown, expired or unreadable."""
        data = self.store.get_and_touch(self.store.key("session", session_id), self.session_ttl)
        return self._unsealed(session_id, data)

    def _unsealed(self, session_id: str, data: Any | None) -> PunchoutSession | None:
        """The session stored as ``data``; None when absent or its PIPO token unreadable."""
        if data is None:
            return None
        try:
            token = self.encryptor.decrypt(str(data.get("pipo_token", "")))
        except DecryptionError:
            log.warning("session %s: PIPO token unreadable (master key retired?)", session_id[:8])
            return None
        return PunchoutSession.from_json({**data, "pipo_token": token})

    def end(self, session_id: str, *, batch: Store | None = None) -> None:
        """End the session; queued on ``batch`` (:meth:`Store.batch`) when one is given."""
        (batch or self.store).delete(self.store.key("session", session_id))

    def open(self, session: PunchoutSession, *, setup: tuple[str, bytes] | None = None) -> str:
        """Save a new session and issue its one-time start token, in one round trip.

        ``setup`` is the (payloadID, document) of the setup request that opened it: noted in
        the same round trip, as :meth:`remember_setup` does, so an identical re-send reopens it.
        """
        token = secrets.token_urlsafe(32)
        pipe = self.store.redis.pipeline(transaction=False)
        batch = Store(pipe, self.store.namespace)
        batch.put(self.store.key("session", session.id), self._sealed(session), self.session_ttl)
        batch.put(self.store.key("start", _digest(token)), session.id, self.start_token_ttl)
        if setup is not None:
            _remember(batch, session.buyer_id, *setup, session.id)
        pipe.execute()
        return token

    def redeem_start_token(self, token: str) -> str | None:
        """The session id the token opens, exactly once; None if unknown, used or expired."""
        if not token or len(token) > 128:
            return None
        value = self.store.take(self.store.key("start", _digest(token)))
        return value if isinstance(value, str) else None

    def remember_setup(self, buyer_id: str, payload_id: str, body: bytes, session_id: str) -> None:
        """Note the session a setup opened, so an identical re-send can reopen it."""
        _remember(self.store, buyer_id, payload_id, body, session_id)

    def resent_setup(self, buyer_id: str, payload_id: str, body: bytes) -> Resend:
        """What an earlier setup with this payloadID from this buyer became, if recent."""
        reads = Reads(self.store.redis)
        resend = self.queue_resent_setup(reads, buyer_id, payload_id, body)
        reads.send()
        return resend.value()

    def queue_resent_setup(
        self, reads: Reads, buyer_id: str, payload_id: str, body: bytes
    ) -> Pending[Resend]:
        """:meth:`resent_setup`, read in ``reads`` beside what else the request needs."""
        record = reads.get(self.store.key("resend", buyer_id, payload_id))
        digest = hashlib.sha256(body).hexdigest()
        return Pending(lambda: _resend(record.value(), digest))

    def reissue_start_token(self, session_id: str) -> str | None:
        """A fresh one-time start token for a session that is still open; None if it ended."""
        token = secrets.token_urlsafe(32)
        start = self.store.key("start", _digest(token))
        # One round trip: the session is read (its TTL slid, as :meth:`load` does) and the
        # token written together; a token of a session found ended is taken back.
        pipe = self.store.redis.pipeline(transaction=False)
        pipe.getex(self.store.key("session", session_id), ex=self.session_ttl)
        Store(pipe, self.store.namespace).put(start, session_id, self.start_token_ttl)
        raw, _ = pipe.execute()
        if self._unsealed(session_id, None if raw is None else json.loads(raw)) is None:
            self.store.delete(start)
            return None
        return token


def _remember(store: Store, buyer_id: str, payload_id: str, body: bytes, session_id: str) -> None:
    record = {"body": hashlib.sha256(body).hexdigest(), "session": session_id}
    store.put(store.key("resend", buyer_id, payload_id), record, SETUP_RESEND_TTL)


def _resend(record: Any, digest: str) -> Resend:
    if not isinstance(record, dict) or not isinstance(record.get("session"), str):
        return Resend(seen=False)  # none, or unreadable: a new punch-out
    same = secrets.compare_digest(str(record.get("body")), digest)
    return Resend(seen=True, session_id=record["session"] if same else None)


@dataclass(frozen=True)
class Resend:
    """A setup's payloadID seen recently: ``session_id`` is set only for an identical body."""

    seen: bool
    session_id: str | None = None

    @property
    def same_document(self) -> bool:
        return self.session_id is not None
