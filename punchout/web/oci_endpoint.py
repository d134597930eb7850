"""The SAP OCI entry URL: ``/oci/<buyer id>``, by GET or POST.

A call-up without FUNCTION is a punch-out: the catalog login is checked against the buyer's
OCI password (its own credential, never the cXML shared secret; hashed, constant time, failed
attempts rate-limited), the HOOK_URL's host must be on the buyer's allowlist, the SAP user is found
from the configured fields, and the browser goes on through the same one-time StartPage,
storefront and cart review as a cXML punch-out. FUNCTION=VALIDATE and BACKGROUND_SEARCH
answer on this URL with an auto-submitted OCI form and no UI; FUNCTION=DETAIL shows a
read-only product page. Every refusal is raised as an error of :mod:`punchout.errors` and
answered as a readable page that gives nothing away (:mod:`punchout.web.error_answers`).
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import replace
from decimal import Decimal

from flask import Blueprint, redirect, render_template, request
from werkzeug.wrappers import Response

from punchout.domain.buyer_checks import approved_return_url, authenticate
from punchout.domain.buyers import Buyer
from punchout.domain.cart import oci_form
from punchout.domain.identity import ANONYMOUS_USER, IdentityError, ProcurementUser, user_key
from punchout.domain.offers import Offers
from punchout.domain.pricebook import PriceItem, Unpriced
from punchout.domain.references import BadReference, read_reference
from punchout.domain.setup_flow import SetupIntent, start_punchout
from punchout.domain.user_directory import AccountLookup
from punchout.errors import Refusal
from punchout.printnow import PrintNowError
from punchout.protocol import oci
from punchout.protocol.numbers import BadNumber, parse_quantity
from punchout.runtime.observability.requests_log import note
from punchout.runtime.store import Pending, Reads
from punchout.web.context import connector, serving
from punchout.web.delivery import form_page
from punchout.web.refusals import LoginRefused, TooManyFailedLogins

log = logging.getLogger(__name__)

bp = Blueprint("oci", __name__)


@bp.route("/oci/<buyer_id>", methods=["GET", "POST"])
def entry(buyer_id: str) -> Response:
    c = connector()
    params = [*request.args.items(multi=True), *request.form.items(multi=True)]
    buyer = c.buyer(buyer_id)
    settings = buyer.oci if buyer else None
    callup = oci.read_callup(
        params,
        username_field=settings.username_field if settings else "USERNAME",
        password_field=settings.password_field if settings else "PASSWORD",
        hook_field=settings.hook_field if settings else "HOOK_URL",
    )
    note(document="OCI " + (callup.function or "call-up"))
    credential, address = f"oci:{buyer_id.casefold()}", request.remote_addr or ""
    # One Redis round trip before the password is checked: the failed-login limiter and, for
    # a punch-out, the user's account in the user directory (used only once the login is
    # right: a refused call-up reads it too).
    reads = Reads(c.store.redis)
    blocked = c.auth_limiter.queue_retry_after(reads, credential, address)
    user = _user(buyer, callup) if buyer is not None and not callup.function else None
    account = c.accounts.queue_lookup(reads, buyer, user) if buyer and user else None
    reads.send()
    wait = blocked.value()
    if wait:
        raise TooManyFailedLogins(
            wait, f"OCI call-up for {buyer_id!r} from {address}: too many failed logins"
        )
    if not _login_ok(buyer, callup):
        c.auth_limiter.failed(credential, address)
        if buyer is not None and "oci" in buyer.protocols and not buyer.oci_secrets:
            raise LoginRefused(
                f"buyer {buyer.id} has no OCI password yet: give it one with "
                f"`punchout buyers rotate-secret {buyer.id} --oci`"
            )
        raise LoginRefused(f"OCI call-up for {buyer_id!r}: unknown buyer or wrong login")
    assert buyer is not None
    serving(buyer)
    if not callup.hook_url:
        raise Refusal(
            400,
            f"SAP did not send the {buyer.oci.hook_field} field, so the cart could not be "
            "returned. Please ask your SAP administrator to check the catalog's call-up "
            "parameters.",
            title="The return address is missing",
        )
    hook_url = approved_return_url(buyer, callup.hook_url)
    if hook_url is None:
        raise Refusal(
            403,
            "The address your procurement system asked us to return the cart to is not "
            "registered for your organisation. Please contact the supplier.",
            f"OCI HOOK_URL host not allowed: {callup.hook_url!r}",
            title="The return address is not registered",
        )
    # From here on the cart only ever goes to the URL as a browser reads it, normalised.
    callup = replace(callup, hook_url=hook_url)
    if callup.function == "VALIDATE":
        return _validate(buyer, callup)
    if callup.function == "BACKGROUND_SEARCH":
        return _search(buyer, callup)
    if callup.function == "DETAIL":
        return _detail(buyer, callup)
    if callup.function:
        raise Refusal(
            400,
            f"FUNCTION={callup.function} is not supported; VALIDATE, DETAIL and "
            "BACKGROUND_SEARCH are.",
            title="This catalog function is not supported",
        )
    return _punch_out(buyer, callup, user, account)


def _login_ok(buyer: Buyer | None, callup: oci.Callup) -> bool:
    expected = buyer.oci.username if buyer and "oci" in buyer.protocols else ""
    same_user = hmac.compare_digest(
        callup.username.casefold().encode(), expected.casefold().encode()
    )
    secret_ok = authenticate(buyer if expected else None, callup.password, kind="oci")
    return bool(expected) and same_user and secret_ok


def _user(buyer: Buyer, callup: oci.Callup) -> ProcurementUser | None:
    for name in buyer.oci.user_fields:
        value = callup.value(name).strip()
        if value:
            key = user_key(value)
            return ProcurementUser(key=key, email=key if "@" in key else "")
    if buyer.user_policy != "per_user" or buyer.dialect.no_user == "shared":
        return ProcurementUser(key=ANONYMOUS_USER)
    return None


def _punch_out(
    buyer: Buyer,
    callup: oci.Callup,
    user: ProcurementUser | None,
    account: Pending[AccountLookup] | None,
) -> Response:
    """Start the punch-out of ``user`` (None: the call-up names nobody), whose account the
    user directory was asked for with the login's first round trip (``account``)."""
    if user is None:
        raise Refusal(
            400,
            "SAP did not send who you are, so your storefront account could not be opened. "
            "Please ask your SAP administrator to pass the user's e-mail in the "
            f"{buyer.oci.user_fields[0] if buyer.oci.user_fields else 'USER_EMAIL'} field.",
            f"OCI call-up names no user ({buyer.oci.user_fields})",
            title="Your user could not be identified",
        )
    intent = SetupIntent(
        protocol="oci",
        operation="create",
        user=user,
        return_url=callup.hook_url,
        return_target=callup.target,
        extra={"charset": callup.charset, "oci_version": callup.version},
        account=account,
    )
    return redirect(start_punchout(connector(), buyer, intent), code=303)


