"""The cart's return, from the user's picks to the form that carries it to the buyer.

Protocol-neutral and free of the web: the cart page (:mod:`punchout.web.pages`) reads what
the user posted as :class:`Picks`, and renders what comes back: a :class:`Review` (the cart
review again, saying why) or a :class:`Delivery` (the auto-submitting form). The work is
here: the storefront's projects, a temporary account settled into a permanent one, the
priced cart (:func:`punchout.domain.cart.build_cart`), each line's offer kept for the PO
(:mod:`punchout.domain.offers`), the document or OCI fields, and the session's end.

A PrintNow failure (:class:`punchout.printnow.PrintNowError`) or an account the supplier must
fix (:class:`punchout.domain.identity.IdentityError`) is raised to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

from punchout.domain.buyer_checks import approved_return_url
from punchout.domain.buyers import Buyer
from punchout.domain.cart import Cart, CartForm, Selection, build_cart, cart_form, read_quantity
from punchout.domain.identity import PipoLogin, ProcurementUser
from punchout.domain.offers import Offers
from punchout.domain.pricebook import CartRejected, Unpriced
from punchout.domain.sessions import PunchoutSession
from punchout.printnow import Project, TokenInvalid
from punchout.runtime.connector import Connector

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds in a day, for the offers' TTL (``offer_days``).
DAY = 86400
CART_REFUSED = (
    "This cart cannot be sent because a price is missing or the totals do not add up. "
    "Nothing was sent to your procurement system. The supplier has been told; you can "
    "remove the item or try again later."
)
DESIGNS_GONE = "Some of the designs you picked no longer exist. Please check the cart."


@dataclass
class OpenCart:
    """A session the current browser may use, with its buyer. ``session`` is replaced when
    its PIPO token is renewed or its temporary account settled."""

    session: PunchoutSession
    buyer: Buyer


@dataclass(frozen=True)
class Picks:
    """What the user posted: the projects ticked, in page order, and each one's typed quantity
    (a project with none typed is ordered once)."""

    selected: tuple[int, ...]
    quantities: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Review:
    """Show the cart review again: with ``error`` (and ``line_errors`` by project), asking to
    confirm an empty cart, answered with ``status``. ``keep_typed``: show what was posted."""

    projects: list[Project]
    status: int = 200
    error: str = ""
    line_errors: Mapping[int, str] = field(default_factory=dict)
    confirm_empty: bool = False
    keep_typed: bool = True


@dataclass(frozen=True)
class Delivery:
    """The cart went: the form to post, or None when the return URL is no longer allowed
    (the session has ended either way)."""

    form: CartForm | None


def with_login(c: Connector, opened: OpenCart, call: Callable[[str], T]) -> T:
    """Run a PIPO call with the session's token, logging in again once if it expired."""
    try:
        return call(opened.session.pipo_token)
    except TokenInvalid:
        login = c.accounts.login_as(opened.buyer, opened.session.customer_id)
        opened.session = replace(opened.session, pipo_token=login.token)
        c.sessions.save(opened.session)
        return call(login.token)


def list_projects(c: Connector, opened: OpenCart) -> list[Project]:
    """The user's saved designs in the storefront."""
    return with_login(c, opened, c.client.list_projects)


def note_existing_designs(c: Connector, opened: OpenCart) -> None:
    """Note the designs that exist when the user starts, so the cart review ticks only this
    session's new ones (and the ones the buyer sent back). The session may have waited
    hours for its StartPage: its PIPO token is renewed if needed."""
    listed = list_projects(c, opened)
    restored = {item.project_id for item in opened.session.restored_items}
    opened.session = replace(
        opened.session,
        known_project_ids=tuple(p.id for p in listed if p.id not in restored),
        projects_seen=True,
    )
    c.sessions.save(opened.session)


