"""The one cXML endpoint: ``POST /cxml``, dispatching on the request type.

Every answer is a well-formed cXML Response with a Status, whatever goes wrong: an oversized
body gets 413, an unparseable one 400 naming the problem, unknown credentials 401 (never
saying which part failed), a request type the connector does not handle 501. The HTTP status
mirrors the cXML one, as buyers' systems look at either. Refusals are raised as errors of
:mod:`punchout.errors` and answered by :mod:`punchout.web.error_answers`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Blueprint, Response, request

from punchout.domain.buyer_checks import authenticate
from punchout.domain.buyers import Buyer
from punchout.domain.identity import ANONYMOUS_USER, ProcurementUser, identify_user
from punchout.domain.sessions import Resend
from punchout.domain.setup_flow import (
    SetupIntent,
    SetupRefused,
    reopen_punchout,
    start_punchout,
)
from punchout.domain.user_directory import AccountLookup
from punchout.errors import Refusal, http_status_of
from punchout.protocol.cxml import build
from punchout.protocol.cxml.model import Credential, OrderRequest, PunchOutSetupRequest, Request
from punchout.protocol.cxml.parse import parse_xml
from punchout.protocol.cxml.read import read_request
from punchout.runtime.observability.requests_log import note
from punchout.runtime.store import Pending, Reads
from punchout.web.context import connector
from punchout.web.multipart import RelatedBody, is_related, split_related
from punchout.web.refusals import LoginRefused, TooManyFailedLogins

log = logging.getLogger(__name__)

bp = Blueprint("cxml", __name__)

CXML_CONTENT_TYPE = "text/xml; charset=UTF-8"

#: The transactions this endpoint handles, as announced in the ProfileResponse.
TRANSACTIONS = ("PunchOutSetupRequest", "OrderRequest")


def cxml_response(document: bytes, status: int) -> Response:
    response = Response(document, status=status, content_type=CXML_CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


def status_response(code: int, message: str = "") -> Response:
    """A cXML Response carrying only a Status, with the same HTTP status."""
    return cxml_response(build.response(code, message), http_status_of(code))


@bp.post("/cxml")
def cxml() -> Response:
    c = connector()
    body = request.get_data(cache=False)
    related: RelatedBody | None = None
    if is_related(request.content_type or ""):
        # Only the cXML part is decoded before the credentials are checked.
        related = split_related(request.content_type or "", body)
        body = related.document
    tree = parse_xml(body, max_bytes=c.settings.max_body_bytes)
    req = read_request(tree)
    note(document=req.kind, payload_id=req.payload_id or "")
    credential = "cxml:" + _named(req.header.from_credentials).casefold()
    address = request.remote_addr or ""
    claimed = c.registry.find_by_credentials(
        (cr.domain, cr.identity) for cr in req.header.from_credentials
    )
    # One Redis round trip before the secret is checked: the failed-login limiter and, for a
    # setup, what an earlier setup with its payloadID became and the user's account in the
    # user directory (both used only once authenticated: a refused request reads them too).
    reads = Reads(c.store.redis)
    blocked = c.auth_limiter.queue_retry_after(reads, credential, address)
    resend = _queue_resend(reads, claimed, req, body)
    setup = req.body if isinstance(req.body, PunchOutSetupRequest) else None
    user = _setup_user(claimed, setup) if claimed is not None and setup is not None else None
    account = _queue_account(reads, claimed, setup, user)
    reads.send()
    wait = blocked.value()
    if wait:
        raise TooManyFailedLogins(wait, f"cXML request from {address}: too many failed logins")
    try:
        buyer = _authenticate(req, claimed)
    except LoginRefused:
        c.auth_limiter.failed(credential, address)
        raise
    note(buyer=buyer.id)
    if req.kind == "ProfileRequest":
        return cxml_response(build.profile_response(_transactions()), 200)
    if req.kind == "PunchOutSetupRequest":
        assert setup is not None
        return _setup(buyer, req, setup, body, resend.value(), user, account)
    if req.kind == "OrderRequest":
        assert isinstance(req.body, OrderRequest)
        attachments = (
            related.attachments(max_attachment_bytes=c.settings.max_attachment_bytes)
            if related
            else []
        )
        answer = c.orders.receive(
            buyer, req.body, payload_id=req.payload_id, document=tree, attachments=attachments
        )
        return status_response(answer.code, answer.message)
    raise Refusal(501, f"{req.kind} is not supported by this supplier.")


def _transactions() -> list[tuple[str, str]]:
    c = connector()
    return [(name, c.url("/cxml")) for name in TRANSACTIONS]


def _queue_resend(reads: Reads, buyer: Buyer | None, req: Request, body: bytes) -> Pending[Resend]:
    """What an earlier setup with this setup's payloadID from ``buyer`` became, queued in
    ``reads``; nothing to read for another request, a setup without a payloadID or unknown
    credentials."""
    if req.kind != "PunchOutSetupRequest" or not req.payload_id or buyer is None:
        return Pending(lambda: Resend(seen=False))
    return connector().sessions.queue_resent_setup(reads, buyer.id, req.payload_id, body)


def _setup_user(buyer: Buyer, setup: PunchOutSetupRequest) -> ProcurementUser | None:
    """Who punches out, as ``buyer``'s identity chain finds them in ``setup``; None when the
    request does not say and the buyer needs to know."""
    user = identify_user(
        buyer.identity_chain,
        setup.extrinsics,
        contact_email=setup.contact_email,
        contact_name=setup.contact_name,
    )
    if user is None and (buyer.user_policy != "per_user" or buyer.dialect.no_user == "shared"):
        # One account for the organisation, or a guest: no user identity is needed. A system
        # that sends no user at all may be onboarded to share one account (no_user).
        user = ProcurementUser(key=ANONYMOUS_USER)
    return user


def _queue_account(
    reads: Reads,
    buyer: Buyer | None,
    setup: PunchOutSetupRequest | None,
    user: ProcurementUser | None,
) -> Pending[AccountLookup] | None:
    """The user directory's read of the account a setup logs ``user`` in to, queued in
    ``reads``; None when the setup will not log in by it (an edit or inspect that sends its
    lines back logs in as their owner) or there is nobody to look up."""
    if buyer is None or setup is None or user is None:
        return None
    if setup.operation != "create" and setup.items:
        return None
    return connector().accounts.queue_lookup(reads, buyer, user)


def _authenticate(req: Request, buyer: Buyer | None) -> Buyer:
    """``buyer``, the one whose From credential the request names, when its shared secret
    matches, in constant time; else :class:`LoginRefused`."""
    header = req.header
    secret = _shared_secret(header.sender_credentials) or _shared_secret(header.from_credentials)
    if buyer is None or "cxml" not in buyer.protocols:
        authenticate(None, secret)  # costs what a known identity costs: timing tells nothing
        raise LoginRefused(
            f"cXML request from unknown credentials {_named(header.from_credentials)}"
        )
    if not authenticate(buyer, secret, now=None):
        raise LoginRefused(f"buyer {buyer.id}: wrong or missing shared secret")
    return buyer


def _shared_secret(credentials: Sequence[Credential]) -> str:
    return next((cr.shared_secret for cr in credentials if cr.shared_secret), "")


def _named(credentials: Sequence[Credential]) -> str:
    return ", ".join(f"{cr.domain}:{cr.identity}" for cr in credentials) or "(none)"


def _setup(
    buyer: Buyer,
    req: Request,
    setup: PunchOutSetupRequest,
    body: bytes,
    resend: Resend,
    user: ProcurementUser | None,
    account: Pending[AccountLookup] | None,
) -> Response:
    c = connector()
    # A setup changes nothing a repeat could duplicate: a repeat is never refused. Jaggaer
    # sends the same payloadID on every setup and test tools a fixed one.
    if resend.session_id is not None:
        start_url = reopen_punchout(c, buyer, resend.session_id)
        if start_url is not None:
            log.info("buyer %s: setup %s re-sent; same session", buyer.id, req.payload_id)
            return cxml_response(build.punchout_setup_response(start_url), 200)
    elif resend.seen:
        log.info(
            "buyer %s: payloadID %s reused with another document; a new punch-out",
            buyer.id,
            req.payload_id,
        )
    if setup.operation not in {"create", "edit", "inspect"}:
        raise SetupRefused(501, f"The operation {setup.operation!r} is not supported.")
    if user is None:
        raise SetupRefused(
            400,
            "The request does not say who the user is: send the user's e-mail in a UserEmail "
            "extrinsic or a Contact.",
        )
    intent = SetupIntent(
        protocol="cxml",
        operation=setup.operation,
        user=user,
        return_url=setup.browser_form_post,
        return_target=setup.extrinsics.get("ReturnFrame", "") if buyer.dialect.return_frame else "",
        buyer_cookie=setup.buyer_cookie,
        buyer_credentials=tuple((cr.domain, cr.identity) for cr in req.header.from_credentials),
        supplier_credentials=tuple((cr.domain, cr.identity) for cr in req.header.to_credentials),
        returned_lines=setup.items,
        account=account,
    )
    # The session and the note of the setup that opened it: one Redis round trip.
    remember = (req.payload_id, body) if req.payload_id else None
    start_url = start_punchout(c, buyer, intent, setup=remember)
    return cxml_response(build.punchout_setup_response(start_url), 200)
