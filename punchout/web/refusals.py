"""The web layer's own refusals: logins not accepted, or paused after too many failures.

Both name nothing that would help a guesser (which part of a login failed, whether the buyer
exists). The cXML Status speaks to the procurement system's administrator, the OCI page to
the SAP user in front of it.
"""

from __future__ import annotations

from punchout.errors import Refusal

LOGIN_REFUSED = (
    "The catalog login was not accepted. Please ask your SAP administrator to check the "
    "catalog's settings, or contact the supplier."
)

TOO_MANY = (
    "The catalog login failed too many times, so it is paused for a while. Please try again "
    "later; if it keeps happening, ask your SAP administrator to check the catalog's password."
)


class LoginRefused(Refusal):
    """Unknown credentials or a wrong secret: 401, never saying which."""

    title = "Catalog login not accepted"
    public_text = LOGIN_REFUSED
    cxml_public_text = "The credentials were not recognised."

    def __init__(self, reason: str) -> None:
        super().__init__(401, "login refused", reason)


class TooManyFailedLogins(Refusal):
    """A credential and address blocked by the failed-login limits: 429 with Retry-After."""

    title = "Too many failed logins"
    public_text = TOO_MANY
    cxml_public_text = "Too many failed logins; try again later."

    def __init__(self, retry_after: int, reason: str) -> None:
        super().__init__(429, "too many failed logins", reason)
        self.retry_after = retry_after
