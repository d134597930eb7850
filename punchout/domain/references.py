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


def _signature(key: bytes, buyer_id: str, user_id: int, project_id: int) -> str:
    message = f"{buyer_id}\0{user_id}\0{project_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def _ring(key: bytes | Sequence[bytes]) -> tuple[bytes, ...]:
    """One key or a ring of keys (current first), as a ring."""
    return (key,) if isinstance(key, bytes) else tuple(key)


def make_reference(
    key: bytes | Sequence[bytes], buyer_id: str, pipo_user_id: int, project_id: int
) -> str:
    """A reference signed with ``key`` (of a ring: the current, first key)."""
    current = _ring(key)[0]
    signature = _signature(current, buyer_id, pipo_user_id, project_id)
    reference = f"{pipo_user_id}-{project_id}-{signature}"
    assert len(reference) <= MAX_LENGTH
    return reference


def read_reference(key: bytes | Sequence[bytes], buyer_id: str, text: str) -> Reference:
    """The user and project of a reference, if its signature is right for this buyer under
    ``key`` (or under any key of a ring)."""
    match = _FORM.match(text.strip())
    if not match:
        raise BadReference("not in the form of a connector reference")
    user_id, project_id, signature = int(match[1]), int(match[2]), match[3]
    matches = [
        hmac.compare_digest(signature, _signature(k, buyer_id, user_id, project_id))
        for k in _ring(key)
    ]
    if not any(matches):
        raise BadReference("the signature does not match")
    return Reference(pipo_user_id=user_id, project_id=project_id)
