"""What a buyer's procurement admin types in, field by field, in their system's own words.

The labels come from the buyer's dialect profile (``[[admin]]`` in ``config/profiles/``):
Ariba's "Supplier Setup URL", Coupa's "PunchOut URL", "Domain", "Identity" and "Shared
Secret", SAP's catalog call structure parameters. The values are this connector's URLs and
credentials for the buyer.
"""

from __future__ import annotations

from dataclasses import dataclass

from punchout.domain.buyers import Buyer
from punchout.domain.cart import cart_field_names
from punchout.domain.profiles import get_profile


@dataclass(frozen=True)
class AdminScreen:
    title: str
    where: str
    rows: tuple[tuple[str, str], ...]


def admin_screen(
    buyer: Buyer,
    *,
    cxml_url: str,
    oci_url: str,
    supplier: tuple[str, str],
    secret: str,
    oci_password: str,
) -> AdminScreen:
    """The buyer's system's admin fields with the values to enter (``secret`` and
    ``oci_password``: hints; OCI has a credential of its own, never the cXML secret)."""
    profile = get_profile(buyer.profile)
    assert profile is not None  # the registry only loads buyers with a known profile
    domain, identity = buyer.credentials[0] if buyer.credentials else ("?", "?")
    values = {
        "punchout_url": cxml_url,
        "order_url": cxml_url,
        "oci_url": oci_url,
        "buyer_domain": domain,
        "buyer_identity": identity,
        "supplier_domain": supplier[0],
        "supplier_identity": supplier[1],
        "secret": secret,
        "oci_password": oci_password,
        "cart_field": cart_field_names(buyer),
        "oci_username": buyer.oci.username,
        "username_field": buyer.oci.username_field,
        "password_field": buyer.oci.password_field,
        "hook_field": buyer.oci.hook_field,
        "user_field": buyer.oci.user_fields[-1] if buyer.oci.user_fields else "USER_EMAIL",
    }
    rows = tuple(
        (field.label.format_map(values), field.value.format_map(values)) for field in profile.admin
    )
    return AdminScreen(title=profile.title, where=profile.screen, rows=rows)
