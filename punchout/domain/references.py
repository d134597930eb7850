"""Signed references: the SupplierPartAuxiliaryID (cXML) or EXT_PRODUCT_ID (OCI) of a line.

A reference names the PIPO user and project behind a cart line and carries an HMAC over
them and the buyer, so a buyer cannot point an order at someone else's design and a typo is
caught. It is at most 40 characters of ``[A-Za-z0-9-]`` (OCI's EXT_PRODUCT_ID length; no
characters Ariba refuses): ``<user id>-<project id>-<16 hex signature>``.

The signature covers the buyer, not the procurement user: a purchase order legitimately
carries lines of several users of one buyer. Who may reopen a line (edit, inspect, OCI
DETAIL) is decided by the user directory (:meth:`punchout.domain.accounts.Accounts.owns`).

Keys come as a ring (the current key first, then the previous ones of a master-key
rotation): a reference is signed with the current key and verifies with any key of the ring,
so references issued before a rotation keep working until the old key is retired.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_LENGTH = 40
_FORM = re.compile(r"^(\d{1,11})-(\d{1,11})-([0-9a-f]{16})$")


class BadReference(ValueError):
    """Not a reference this connector signed for this buyer."""


@dataclass(frozen=True)
class Reference:
    pipo_user_id: int
    project_id: int


def _keyed(key: bytes, buyer_id: str) -> hmac.HMAC:
    """The HMAC-SHA256 state of ``key`` with the buyer fed in: the part shared by every
    reference of the buyer (RFC 2104: the key is padded and hashed in before the message)."""
    return hmac.new(key, f"{buyer_id}\0".encode(), hashlib.sha256)


def _signature(keyed: hmac.HMAC, user_id: int, project_id: int) -> str:
    """The signature of a user's project: the HMAC of ``buyer \0 user \0 project``, cut."""
    mac = keyed.copy()
    mac.update(f"{user_id}\0{project_id}".encode())
    return mac.hexdigest()[:16]


def _ring(key: bytes | Sequence[bytes]) -> tuple[bytes, ...]:
    """One key or a ring of keys (current first), as a ring."""
    return (key,) if isinstance(key, bytes) else tuple(key)


def make_reference(
    key: bytes | Sequence[bytes], buyer_id: str, pipo_user_id: int, project_id: int
) -> str:
    """A reference signed with ``key`` (of a ring: the current, first key)."""
    return ReferenceSigner(key, buyer_id).sign(pipo_user_id, project_id)


class ReferenceSigner:
    """:func:`make_reference` for the many lines of one buyer's cart: the keyed HMAC state of
    the current key, with the buyer fed in, is made once and copied for each reference."""

    def __init__(self, key: bytes | Sequence[bytes], buyer_id: str) -> None:
        self._keyed = _keyed(_ring(key)[0], buyer_id)

    def sign(self, pipo_user_id: int, project_id: int) -> str:
        """The reference of a user's project."""
        signature = _signature(self._keyed, pipo_user_id, project_id)
        reference = f"{pipo_user_id}-{project_id}-{signature}"
        assert len(reference) <= MAX_LENGTH
        return reference


def read_reference(key: bytes | Sequence[bytes], buyer_id: str, text: str) -> Reference:
    """The user and project of a reference, if its signature is right for this buyer under
    ``key`` (or under any key of a ring)."""
    return ReferenceReader(key, buyer_id).read(text)


class ReferenceReader:
    """:func:`read_reference` for the many references of one buyer (the lines of a PO): the
    keyed HMAC state of each key of the ring, with the buyer fed in, is made once and copied
    for each reference."""

    def __init__(self, key: bytes | Sequence[bytes], buyer_id: str) -> None:
        self._keyed = tuple(_keyed(k, buyer_id) for k in _ring(key))

    def read(self, text: str) -> Reference:
        """The user and project of ``text``, or :class:`BadReference`."""
        match = _FORM.match(text.strip())
        if not match:
            raise BadReference("not in the form of a connector reference")
        user_id, project_id, signature = int(match[1]), int(match[2]), match[3]
        matches = [
            hmac.compare_digest(signature, _signature(keyed, user_id, project_id))
            for keyed in self._keyed
        ]
        if not any(matches):
            raise BadReference("the signature does not match")
        return Reference(pipo_user_id=user_id, project_id=project_id)