def _resolve_product(buyer: Buyer, product_id: str) -> tuple[str, str]:
    """(template, EXT_PRODUCT_ID) of a PRODUCTID: a cart reference or a template ID."""
    c = connector()
    try:
        read_reference(c.reference_key, buyer.id, product_id)
    except BadReference:
        return product_id, product_id
    offer = Offers(c.store).find(buyer.id, product_id)
    return (offer.template if offer else ""), product_id


def _validate(buyer: Buyer, callup: oci.Callup) -> Response:
    """Price each item asked about (plain PRODUCTID/QUANTITY, or indexed ``[n]`` fields)."""
    if not callup.products:
        raise Refusal(
            400,
            "FUNCTION=VALIDATE needs a PRODUCTID (or PRODUCTID[1], PRODUCTID[2], ...).",
            title="Nothing to validate",
        )
    items = [
        _validated_item(buyer, n, product_id, quantity_text)
        for n, (product_id, quantity_text) in enumerate(callup.products, start=1)
    ]
    fields = oci.new_item_fields(items, buyer.oci.cust_fields)
    return form_page(oci_form(callup.hook_url, callup.target, fields, callup.charset))


def _validated_item(buyer: Buyer, n: int, product_id: str, quantity_text: str) -> oci.OciItem:
    c = connector()
    template, product = _resolve_product(buyer, product_id)
    try:
        quantity = parse_quantity(quantity_text or "1", field=f"QUANTITY of item {n}")
    except BadNumber as exc:  # the item's number says which line to fix
        raise Refusal(400, f"{exc}.", title="This quantity cannot be validated") from exc
    try:
        line = c.pricebook.price(buyer.price_book, template, quantity)
    except Unpriced as exc:
        raise Refusal(
            422,
            f"Item {n}: {exc}.",
            f"OCI VALIDATE of {product_id!r} refused: {exc}",
            title="This product cannot be validated",
        ) from exc
    return oci.OciItem(
        description=line.description,
        quantity=quantity,
        unit=buyer.dialect.unit(line.unit_of_measure),
        price=line.unit_price,
        currency=line.currency,
        lead_time_days=line.lead_time_days,
        vendormat=template,
        ext_product_id=product,
        unspsc=line.unspsc,
        long_text=line.description,
    )


