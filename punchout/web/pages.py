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
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar
from urllib.parse import quote

from flask import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from punchout.domain.buyers import Buyer
from punchout.domain.cart import Cart, Selection, build_cart, remember_offers
from punchout.domain.identity import PipoLogin, ProcurementUser
from punchout.domain.pricebook import CartRejected, Unpriced
from punchout.domain.sessions import PunchoutSession
from punchout.printnow import Project, TokenInvalid
from punchout.protocol.numbers import parse_quantity
from punchout.runtime.connector import Connector
from punchout.web import branding, delivery
from punchout.web.cart_rows import Typed, cart_rows, quantity_error
from punchout.web.context import BUYER_DISABLED, connector, page, serving

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)

T = TypeVar("T")

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
            opened = _Open(session, buyer)
            # The session may have waited hours: its PIPO token is renewed if needed. A
            # PrintNow or identity failure is answered by its own page (punchout.errors).
            listed = _with_login(opened, c.client.list_projects)
            session = opened.session
            restored = {item.project_id for item in session.restored_items}
            session = replace(
                session,
                known_project_ids=tuple(p.id for p in listed if p.id not in restored),
                projects_seen=True,
            )
            c.sessions.save(session)
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


@dataclass
class _Open:
    """A session the current browser may use, with its buyer."""

    session: PunchoutSession
    buyer: Buyer


def _open(session_id: str) -> _Open | BaseResponse:
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
    return _Open(session, buyer)


def _with_login(opened: _Open, call: Callable[[str], T]) -> T:
    """Run a PIPO call with the session's token, logging in again once if it expired."""
    try:
        return call(opened.session.pipo_token)
    except TokenInvalid:
        c = connector()
        login = c.accounts.login_as(opened.buyer, opened.session.customer_id)
        opened.session = replace(opened.session, pipo_token=login.token)
        c.sessions.save(opened.session)
        return call(login.token)


@bp.get("/cart/<session_id>")
def cart(session_id: str) -> BaseResponse | str:
    opened = _open(session_id)
    if not isinstance(opened, _Open):
        return opened
    return _render_cart(opened, _with_login(opened, connector().client.list_projects))


def _render_cart(
    opened: _Open,
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
    if not isinstance(opened, _Open):
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
        return _render_cart(opened, _with_login(opened, c.client.list_projects), typed=_typed())
    if action.startswith("delete:") and editable:  # asks first: deleting cannot be undone
        projects = _with_login(opened, c.client.list_projects)
        project_id = _int(action.removeprefix("delete:"))
        doomed = next((p for p in projects if p.id == project_id), None)
        return _render_cart(opened, projects, typed=_typed(), confirm_delete=doomed)
    if action.startswith("confirm-delete:") and editable:
        project_id = _int(action.removeprefix("confirm-delete:"))
        _with_login(opened, lambda token: c.client.delete_project(token, project_id))
        log.info("session %s: project %s deleted", session.id[:8], project_id)
        return redirect(c.url(f"/cart/{session.id}"), code=303)
    if action in {"return", "return-empty"} and editable:
        return _return_cart(opened, empty_confirmed=action == "return-empty")
    if action in {"cancel", "return"}:
        return _return_original(opened)
    abort(400)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        abort(400)


def _quantities(project_ids: list[int]) -> tuple[dict[int, Decimal], dict[int, str]]:
    """The quantity typed for each selected project, and for each wrong one what is wrong."""
    result: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    for project_id in project_ids:
        raw = request.form.get(f"quantity-{project_id}", "1")
        problem = quantity_error(raw)
        if problem:
            errors[project_id] = problem
        else:
            result[project_id] = parse_quantity(raw)
    return result, errors


def _return_cart(opened: _Open, *, empty_confirmed: bool) -> BaseResponse | str | tuple[str, int]:
    c = connector()
    session, buyer = opened.session, opened.buyer
    selected = [_int(v) for v in request.form.getlist("project")]
    if not selected and not empty_confirmed:  # an empty cart is said out loud, never silent
        listed = _with_login(opened, c.client.list_projects)
        return _render_cart(opened, listed, typed=_typed(), confirm_empty=True)
    quantities, errors = _quantities(selected)
    if errors:
        listed = _with_login(opened, c.client.list_projects)
        names = [p.name or f"design {p.id}" for p in listed if p.id in errors]
        message = "Please correct the quantity of " + ", ".join(names or ["a design"]) + "."
        return _render_cart(opened, listed, message, typed=_typed(), line_errors=errors), 400
    user = ProcurementUser(
        key=session.user_key,
        email=session.user_email,
        first_name=session.user_first_name,
        last_name=session.user_last_name,
    )
    if session.is_temp and selected:
        # Inside the re-login wrapper: a long design session's token may have expired.
        settled = _with_login(
            opened,
            lambda token: c.accounts.settle(
                buyer, user, PipoLogin(token, opened.session.customer_id, True)
            ),
        )
        session = opened.session
        opened.session = session = replace(
            session, pipo_token=settled.token, customer_id=settled.user_id, is_temp=settled.is_temp
        )
        c.sessions.save(session)
    projects = {p.id: p for p in _with_login(opened, c.client.list_projects)}
    missing = [pid for pid in selected if pid not in projects]
    if missing:
        return _render_cart(
            opened,
            list(projects.values()),
            error="Some of the designs you picked no longer exist. Please check the cart.",
            typed=_typed(),
        ), 409
    selections = [Selection(projects[pid], quantities[pid]) for pid in selected]
    return _deliver(opened, selections, "return")


def _return_original(opened: _Open) -> BaseResponse | str | tuple[str, int]:
    """Cancel (or return an inspected cart): the cart as the buyer sent it, or an empty one."""
    c = connector()
    session = opened.session
    if not session.restored_items:
        return _deliver(opened, [], "cancel")
    projects = {p.id: p for p in _with_login(opened, c.client.list_projects)}
    selections = [
        Selection(projects[item.project_id], Decimal(item.quantity))
        for item in session.restored_items
        if item.project_id in projects
    ]
    return _deliver(opened, selections, "cancel")


def _deliver(
    opened: _Open, selections: list[Selection], why: str
) -> BaseResponse | str | tuple[str, int]:
    c = connector()
    session, buyer = opened.session, opened.buyer
    try:
        cart: Cart | None = (
            build_cart(c.pricebook, buyer, session.customer_id, selections, c.reference_key)
            if selections
            else None
        )
    except (Unpriced, CartRejected) as exc:
        log.error("session %s: cart refused, not sent: %s", session.id[:8], exc)
        projects = _with_login(opened, c.client.list_projects)
        return _render_cart(
            opened,
            projects,
            error="This cart cannot be sent because a price is missing or the totals do not "
            "add up. Nothing was sent to your procurement system. The supplier has been "
            "told; you can remove the item or try again later.",
        ), 422
    if cart and why == "return":
        remember_offers(c.store, buyer.id, cart, c.settings.offer_days * 86400)
    response = delivery.deliver(c, session, buyer, cart)
    c.sessions.end(session.id)
    c.end_pipo_session(session.pipo_token)
    log.info(
        "session %s: cart %s with %d line(s) sent to buyer %s",
        session.id[:8],
        "returned" if why == "return" else "cancelled",
        len(cart.lines) if cart else 0,
        buyer.id,
    )
    return response
