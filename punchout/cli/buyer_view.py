"""How a buyer is shown to the operator, and to the buyer's procurement admin.

``buyers add`` and ``buyers show`` print the same two views: the operator's summary of the
buyer's table, and the block the buyer's admin types into Ariba, Coupa or SAP, in that
system's own words (:mod:`punchout.domain.admin_screen`), with a warning when the connector's
public URL cannot be reached from another network.
"""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from punchout.cli.common import Office
from punchout.domain.buyers import Buyer, Secret

if TYPE_CHECKING:
    from punchout.domain.admin_screen import AdminScreen


def summary(buyer: Buyer) -> dict[str, Any]:
    return {
        "id": buyer.id,
        "name": buyer.name,
        "enabled": buyer.enabled,
        "profile": buyer.profile,
        "protocols": list(buyer.protocols),
        "user_policy": buyer.user_policy,
        "storefront_id": buyer.storefront_id,
        "price_book": buyer.price_book,
        "return_hosts": list(buyer.return_hosts),
    }


def for_buyer_json(c: Office, buyer: Buyer) -> dict[str, Any]:
    screen = _screen(c, buyer)
    return {
        "title": screen.title,
        "where": screen.where,
        "fields": dict(screen.rows),
        "warnings": url_warnings(c),
    }


def url_warnings(c: Office) -> list[str]:
    """What is wrong with public_url for a buyer's system on another network."""
    parts = urlsplit(c.settings.public_url)
    host = parts.hostname or ""
    warnings = []
    try:
        loopback = host == "localhost" or ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        warnings.append(
            f"public_url {c.settings.public_url} is a loopback address that only this machine "
            "reaches: set PUNCHOUT_PUBLIC_URL to the connector's public https URL"
        )
    elif parts.scheme != "https":
        warnings.append(
            f"public_url {c.settings.public_url} is not https: procurement systems need https"
        )
    return warnings


def print_operator_view(c: Office, buyer: Buyer) -> None:
    from punchout.domain.cart import cart_field_names  # the cart module (and Redis) on use only

    click.echo(
        f"  {buyer.name} ({buyer.id}): {'enabled' if buyer.enabled else 'DISABLED'}; "
        f"storefront {buyer.storefront_id}; profile {buyer.profile}; "
        f"user policy {buyer.user_policy}; price list {buyer.price_book}; "
        f"operations {', '.join(buyer.operations)}"
    )
    click.echo(f"  Carts may return to: {', '.join(buyer.return_hosts) or '(no host yet!)'}")
    if "cxml" in buyer.protocols:
        credentials = ", ".join(f"{d}:{i}" for d, i in buyer.credentials)
        click.echo(f"  cXML From credentials: {credentials}; cart field {cart_field_names(buyer)}")
        click.echo(f"  cXML secrets: {secrets_hint(buyer.secrets)}")
    if "oci" in buyer.protocols:
        hint = secrets_hint(buyer.oci_secrets)
        click.echo(f"  OCI user {buyer.oci.username}; passwords: {hint}")
    click.echo("  Change it with `punchout buyers set` or `edit`; check it with `buyers test`.")


def _screen(c: Office, buyer: Buyer) -> AdminScreen:
    from punchout.domain.admin_screen import admin_screen  # imports the cart module: on use only

    return admin_screen(
        buyer,
        cxml_url=c.url("/cxml"),
        oci_url=c.url("/oci/" + buyer.id),
        supplier=(c.settings.supplier_domain, c.settings.supplier_identity),
        secret="the SharedSecret you were given",  # noqa: S106 (a hint, not a secret)
        oci_password="the OCI password you were given",  # noqa: S106
    )


def print_for_buyer(c: Office, buyer: Buyer) -> None:
    """The fields of the buyer's system's admin screen, in its own words, with their values:
    a block the operator sends to the buyer's admin as it is."""
    for warning in url_warnings(c):
        click.secho(f"  WARNING: {warning}", fg="yellow", err=True)
    screen = _screen(c, buyer)
    click.echo(f"  {screen.title}: in {screen.where}, enter")
    width = max((len(label) for label, _ in screen.rows), default=0)
    for label, value in screen.rows:
        click.echo(f"    {label + ':':<{width + 1}} {value}")
    from punchout.domain.cart import cart_field_names

    s = c.settings
    click.echo("  Details")
    if "cxml" in buyer.protocols:
        click.echo("  cXML (Ariba, Coupa, Jaggaer, Oracle)")
        click.echo(f"    Punch-out URL (PunchOutSetupRequest): {c.url('/cxml')}")
        click.echo(f"    Order URL (OrderRequest):             {c.url('/cxml')}")
        for domain, identity in buyer.credentials:
            click.echo(f"    From:   domain {domain}, identity {identity}")
        click.echo(f"    To:     domain {s.supplier_domain}, identity {s.supplier_identity}")
        domain, identity = buyer.credentials[0] if buyer.credentials else ("?", "?")
        click.echo(f"    Sender: domain {domain}, identity {identity}, SharedSecret: the secret")
        click.echo(f"    Cart field: {cart_field_names(buyer)}")
    if "oci" in buyer.protocols:
        click.echo("  SAP OCI")
        click.echo(f"    Catalog URL: {c.url('/oci/' + buyer.id)}  (POST; GET also works)")
        click.echo(f"    {buyer.oci.username_field} = {buyer.oci.username}")
        click.echo(f"    {buyer.oci.password_field} = the OCI password you were given")
        click.echo(f"    {buyer.oci.hook_field} = filled in by SAP at runtime")
        if buyer.oci.user_fields:
            click.echo(f"    {buyer.oci.user_fields[0]} = the SAP user's e-mail")
        click.echo("    ~OkCode = ADDI, ~TARGET = _top, OCI_VERSION = 5.0")


def secrets_hint(secrets: tuple[Secret, ...]) -> str:
    now = datetime.now(UTC)
    active = [x for x in secrets if x.valid_at(now)]
    ending = [x.not_after for x in active if x.not_after]
    return f"{len(active)} work now" + (
        f"; the older one stops at {min(ending):%Y-%m-%d %H:%M %Z}" if ending else ""
    )


def show_secret(secret: str, kind: str) -> None:
    what = {"cxml": "cXML SharedSecret", "oci": "OCI PASSWORD"}[kind]
    click.echo("")
    click.secho(f"{what} (shown only now; give it to the buyer's admin securely):", bold=True)
    click.echo(f"    {secret}")
    click.echo("")
