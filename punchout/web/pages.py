"""The browser side of a punch-out: StartPage, cart review and the cart's trip back.

``GET /start/<token>`` redeems the one-time StartPage token, binds the browser to the session
(:mod:`punchout.web.binding`) and sends it on to the storefront. The storefront sends the user
back to ``/cart/<session>``, where they pick the designs to return. ``POST /cart/<session>``
deletes a design, returns the cart or cancels; the cart leaves as an auto-submitting form to
the buyer's BrowserFormPost URL (cXML) or HOOK_URL (OCI).
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import quote

from flask import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from punchout.domain.cart_flow import (
    Delivery,
    OpenCart,
    Picks,
    Review,
    list_projects,
    note_existing_designs,
    return_cart,
    return_original,
    with_login,
)
from punchout.domain.sessions import PunchoutSession
from punchout.printnow import Project
from punchout.runtime.connector import Connector
from punchout.web import branding
from punchout.web.cart_rows import Typed, cart_rows
from punchout.web.context import BUYER_DISABLED, connector, page, serving
from punchout.web.delivery import form_page

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)

bp.app_context_processor(branding.brand_context)
bp.get("/brand.css")(branding.brand_css)


@bp.get("/start/<token>")
def start(token: str) -> BaseResponse:
    c = connector()
    session_id = c.sessions.redeem_start_token(token)
    session = c.sessions.load(session_id) if session_id else None
    if session is None:
        log.info("start page refused: unknown, used or expired token")
        return page(
            "This punch-out link has expired",
            "Punch-out links work once and only for a few minutes. Please go back to your "
            "procurement system and start the punch-out again.",
            status=410,
        )
    buyer = c.buyer(session.buyer_id)
    if buyer is None or not buyer.enabled:
        c.sessions.end(session.id)
        c.end_pipo_session(session.pipo_token)
        return page(*BUYER_DISABLED, status=403)
    serving(buyer)
    if session.operation == "inspect":
        target = c.url(f"/cart/{session.id}")
    else:
        if not session.projects_seen:
            # The designs that exist before the user starts: the others are this session's.
            opened = OpenCart(session, buyer)
            # The session may have waited hours: its PIPO token is renewed if needed. A
            # PrintNow or identity failure is answered by its own page (punchout.errors).
            note_existing_designs(c, opened)
            session = opened.session
        target = storefront_url(c, session)
    response = redirect(target, code=303)
    c.binding.bind(request, response, session.id)
    log.info(
        "session %s started (buyer %s, %s)", session.id[:8], session.buyer_id, session.operation
    )
    return response


def storefront_url(c: Connector, session: PunchoutSession) -> str:
    """Where the user designs: the configured template, filled in and URL-encoded.

    It carries only what the storefront needs: the PIPO token (the storefront logs the user
    in by it), the storefront id and the connector's cart URL to come back to. The token ends
    when the cart goes back (PIPO: GET /user/logout)."""
    template = c.settings.storefront_url_template or (
        c.settings.printnow_url
        + "/storefront/{storefront_id}?token={token}&return_url={return_url}"
    )
    return template.format(
        token=quote(session.pipo_token, safe=""),
        storefront_id=session.storefront_id,
        return_url=quote(c.url(f"/cart/{session.id}"), safe=""),
    )


def _open(session_id: str) -> OpenCart | BaseResponse:
    c = connector()
    if not c.binding.allows(request, session_id):
        return page(
            "This punch-out is not open in this browser",
            "Please start the punch-out again from your procurement system.",
            status=403,
        )
    session = c.sessions.load(session_id)
    buyer = c.buyer(session.buyer_id) if session else None
    if session is None or buyer is None:
        return page(
            "This punch-out session has ended",
            "Sessions end when the cart is returned or after a period without activity. "
            "Please start the punch-out again from your procurement system; your saved "
            "designs are kept.",
            status=410,
        )
    serving(buyer)
    if not buyer.enabled:  # disabling a buyer ends its sessions: nothing more is delivered
        log.warning("session %s refused: buyer %s is disabled", session.id[:8], buyer.id)
        c.sessions.end(session.id)
        c.end_pipo_session(session.pipo_token)
        return page(*BUYER_DISABLED, status=403)
    return OpenCart(session, buyer)


@bp.get("/cart/<session_id>")
def cart(session_id: str) -> BaseResponse | str:
    opened = _open(session_id)
    if not isinstance(opened, OpenCart):
        return opened
    return _render_cart(opened, list_projects(connector(), opened))


def _render_cart(
    opened: OpenCart,
    projects: list[Project],
    error: str = "",
    *,
    typed: Typed | None = None,
    line_errors: dict[int, str] | None = None,
    confirm_delete: Project | None = None,
    confirm_empty: bool = False,
) -> str:
    c = connector()
    session = opened.session
    shown = cart_rows(
        c.pricebook,
        opened.buyer.price_book,
        session,
        projects,
        typed or Typed(),
        line_errors or {},
    )
    return render_template(
        "cart.html",
        session=session,
        cart=shown,
        rows=shown.rows,
        read_only=session.operation == "inspect",
        storefront=storefront_url(c, session),
        error=error,
        confirm_delete=confirm_delete,
        confirm_empty=confirm_empty,
    )


def _typed() -> Typed:
    """The ticks and quantities the posted cart form carried, to show them again as typed."""
    selected = frozenset(pid for v in request.form.getlist("project") if (pid := _id(v)))
    quantities = {}
    for name, value in request.form.items():
        if name.startswith("quantity-") and (pid := _id(name.removeprefix("quantity-"))):
            quantities[pid] = value[:40]
    return Typed(selected, quantities)


def _id(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 19 else 0


@bp.post("/cart/<session_id>")
def cart_action(session_id: str) -> BaseResponse | str | tuple[str, int]:
    opened = _open(session_id)
    if not isinstance(opened, OpenCart):
        return opened
    session = opened.session
    sent = request.form.get("form_token", "")
    if not session.form_token or not secrets.compare_digest(sent, session.form_token):
        log.warning("session %s: cart form without a valid form token", session.id[:8])
        abort(400)
    action = request.form.get("action", "")
    c = connector()
    editable = session.operation != "inspect"
    # A PrintNow or identity failure is answered by its own page (punchout.errors).
    if action == "update" and editable:  # Enter in a quantity, or "Update totals"
        return _render_cart(opened, list_projects(c, opened), typed=_typed())
    if action.startswith("delete:") and editable:  # asks first: deleting cannot be undone
        projects = list_projects(c, opened)
        project_id = _int(action.removeprefix("delete:"))
        doomed = next((p for p in projects if p.id == project_id), None)
        return _render_cart(opened, projects, typed=_typed(), confirm_delete=doomed)
    if action.startswith("confirm-delete:") and editable:
        project_id = _int(action.removeprefix("confirm-delete:"))
        with_login(c, opened, lambda token: c.client.delete_project(token, project_id))
        log.info("session %s: project %s deleted", session.id[:8], project_id)
        return redirect(c.url(f"/cart/{session.id}"), code=303)
    if action in {"return", "return-empty"} and editable:
        empty = action == "return-empty"
        return _answer(opened, return_cart(c, opened, _picks(), empty_confirmed=empty))
    if action in {"cancel", "return"}:
        return _answer(opened, return_original(c, opened))
    abort(400)


def _picks() -> Picks:
    """The projects ticked on the posted cart form, with the quantity typed for each."""
    form = request.form  # once: each use of the proxy looks the request up again
    selected = tuple(_int(v) for v in form.getlist("project"))
    return Picks(selected, {pid: form.get(f"quantity-{pid}", "1") for pid in selected})


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        abort(400)


def _answer(opened: OpenCart, outcome: Review | Delivery) -> BaseResponse | tuple[str, int]:
    """The page for what the cart flow did: the form that carries the cart, or the review."""
    if isinstance(outcome, Delivery):
        return form_page(outcome.form)
    return _render_cart(
        opened,
        outcome.projects,
        outcome.error,
        typed=_typed() if outcome.keep_typed else None,
        line_errors=dict(outcome.line_errors),
        confirm_empty=outcome.confirm_empty,
    ), outcome.status
