"""The cart's trip back to the procurement system, through the user's browser.

The cart leaves as an HTML form that posts itself (UTF-8, ``accept-charset``) to the buyer's
BrowserFormPost URL, into the frame the buyer named (cXML ``ReturnFrame``) or the whole
window. A button stays visible for browsers that run no script.
"""

from __future__ import annotations

from flask import make_response, render_template
from werkzeug.wrappers import Response

from punchout.buyers import Buyer
from punchout.cart import Cart, cart_field, order_message
from punchout.connector import Connector
from punchout.sessions import PunchoutSession


def deliver(c: Connector, session: PunchoutSession, buyer: Buyer, cart: Cart | None) -> Response:
    """The auto-submitting page that carries ``cart`` (None: an empty cart) to the buyer."""
    currency = cart.currency if cart else c.pricebook.currency(buyer.price_book)
    document = order_message(session, buyer, cart, currency)
    name, value = cart_field(buyer, document)
    html = render_template(
        "deliver.html",
        action=session.return_url,
        target=session.return_target or "_self",
        fields=[(name, value)],
        cart=cart,
    )
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response
