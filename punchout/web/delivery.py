"""The page that carries a cart (or an OCI answer) to the buyer's system, through the browser.

The form (:class:`punchout.domain.cart.CartForm`) posts itself to the buyer's BrowserFormPost
URL (cXML) or HOOK_URL (OCI) into the frame it names. A button stays visible for browsers
that run no script.
"""

from __future__ import annotations

from flask import render_template
from werkzeug.wrappers import Response

from punchout.domain.cart import CartForm
from punchout.web.context import page

#: The page for a cart whose return URL the buyer's settings no longer allow.
RETURN_URL_REFUSED = (
    "The cart cannot be returned",
    "The address your procurement system gave for the cart is not registered for your "
    "organisation. Please contact the supplier.",
)


def form_page(form: CartForm | None) -> Response:
    """The auto-submitting page that posts ``form``; None: the return URL is refused."""
    if form is None:
        return page(*RETURN_URL_REFUSED, status=403)
    html = render_template(
        "deliver.html",
        action=form.action,
        target=form.target,
        fields=form.fields,
        cart=form.cart,
        charset=form.charset.upper(),
        page_charset=form.charset,
    )
    # Page text outside the charset becomes character references; form values never need it.
    body = html.encode(form.charset, "xmlcharrefreplace")
    response = Response(body, content_type=f"text/html; charset={form.charset}")
    response.headers["Cache-Control"] = "no-store"
    return response
