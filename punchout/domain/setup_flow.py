"""A punch-out setup, from the buyer's request to a one-time StartPage URL.

Protocol-neutral: the cXML endpoint and the OCI login both describe the request as a
:class:`SetupIntent` and get back the URL to open, or a :class:`SetupRefused` (an error of
:mod:`punchout.errors`) whose status and message go back to the buyer, rendered by the
protocol's error answer (and whose reason goes to the operator's log).

For ``edit`` and ``inspect`` the buyer sends back the cart's lines. Each line's
SupplierPartAuxiliaryID must be a reference this connector signed for this buyer, and its
PIPO user must be the one the requesting procurement user maps to (the user directory says
whose it is; a ``shared`` buyer's users share one account on purpose): a colleague's line is
refused, so nobody is ever logged in as another user's storefront account. The lines resolve
to their projects, and the session is restored with them.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from punchout.domain.buyer_checks import approved_return_url
from punchout.domain.buyers import Buyer
from punchout.domain.identity import IdentityError, PipoLogin, ProcurementUser
from punchout.domain.references import BadReference, read_reference
from punchout.domain.sessions import PunchoutSession, RestoredItem, new_session_id
from punchout.domain.user_directory import AccountLookup
from punchout.errors import Refusal
from punchout.printnow import PrintNowError
from punchout.protocol.cxml.model import SetupItem
from punchout.runtime.connector import Connector
from punchout.runtime.store import Pending

log = logging.getLogger(__name__)


class SetupRefused(Refusal):
    """The setup cannot go ahead. ``status`` follows cXML (and HTTP) status codes."""

    title = "The punch-out could not start"

    @property
    def status(self) -> int:
        return self.code


@dataclass(frozen=True)
class SetupIntent:
    """A punch-out setup, whichever protocol it came by."""

    protocol: str  # "cxml" or "oci"
    operation: str  # "create", "edit" or "inspect"
    user: ProcurementUser
    return_url: str
    return_target: str = ""
    buyer_cookie: str = ""
    buyer_credentials: tuple[tuple[str, str], ...] = ()
    supplier_credentials: tuple[tuple[str, str], ...] = ()
    returned_lines: Sequence[SetupItem] = ()
    """The cart's lines the buyer sent back for edit or inspect (cXML ItemOut)."""
    extra: dict[str, str] = field(default_factory=dict)
    account: Pending[AccountLookup] | None = None
    """The user directory's read of the user's account, queued with the request's reads
    before the buyer was authenticated (:meth:`Accounts.queue_lookup`); None: read when
    needed."""


def start_punchout(
    c: Connector,
    buyer: Buyer,
    intent: SetupIntent,
    *,
    setup: tuple[str, bytes] | None = None,
) -> str:
    """Open a punch-out session; return its StartPage URL.

    ``setup``: the request's (payloadID, document), noted with the session so that an
    identical re-send reopens it (:meth:`SessionStore.open`)."""
    if intent.operation not in buyer.operations:
        raise SetupRefused(
            403,
            f"The operation {intent.operation!r} is not enabled for your organisation.",
            f"buyer {buyer.id}: operation {intent.operation} not allowed",
        )
    if not intent.return_url:
        raise SetupRefused(400, "The request has no return URL (BrowserFormPost) for the cart.")
    # The cart goes to the URL as a browser reads it, normalised, never to the raw text.
    return_url = approved_return_url(buyer, intent.return_url)
    if return_url is None:
        raise SetupRefused(
            403,
            "The return URL's host is not registered for your organisation; ask the supplier "
            "to add it.",
            f"buyer {buyer.id}: return URL host not allowed: {intent.return_url!r}",
        )
    try:
        login, restored = _login(c, buyer, intent)
    except IdentityError as exc:
        raise SetupRefused(403, exc.message, exc.reason) from exc
    except PrintNowError as exc:
        # An outage is "try later" (503); an unknown storefront or refused credentials are a
        # configuration to fix (500): the PrintNow error knows which, and its words.
        failed = "failed during" if exc.is_outage else "refused"
        raise SetupRefused(
            exc.code, exc.cxml_text, f"buyer {buyer.id}: PrintNow {failed} the setup: {exc}"
        ) from exc
    session = PunchoutSession(
        id=new_session_id(),
        buyer_id=buyer.id,
        protocol=intent.protocol,
        operation=intent.operation,
        user_key=intent.user.key,
        customer_id=login.user_id,
        is_temp=login.is_temp,
        pipo_token=login.token,
        return_url=return_url,
        return_target=intent.return_target,
        buyer_cookie=intent.buyer_cookie,
        storefront_id=buyer.storefront_id,
        restored_items=restored,
        user_email=intent.user.email,
        user_first_name=intent.user.first_name,
        user_last_name=intent.user.last_name,
        buyer_credentials=intent.buyer_credentials,
        supplier_credentials=intent.supplier_credentials,
        form_token=secrets.token_urlsafe(24),
        extra=dict(intent.extra),
    )
    token = c.sessions.open(session, setup=setup)
    log.info(
        "buyer %s: %s punch-out session %s for PIPO user %s%s",
        buyer.id,
        intent.operation,
        session.id[:8],
        login.user_id,
        " (temporary)" if login.is_temp else "",
    )
    return c.url(f"/start/{token}")


def reopen_punchout(c: Connector, buyer: Buyer, session_id: str) -> str | None:
    """A fresh one-time StartPage URL for a session still open; None when it has ended."""
    token = c.sessions.reissue_start_token(session_id)
    if token is None:
        return None
    log.info("buyer %s: session %s reopened with a new StartPage", buyer.id, session_id[:8])
    return c.url(f"/start/{token}")


def _login(
    c: Connector, buyer: Buyer, intent: SetupIntent
) -> tuple[PipoLogin, tuple[RestoredItem, ...]]:
    """The PIPO login for the session, and the lines restored for edit and inspect."""
    if intent.operation == "create" or not intent.returned_lines:
        looked_up = intent.account.value() if intent.account is not None else None
        return c.accounts.start(buyer, intent.user, looked_up), ()
    users: set[int] = set()
    restored = []
    for n, line in enumerate(intent.returned_lines, start=1):
        number = line.line_number or n
        try:
            ref = read_reference(c.reference_key, buyer.id, line.supplier_part_auxiliary_id)
        except BadReference as exc:
            raise SetupRefused(
                400,
                f"Line {number} ({line.supplier_part_id}) was not issued by this "
                "supplier or was altered; it cannot be restored.",
                f"buyer {buyer.id}: bad reference on line {number}: {exc}",
            ) from exc
        if not c.accounts.owns(buyer, intent.user, ref.pipo_user_id):
            raise SetupRefused(
                403,
                f"Line {number} ({line.supplier_part_id}) belongs to another user's "
                "storefront account; only its owner can reopen it.",
                f"buyer {buyer.id}: line {number} names PrintNow user "
                f"{ref.pipo_user_id}, who is not the requesting user",
            )
        users.add(ref.pipo_user_id)
        restored.append(
            RestoredItem(
                project_id=ref.project_id,
                quantity=str(line.quantity),
                supplier_part_id=line.supplier_part_id,
                reference=line.supplier_part_auxiliary_id,
            )
        )
    if len(users) > 1:
        raise SetupRefused(
            400,
            "The cart's lines belong to different storefront users and cannot be opened together.",
        )
    (user_id,) = users
    return c.accounts.login_as(buyer, user_id), tuple(restored)
