"""The cart's trip back to the procurement system, through the user's browser.

The cart leaves as an HTML form that posts itself to the buyer's BrowserFormPost URL (cXML)
or HOOK_URL (OCI), into the frame the buyer named (cXML ``ReturnFrame``, OCI ``~TARGET`` or
``returntarget``) or the whole window. A button stays visible for browsers that run no
script. OCI forms use the charset the buyer asked for when it carries every character, and
UTF-8 otherwise; HOOK_URL's own query parameters travel as hidden inputs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import render_template
from werkzeug.wrappers import Response

from punchout.domain.buyer_checks import approved_return_url
from punchout.domain.buyers import Buyer
from punchout.domain.cart import Cart, CartLine, cart_fields, order_message
from punchout.domain.sessions import PunchoutSession
from punchout.protocol import oci
from punchout.runtime.connector import Connector
from punchout.web.context import page

log = logging.getLogger(__name__)


def deliver(c: Connector, session: PunchoutSession, buyer: Buyer, cart: Cart | None) -> Response:
    """The auto-submitting page that carries ``cart`` (None: an empty cart) to the buyer."""
    # Checked again as a browser reads it, against the buyer's list as it is now: a session
    # opened before a host was removed (or before this check) never sends a cart elsewhere.
    return_url = approved_return_url(buyer, session.return_url)
    if return_url is None:
        log.warning("session %s: return URL no longer allowed, cart not sent", session.id[:8])
        return page(
            "The cart cannot be returned",
            "The address your procurement system gave for the cart is not registered for your "
            "organisation. Please contact the supplier.",
            status=403,
        )
    if session.protocol == "oci":
        items = [oci_item(line, session.customer_id) for line in (cart.lines if cart else ())]
        return oci_form(
            return_url,
            session.return_target or "_top",
            oci.new_item_fields(items, buyer.oci.cust_fields),
            session.extra.get("charset", ""),
            summary=cart,
        )
    currency = cart.currency if cart else c.pricebook.currency(buyer.price_book)
    document = order_message(session, buyer, cart, currency)
    fields = cart_fields(buyer, document)
    return _form_page(return_url, session.return_target or "_self", fields, "utf-8", cart)


def oci_item(line: CartLine, pipo_user_id: int) -> oci.OciItem:
    design = "; ".join(f"{name}: {value}" for name, value in line.design if value)
    return oci.OciItem(
        description=line.project_name or line.description,
        quantity=line.quantity,
        unit=line.unit_of_measure,
        price=line.unit_price,
        currency=line.currency,
        lead_time_days=line.lead_time_days,
        vendormat=line.supplier_part_id,
        ext_product_id=line.reference,
        unspsc=line.unspsc,
        long_text=f"{line.description}. Design: {design}" if design else line.description,
        custom=(
            str(line.project_id),
            str(pipo_user_id),
            str(line.lead_time_days),
            line.supplier_part_id,
            line.project_name,
        ),
    )


def oci_form(
    hook_url: str,
    target: str,
    fields: Sequence[tuple[str, str]],
    requested_charset: str,
    *,
    summary: Cart | None = None,
) -> Response:
    """An auto-submitting OCI form to ``hook_url`` (its query as hidden inputs)."""
    action, hidden = oci.hook_form(hook_url)
    charset, all_fields = oci.choose_charset(requested_charset, [*hidden, *fields])
    if requested_charset and charset != requested_charset.lower():
        log.info("OCI form sent as %s: %s cannot carry every character", charset, requested_charset)
    return _form_page(action, target, all_fields, charset, summary)


def _form_page(
    action: str, target: str, fields: Sequence[tuple[str, str]], charset: str, cart: Cart | None
) -> Response:
    html = render_template(
        "deliver.html",
        action=action,
        target=target,
        fields=fields,
        cart=cart,
        charset=charset.upper(),
        page_charset=charset,
    )
    # Page text outside the charset becomes character references; form values never need it.
    body = html.encode(charset, "xmlcharrefreplace")
    response = Response(body, content_type=f"text/html; charset={charset}")
    response.headers["Cache-Control"] = "no-store"
    return response