def _search(buyer: Buyer, callup: oci.Callup) -> Response:
    c = connector()
    try:
        hits = c.pricebook.search(buyer.price_book, callup.search)
    except Unpriced:
        hits = []
    items = [_catalog_item(buyer, i, c.pricebook.currency(buyer.price_book)) for i in hits]
    fields = oci.new_item_fields(items, buyer.oci.cust_fields)
    return form_page(oci_form(callup.hook_url, callup.target, fields, callup.charset))


def _catalog_item(buyer: Buyer, item: PriceItem, currency: str) -> oci.OciItem:
    minimum, price = item.breaks[0]
    return oci.OciItem(
        description=item.description,
        quantity=max(minimum, Decimal(1)),
        unit=buyer.dialect.unit(item.unit_of_measure),
        price=price,
        currency=currency,
        lead_time_days=item.lead_time_days,
        vendormat=item.template,
        ext_product_id=item.template,
        unspsc=item.unspsc,
        long_text=item.description,
    )


def _detail(buyer: Buyer, callup: oci.Callup) -> Response:
    c = connector()
    template, product = _resolve_product(buyer, callup.product_id)
    item = c.pricebook.item(buyer.price_book, template) if template else None
    if item is None:
        raise Refusal(
            404, "This product is not in your catalog any more.", title="Product not found"
        )
    design: dict[str, str] | None = {}
    if product != template:
        design = _design_fields(buyer, callup, product)
    html = render_template(
        "detail.html",
        item=item,
        currency=c.pricebook.currency(buyer.price_book),
        design=design,
        product=product,
    )
    return Response(html, content_type="text/html; charset=utf-8")


def _design_fields(buyer: Buyer, callup: oci.Callup, reference: str) -> dict[str, str] | None:
    """The personalisation of a cart line's design, when the storefront can be asked and the
    SAP user is the design's owner (another user's design is never shown); None when the
    storefront does not report it (PIPO's Project documents no such field), which the page
    says."""
    c = connector()
    ref = read_reference(c.reference_key, buyer.id, reference)
    user = _user(buyer, callup)
    if user is None or not c.accounts.owns(buyer, user, ref.pipo_user_id):
        log.info("buyer %s: OCI DETAIL of another user's design, fields not shown", buyer.id)
        return {}
    try:
        login = c.accounts.login_as(buyer, ref.pipo_user_id)
        fields = c.client.get_project(login.token, ref.project_id).fields
        return None if fields is None else dict(fields)
    except (IdentityError, PrintNowError) as exc:
        log.info("buyer %s: OCI DETAIL without design fields: %s", buyer.id, exc)
        return {}
