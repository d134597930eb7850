"""The one cXML endpoint: ``POST /cxml``, dispatching on the request type.

Every answer is a well-formed cXML Response with a Status, whatever goes wrong: an oversized
body gets 413, an unparseable one 400 naming the problem, unknown credentials 401 (never
saying which part failed), a request type the connector does not handle 501. The HTTP status
mirrors the cXML one, as buyers' systems look at either.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Blueprint, Response, current_app, request

from punchout.domain.buyers import Buyer, authenticate
from punchout.domain.identity import ANONYMOUS_USER, ProcurementUser, identify_user
from punchout.domain.orders import OrderDesk
from punchout.domain.sessions import Resend
from punchout.domain.setup_flow import (
    ReturnedLine,
    SetupIntent,
    SetupRefused,
    reopen_punchout,
    start_punchout,
)
from punchout.protocol.cxml import build
from punchout.protocol.cxml.model import Credential, OrderRequest, PunchOutSetupRequest, Request
from punchout.protocol.cxml.parse import MalformedDocument, PayloadTooLarge, parse_xml
from punchout.protocol.cxml.read import InvalidRequest, read_request
from punchout.runtime.observability.requests_log import note
from punchout.web.context import auth_limiter, connector
from punchout.web.multipart import (
    AttachmentTooLarge,
    BadMultipart,
    RelatedBody,
    is_related,
    split_related,
)

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
    http = code if 200 <= code < 600 and code != 560 else 503
    return cxml_response(build.response(code, message), http)


@bp.post("/cxml")
def cxml() -> Response:
    c = connector()
    body = request.get_data(cache=False)
    related: RelatedBody | None = None
    try:
        if is_related(request.content_type or ""):
            # Only the cXML part is decoded before the credentials are checked.
            related = split_related(request.content_type or "", body)
            body = related.document
        root = parse_xml(body, max_bytes=c.settings.max_body_bytes)
        req = read_request(root)
    except PayloadTooLarge:
        log.warning("cXML request refused: body of %d bytes is too large", len(body))
        return status_response(413, "The document is larger than this endpoint accepts.")
    except (MalformedDocument, InvalidRequest, BadMultipart) as exc:
        log.warning("cXML request refused: %s", exc)
        return status_response(400, str(exc))
    note(document=req.kind, payload_id=req.payload_id or "")
    credential = "cxml:" + _named(req.header.from_credentials).casefold()
    address = request.remote_addr or ""
    wait = auth_limiter().retry_after(credential, address)
    if wait:
        log.warning("cXML request from %s refused: too many failed logins", address)
        response = status_response(429, "Too many failed logins; try again later.")
        response.headers["Retry-After"] = str(wait)
        return response
    buyer = _authenticate(req)
    if buyer is None:
        auth_limiter().failed(credential, address)
        return status_response(401, "The credentials were not recognised.")
    note(buyer=buyer.id)
    if req.kind == "ProfileRequest":
        return cxml_response(build.profile_response(_transactions()), 200)
    if req.kind == "PunchOutSetupRequest":
        assert isinstance(req.body, PunchOutSetupRequest)
        return _setup(buyer, req, req.body, body)
    if req.kind == "OrderRequest":
        assert isinstance(req.body, OrderRequest)
        try:
            attachments = (
                related.attachments(max_attachment_bytes=c.settings.max_attachment_bytes)
                if related
                else []
            )
        except AttachmentTooLarge as exc:
            log.warning("buyer %s: cXML request refused: %s", buyer.id, exc)
            return status_response(413, str(exc).capitalize() + ".")
        except BadMultipart as exc:
            log.warning("buyer %s: cXML request refused: %s", buyer.id, exc)
            return status_response(400, str(exc))
        desk: OrderDesk = current_app.extensions["punchout.domain.orders"]
        answer = desk.receive(
            buyer, req.body, payload_id=req.payload_id, document=body, attachments=attachments
        )
        return status_response(answer.code, answer.message)
    log.info("buyer %s: %s is not supported", buyer.id, req.kind)
    return status_response(501, f"{req.kind} is not supported by this supplier.")


def _transactions() -> list[tuple[str, str]]:
    c = connector()
    return [(name, c.url("/cxml")) for name in TRANSACTIONS]


def _authenticate(req: Request) -> Buyer | None:
    """The buyer whose From credential and shared secret match, in constant time."""
    c = connector()
    header = req.header
    buyer = c.registry.find_by_credentials(
        (cr.domain, cr.identity) for cr in header.from_credentials
    )
    secret = _shared_secret(header.sender_credentials) or _shared_secret(header.from_credentials)
    if buyer is None or "cxml" not in buyer.protocols:
        authenticate(None, secret)  # costs what a known identity costs: timing tells nothing
        log.warning("cXML request from unknown credentials %s", _named(header.from_credentials))
        return None
    if not authenticate(buyer, secret, now=None):
        log.warning("buyer %s: wrong or missing shared secret", buyer.id)
        return None
    return buyer


def _shared_secret(credentials: Sequence[Credential]) -> str:
    return next((cr.shared_secret for cr in credentials if cr.shared_secret), "")


def _named(credentials: Sequence[Credential]) -> str:
    return ", ".join(f"{cr.domain}:{cr.identity}" for cr in credentials) or "(none)"


def _setup(buyer: Buyer, req: Request, setup: PunchOutSetupRequest, body: bytes) -> Response:
    c = connector()
    # A setup changes nothing a repeat could duplicate: a repeat is never refused. Jaggaer
    # sends the same payloadID on every setup and test tools a fixed one.
    resend = (
        c.sessions.resent_setup(buyer.id, req.payload_id, body)
        if req.payload_id
        else Resend(seen=False)
    )
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
        return status_response(501, f"The operation {setup.operation!r} is not supported.")
    buyer_conf = buyer
    user = identify_user(
        buyer_conf.identity_chain,
        setup.extrinsics,
        contact_email=setup.contact_email,
        contact_name=setup.contact_name,
    )
    if user is None and (buyer.user_policy != "per_user" or buyer.dialect.no_user == "shared"):
        # One account for the organisation, or a guest: no user identity is needed. A system
        # that sends no user at all may be onboarded to share one account (no_user).
        user = ProcurementUser(key=ANONYMOUS_USER)
    if user is None:
        return status_response(
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
        returned_lines=[
            ReturnedLine(
                line_number=item.line_number or n,
                supplier_part_id=item.supplier_part_id,
                supplier_part_auxiliary_id=item.supplier_part_auxiliary_id,
                quantity=str(item.quantity),
            )
            for n, item in enumerate(setup.items, start=1)
        ],
    )
    try:
        # The session and the note of the setup that opened it: one Redis round trip.
        remember = (req.payload_id, body) if req.payload_id else None
        start_url = start_punchout(c, buyer, intent, setup=remember)
    except SetupRefused as exc:
        log.warning("buyer %s: setup refused (%d): %s", buyer.id, exc.status, exc.reason)
        return status_response(exc.status, exc.message)
    return cxml_response(build.punchout_setup_response(start_url), 200)
