"""One exception tree for everything PrintNow can answer.

Every error keeps the HTTP ``status`` (``None`` when no answer came) and PrintNow's own
``message``. The texts never carry a password, a session token or an API key: the client
builds them only from the status, the server's message and the endpoint path.

In the connector's error tree (:mod:`punchout.errors`) a PrintNow error that reaches a buyer
is an outage (no answer, or 5xx: try again later, 503) or a configuration only the supplier
can fix (any other refusal: a page answers 502, a cXML Status 500); the text is for the log.
"""

from __future__ import annotations

from punchout.errors import MISCONFIGURED, ConnectorError

#: A PrintNow outage, as the person reads it on a page.
STOREFRONT_DOWN = (
    "The print storefront is not answering right now. Your designs are safe; please try "
    "again in a few minutes."
)
#: The same, in a cXML Status.
STOREFRONT_DOWN_CXML = (
    "The print storefront is not answering right now; please try again in a few minutes."
)


class PrintNowError(ConnectorError):
    """PrintNow refused, failed or could not be reached."""

    def __init__(self, status: int | None, message: str, *, endpoint: str = ""):
        self.status = status
        self.message = message
        self.endpoint = endpoint
        where = f" on {endpoint}" if endpoint else ""
        code = f"HTTP {status}" if status is not None else "no answer"
        super().__init__(f"PrintNow {code}{where}: {message}")
        if self.is_outage:
            self.code, self.title, self.next_step = 503, "The storefront is unavailable", "retry"
            self.public_text, self.cxml_public_text = STOREFRONT_DOWN, STOREFRONT_DOWN_CXML
        else:
            self.code, self.page_status = 500, 502
            self.title, self.next_step = "The storefront cannot be opened", "admin"
            self.public_text = self.cxml_public_text = MISCONFIGURED

    @property
    def is_outage(self) -> bool:
        """True when PrintNow did not answer or failed on its side (5xx): trying later can
        help; otherwise a configuration must be fixed."""
        return self.status is None or self.status >= 500


class BadRequest(PrintNowError):
    """400: PrintNow rejected the request's content."""


class AuthenticationFailed(PrintNowError):
    """401: the user name or password of a login is wrong."""


class ApiCredentialsRejected(AuthenticationFailed):
    """401 on Basic Auth: the connector's API token or key is wrong (an operator problem)."""


class Forbidden(PrintNowError):
    """403."""


class TokenInvalid(Forbidden):
    """403 on a call with a session token, other than the documented transfer messages: the
    X-PN-TOKEN session is gone; log in again. PIPO documents only the status for an expired
    token ("returns 403 Forbidden"), so no wording is relied on."""


class NotTemporary(Forbidden):
    """403 "current user is not temporary" (convert or transfer of a permanent user)."""


class UserIsTemporary(Forbidden):
    """403 "current user is temporary" (only permanent users may update their profile)."""


class UnknownUsername(Forbidden):
    """403 "username does not exist" (transfer to an account that is not there)."""


class WrongPassword(Forbidden):
    """403 "password is incorrect" (transfer with the wrong destination password)."""


class NotFound(PrintNowError):
    """404: no such project, order, item, customer or storefront (or not this user's)."""


class Conflict(PrintNowError):
    """409."""


class DuplicateUserName(Conflict):
    """409 naming the user name ("duplicate user name"). PrintNow may check the e-mail first,
    so a taken user name can also show as :class:`DuplicateEmail` or a bare :class:`Conflict`."""


class DuplicateEmail(Conflict):
    """409 "duplicate email": someone already has a storefront account with that email."""


class NotReady(Conflict):
    """409 on a download: the print files are still being merged; ``retry_after`` seconds."""

    def __init__(self, status: int | None, message: str, *, endpoint: str = "", retry_after: float):
        super().__init__(status, message, endpoint=endpoint)
        self.retry_after = retry_after


class ServerError(PrintNowError):
    """5xx: PrintNow failed."""


class PrintNowTimeout(PrintNowError):
    """PrintNow did not answer within the timeout."""


class PrintNowConnectionError(PrintNowError):
    """PrintNow could not be reached, or dropped the connection."""


class NotSent(PrintNowError):
    """The call was not made: the caller's time budget had run out (nothing reached PrintNow)."""


class UnexpectedResponse(PrintNowError):
    """An answer that is not what the API documents (an HTML page, a non-JSON body)."""


#: 403 messages PrintNow documents (PIPO: POST /user/transfer), each with its own class,
#: compared in lower case without a final full stop.
FORBIDDEN_MESSAGES: dict[str, type[Forbidden]] = {
    "token is invalid or expired": TokenInvalid,
    "current user is not temporary": NotTemporary,
    "current user is temporary": UserIsTemporary,
    "username does not exist": UnknownUsername,
    "password is incorrect": WrongPassword,
}
