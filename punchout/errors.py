"""The one error tree: every failure a buyer is answered about carries its own answer.

Each :class:`ConnectorError` knows the cXML Status code it is answered with (cXML User's
Guide, "Status": 2xx success, 4xx the request's fault, 5xx the supplier's; the HTTP status
mirrors it, except 560, which HTTP does not know and answers 503), the text a buyer may see
(safe to show, saying what to do), and the text for the operator's log (may carry detail,
never a secret). The web layer renders it once per protocol
(:mod:`punchout.web.error_answers`): a cXML Response with that Status for ``/cxml``, a
readable page for the OCI call-up and the browser pages. Code that raises an error never
builds an answer itself.

::

    ConnectorError                  an unexpected failure: 500, "try again later"
    ├── Refusal                     the request cannot be served as sent: its message is
    │   │                           the buyer's text (4xx, or 5xx when the supplier's side
    │   │                           refuses)
    │   ├── SetupRefused            a punch-out setup (punchout.domain.setup_flow)
    │   ├── Refused                 a purchase order's line (punchout.domain.orders)
    │   ├── LoginRefused            unknown credentials (punchout.web.refusals)
    │   ├── TooManyFailedLogins     failed logins rate-limited (punchout.web.refusals)
    │   ├── MalformedDocument, PayloadTooLarge, InvalidRequest     (punchout.protocol.cxml)
    │   └── BadMultipart, AttachmentTooLarge                      (punchout.web.multipart)
    ├── IdentityError               no storefront account for the user (punchout.domain.identity)
    ├── Postponed, Uncertain        a purchase order not done yet (punchout.domain.orders)
    ├── PrintNowError (+ its tree)  PrintNow refused, failed or was not reached
    ├── StoreUnavailable            Redis down or failing        (punchout.web.error_answers)
    ├── HttpProblem                 404, 405, 413 before a view  (punchout.web.error_answers)
    └── RegistryError, PriceBookError   a configuration file that cannot be read

This module imports nothing, so every layer, the pure protocol core included, may raise
from the tree.
"""

from __future__ import annotations

from typing import Literal

#: What a person can do about an error: try again later (an outage, a slow storefront),
#: ask their administrator (a configuration the supplier or buyer must fix), or start the
#: punch-out again from the procurement system (an expired link or session).
NextStep = Literal["retry", "admin", "restart", ""]

#: A failure nobody foresaw, as a person reads it on a page.
UNEXPECTED = (
    "The punch-out could not continue. Please try again; if it keeps happening, contact the "
    "supplier."
)
#: The same, as a procurement system's administrator reads it in a cXML Status.
UNEXPECTED_CXML = "The supplier could not process the request; please try again later."

#: The message for a configuration problem, on pages and in cXML Status texts.
MISCONFIGURED = (
    "The print storefront set up for your organisation cannot be opened: this is a "
    "configuration problem at the supplier, so trying again will not help. Please ask your "
    "administrator to contact the supplier."
)


def http_status_of(code: int) -> int:
    """The HTTP status that mirrors a cXML Status code (560, unknown to HTTP, is 503)."""
    return code if 200 <= code < 600 and code != 560 else 503


class ConnectorError(Exception):
    """A failure with its answer. ``str(error)`` is the exception's message; who may read it
    is the subclass's decision (:attr:`public_text`)."""

    #: The cXML Status code of the answer.
    code: int = 500
    #: The HTTP status of a page, when it is not the one mirroring :attr:`code`.
    page_status: int | None = None
    #: The heading of the page that shows the error.
    title: str = "Something went wrong"
    #: The buyer's text; None when the message itself is written for the buyer.
    public_text: str | None = UNEXPECTED
    #: The text of a cXML Status, when a procurement system's administrator needs other
    #: words than the person reading a page; None: the buyer's text.
    cxml_public_text: str | None = UNEXPECTED_CXML
    #: What the person can do next; "" lets the page choose by the status.
    next_step: NextStep = ""
    #: Seconds after which a retry may succeed (the Retry-After header); 0: not said.
    retry_after: float = 0

    def __init__(self, message: str = "", *, reason: str = "") -> None:
        super().__init__(message)
        self._reason = reason

    @property
    def buyer_text(self) -> str:
        """What the buyer's user may read on a page: safe to show, saying what to do."""
        return self.public_text if self.public_text is not None else str(self)

    @property
    def cxml_text(self) -> str:
        """The text of the cXML Status."""
        return self.cxml_public_text if self.cxml_public_text is not None else self.buyer_text

    @property
    def log_text(self) -> str:
        """What the operator's log says: the detail, never a secret."""
        return self._reason or str(self)

    @property
    def http_status(self) -> int:
        """The HTTP status of a page showing the error (a cXML answer mirrors :attr:`code`)."""
        return self.page_status or http_status_of(self.code)


class Refusal(ConnectorError):
    """The request cannot be served as sent. ``message`` is for the buyer and names what to
    fix; ``reason`` (default: the message) is for the operator's log."""

    title = "The request was refused"
    public_text: str | None = None
    cxml_public_text: str | None = None

    def __init__(self, code: int, message: str, reason: str = "", *, title: str = "") -> None:
        super().__init__(message, reason=reason)
        self.code = code
        self.message = message
        if title:
            self.title = title

    @property
    def reason(self) -> str:
        return self.log_text
