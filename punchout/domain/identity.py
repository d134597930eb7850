"""Who the procurement user is, and the PIPO login the connector holds for them.

Who the user is comes from the buyer's setup request, through the buyer's fallback chain of
extrinsics and Contact fields (cXML User's Guide, "PunchOutSetupRequest": its Extrinsic
elements and Contact): :func:`identify_user`. Every identifier becomes the user directory's
key through one function, :func:`user_key`. Which PIPO account the user gets is
:mod:`punchout.domain.accounts`' business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from punchout.domain.buyers import Buyer
from punchout.errors import ConnectorError

#: The identity used for the one account of a ``shared`` buyer.
SHARED_USER_KEY = "*shared*"
#: The user of a request that names none (accepted for shared and guest buyers only).
ANONYMOUS_USER = "*anonymous*"


def user_key(identifier: str) -> str:
    """The key of a procurement user's identifier (an e-mail address, a user name): trimmed,
    and lower-cased when it is an e-mail address, so one address in any case is one user.

    Derived account names depend on this key: changing it would move every user to a new
    storefront account.
    """
    identifier = identifier.strip()
    return identifier.lower() if "@" in identifier else identifier


class IdentityError(ConnectorError):
    """The procurement user cannot be mapped to a PIPO account: only the supplier can fix it.

    ``message`` is safe to show the buyer and the user; ``reason`` is for the operator's log.
    """

    code = 409
    title = "Your storefront account needs the supplier"
    public_text = None
    cxml_public_text = None
    next_step = "admin"

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message, reason=reason)
        self.message = message

    @property
    def reason(self) -> str:
        return self.log_text


@dataclass(frozen=True)
class ProcurementUser:
    """The person punching out, as the buyer's system describes them."""

    key: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class PipoLogin:
    """A logged-in PIPO session for a procurement user."""

    token: str
    user_id: int
    is_temp: bool

    def __repr__(self) -> str:  # the token is a credential
        return f"PipoLogin(user_id={self.user_id}, is_temp={self.is_temp})"


def identify_user(
    chain: Sequence[str],
    extrinsics: Mapping[str, str],
    contact_email: str = "",
    contact_name: str = "",
) -> ProcurementUser | None:
    """Find the procurement user through ``chain`` (e.g. ``extrinsic:UserEmail``).

    Extrinsic names match case-insensitively. The first non-empty source, as :func:`user_key`
    makes it, is the user's key. Returns None when no source has a value.
    """
    lowered = {name.lower(): value.strip() for name, value in extrinsics.items()}
    sources = {"contact:email": contact_email.strip(), "contact:name": contact_name.strip()}
    key = ""
    for source in chain:
        kind, _, name = source.partition(":")
        value = lowered.get(name.lower(), "") if kind == "extrinsic" else sources.get(source, "")
        if value:
            key = user_key(value)
            break
    if not key:
        return None
    email = next(
        (v for v in (lowered.get("useremail", ""), contact_email.strip()) if "@" in v),
        key if "@" in key else "",
    )
    first = lowered.get("firstname", "")
    last = lowered.get("lastname", "")
    if not (first or last) and contact_name.strip():
        first, _, last = contact_name.strip().partition(" ")
    return ProcurementUser(key=key, email=user_key(email), first_name=first, last_name=last)


def account_key(buyer: Buyer, user: ProcurementUser) -> str:
    """The key of the account ``user`` works in: their own, or the buyer's one ``shared``."""
    return SHARED_USER_KEY if buyer.user_policy == "shared" else user.key
