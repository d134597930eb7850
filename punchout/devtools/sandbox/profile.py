"""The sandbox's two profiles, and everything it adds beyond PrintNow's documentation.

The PrintNow documentation (PIPO, Customers, Orders) leaves gaps: no error body format, only
"Returns 200 OK" for several calls, no password in the User object createtemp answers, no
wording for an expired token. The ``extended`` profile (the default) fills them with the
guesses in :data:`EXTENSIONS`, which make the demo richer. The ``documented`` profile answers
with only what the documentation states, so the connector is tested against that too:

- empty 200 bodies where the documentation says only "Returns 200 OK";
- plain-text error bodies (no format is documented);
- none of the invented answer fields below;
- another wording for a 403 on an expired token (only the status is documented, except for
  ``user/transfer``, whose documented message is kept);
- the e-mail checked before the user name on create and convert (the order is not stated).
"""

from __future__ import annotations

from typing import Any

from punchout.runtime.settings import SANDBOX_PROFILES

#: The values of the connector's ``sandbox_profile`` setting, the default first.
PROFILES = SANDBOX_PROFILES
EXTENDED, DOCUMENTED = PROFILES

#: The documented profile's wording for a 403 on an expired or unknown session token.
DOCUMENTED_EXPIRED = "The session is no longer valid."

#: What the extended profile adds beyond the documentation, and why.
EXTENSIONS: dict[str, str] = {
    "`true` bodies": "PIPO says only 'Returns 200 OK' for logout, create, convert, transfer, "
    "project delete and process; a JSON true makes the answers easy to read in a browser.",
    "user/info POST answers the user": "undocumented answer; shows the update took effect.",
    "JSON error bodies": "no error format is documented; {'message': ...} carries the "
    "documented messages readably.",
    "403 'token is invalid or expired' everywhere": "documented for user/transfer only; the "
    "other calls are documented to answer 403 with no wording.",
    "user name checked before e-mail": "the order of the duplicate checks is not documented.",
    "error wordings where only a status is documented": "login's 401 ('username or password "
    "is incorrect'), project 404 ('project not found'), order/create 400 ('no valid product "
    "ids'), user/info POST 403 ('current user is temporary'); kept in both profiles as "
    "readable text, and the connector reads only their status.",
    "createtemp `password`": "the User object documents no password, yet createtemp is said "
    "to return 'system-generated credentials'; with it, a temporary user can log in.",
    "project `fields`": "the Project object documents id, name and external_id only; the "
    "personalisation lets carts and OCI DETAIL show the design.",
    "order `tracking_numbers`": "tracking numbers are appended by the shipped calls, but the "
    "Order object documents no field that reports them.",
    "order item `tracking_numbers`": "the numbers given when that item was shipped; the "
    "Order Item object documents no tracking field.",
    "order_updated webhook body and signature": "the Orders API says the shipped and status "
    "calls trigger the order_updated webhook, but no payload is documented here: the sandbox "
    "POSTs {'event': 'order_updated', 'order_id': ...} signed with HMAC-SHA256 of the body in "
    "X-PrintNow-Signature: sha256=<hex> (see webhooks.py); the connector must re-read the "
    "order rather than trust the body.",
    "shipping_provider / shipping_service set on shipping": "documented order fields; the "
    "sandbox's pages and /_sandbox ship control set them (the Orders API has no call for it).",
    "order item `external_id`": "PIPO order/create associates external_id with 'the order "
    "and its items', but the Order Item object documents no such field.",
    "order `po_number` = external_id": "po_number is documented as the purchase order number "
    "of the payment, not as PIPO's external_id; the documented order integration_id is.",
    "/storefront/{id}?token=...&return_url=...": "PIPO says only 'direct the user to the "
    "PrintNow editor'; the real editor URL is configured (storefront_url_template).",
    "/_sandbox controls": "test controls (faults, reset, state, projects, order status and "
    "shipping, webhook subscriptions); not PrintNow.",
    "/admin/orders page": "a small stand-in for PrintNow's admin order screen: set a status, "
    "mark items shipped with tracking, carrier and service.",
}

#: Fields left out of answers in the documented profile, by kind of answer.
_INVENTED = {
    "temp_user": ("password",),
    "project": ("fields",),
    "order": ("tracking_numbers",),
    "order_item": ("external_id", "tracking_numbers"),
}


def documented_answer(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without what the documentation does not state (``kind``: a key of
    ``_INVENTED``); orders lose their items' invented fields and the guessed po_number."""
    result = {k: v for k, v in data.items() if k not in _INVENTED[kind]}
    if kind == "order":
        result["po_number"] = None
        result["items"] = [documented_answer("order_item", i) for i in result.get("items", [])]
    return result