def return_cart(
    c: Connector, opened: OpenCart, picks: Picks, *, empty_confirmed: bool
) -> Review | Delivery:
    """Return the picked designs, priced, as the cart; an empty cart only once confirmed."""
    if not picks.selected and not empty_confirmed:  # an empty cart is said out loud
        return Review(list_projects(c, opened), confirm_empty=True)
    quantities, errors = _quantities(picks)
    if errors:
        listed = list_projects(c, opened)
        names = [p.name or f"design {p.id}" for p in listed if p.id in errors]
        message = "Please correct the quantity of " + ", ".join(names or ["a design"]) + "."
        return Review(listed, status=400, error=message, line_errors=errors)
    if opened.session.is_temp and picks.selected:
        _settle(c, opened)
    projects = {p.id: p for p in list_projects(c, opened)}
    if any(pid not in projects for pid in picks.selected):
        return Review(list(projects.values()), status=409, error=DESIGNS_GONE)
    selections = [Selection(projects[pid], quantities[pid]) for pid in picks.selected]
    return _deliver(c, opened, selections, returned=True)


def return_original(c: Connector, opened: OpenCart) -> Review | Delivery:
    """Cancel (or return an inspected cart): the cart as the buyer sent it, or an empty one.
    Designs deleted since are left out."""
    restored = opened.session.restored_items
    if not restored:
        return _deliver(c, opened, [], returned=False)
    projects = {p.id: p for p in list_projects(c, opened)}
    selections = [
        Selection(projects[item.project_id], Decimal(item.quantity))
        for item in restored
        if item.project_id in projects
    ]
    return _deliver(c, opened, selections, returned=False)


def _quantities(picks: Picks) -> tuple[dict[int, Decimal], dict[int, str]]:
    """The quantity of each picked project, and for each wrong one what is wrong. Each text
    typed is read once (most lines of a cart say the same, often 1)."""
    result: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    reads: dict[str, Decimal | str] = {}
    for project_id in picks.selected:
        raw = picks.quantities.get(project_id, "1")
        read = reads.get(raw)
        if read is None:
            read = reads[raw] = read_quantity(raw)
        if isinstance(read, str):
            errors[project_id] = read
        else:
            result[project_id] = read
    return result, errors


def _settle(c: Connector, opened: OpenCart) -> None:
    """A temporary storefront account becomes the user's own once a cart goes back (inside
    the re-login wrapper: a long design session's token may have expired)."""
    session = opened.session
    user = ProcurementUser(
        key=session.user_key,
        email=session.user_email,
        first_name=session.user_first_name,
        last_name=session.user_last_name,
    )
    settled = with_login(
        c,
        opened,
        lambda token: c.accounts.settle(
            opened.buyer, user, PipoLogin(token, opened.session.customer_id, True)
        ),
    )
    opened.session = replace(
        opened.session,
        pipo_token=settled.token,
        customer_id=settled.user_id,
        is_temp=settled.is_temp,
    )
    c.sessions.save(opened.session)


def _deliver(
    c: Connector, opened: OpenCart, selections: list[Selection], *, returned: bool
) -> Review | Delivery:
    session, buyer = opened.session, opened.buyer
    try:
        cart: Cart | None = (
            build_cart(c.pricebook, buyer, session.customer_id, selections, c.reference_key)
            if selections
            else None
        )
    except (Unpriced, CartRejected) as exc:
        log.error("session %s: cart refused, not sent: %s", session.id[:8], exc)
        return Review(list_projects(c, opened), status=422, error=CART_REFUSED, keep_typed=False)
    # Checked again as a browser reads it, against the buyer's list as it is now: a session
    # opened before a host was removed (or before this check) never sends a cart elsewhere.
    return_url = approved_return_url(buyer, session.return_url)
    if return_url is None:
        log.warning("session %s: return URL no longer allowed, cart not sent", session.id[:8])
        form = None
    else:
        form = cart_form(session, buyer, return_url, cart, c.pricebook)
    # The lines' offers (what their PO is checked against) and the session's end, in one
    # round trip and one transaction, before anything goes to the browser.
    with c.store.batch() as batch:
        if cart and returned:
            Offers(batch).remember(buyer.id, cart, c.settings.offer_days * DAY)
        c.sessions.end(session.id, batch=batch)
    c.end_pipo_session(session.pipo_token)
    log.info(
        "session %s: cart %s with %d line(s) sent to buyer %s",
        session.id[:8],
        "returned" if returned else "cancelled",
        len(cart.lines) if cart else 0,
        buyer.id,
    )
    return Delivery(form)
