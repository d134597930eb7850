"""What a buyer is allowed: its credentials (the cXML SharedSecret, the OCI catalog password)
and the return URLs its carts may be posted to. The buyer's record and the registry it is
read from are :mod:`punchout.domain.buyers`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from punchout.domain.buyers import Buyer
from punchout.domain.keys import DUMMY_HASH, verify_secret
from punchout.protocol.return_url import ReturnUrlRefused, check_return_url

#: What Coupa sends when no shared secret is configured (Coupa's "Configure
#: Punchouts" documentation): never a valid secret.
PLACEHOLDER_SECRETS = frozenset({"", "none", "null"})
#: Which stored secrets a credential is checked against: the cXML SharedSecret or the OCI
#: catalog password. Each is accepted only where it belongs.
SECRET_KINDS = ("cxml", "oci")


def authenticate(
    buyer: Buyer | None, secret: str, now: datetime | None = None, *, kind: str = "cxml"
) -> bool:
    """Whether ``secret`` is one of the buyer's current secrets of ``kind`` (hashed, constant
    time): the cXML SharedSecret (``cxml``) or the OCI catalog password (``oci``).

    A missing buyer, a disabled one, a placeholder secret (Coupa's ``none``), a buyer without
    a current secret and a wrong secret all answer False alike, and each costs the same: at
    least one scrypt check runs in every case (against a dummy hash of the same parameters
    when there is nothing real to check), so timing does not tell which identities exist.
    """
    if kind not in SECRET_KINDS:
        raise ValueError(f"unknown secret kind {kind!r}")
    now = now or datetime.now(UTC)
    stored = (buyer.secrets if kind == "cxml" else buyer.oci_secrets) if buyer else ()
    presented = secret.strip()
    usable = buyer is not None and buyer.enabled and presented.lower() not in PLACEHOLDER_SECRETS
    candidates = [s.hash for s in stored if s.valid_at(now)] if usable else []
    if not candidates:
        verify_secret(presented, DUMMY_HASH)
        return False
    return any([verify_secret(presented, hashed) for hashed in candidates])


def return_host_allowed(buyer: Buyer, url: str) -> bool:
    """Whether carts may go to ``url`` as a browser reads it (see return_url)."""
    return approved_return_url(buyer, url) is not None


def approved_return_url(buyer: Buyer, url: str) -> str | None:
    """The normalised URL carts may be posted to, or None when ``url`` is not allowed."""
    try:
        return check_return_url(url, buyer.return_hosts, allow_http=buyer.allow_http_return)
    except ReturnUrlRefused:
        return None
