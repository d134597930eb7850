"""``punchout buyers add/list/show``: onboarding buyers.

Each onboarding ends with the exact values the buyer's procurement admin types into Ariba,
Coupa or SAP (``buyers show --for-buyer``) and a check that the link works (``buyers
test``, in :mod:`punchout.cli.buyers_change` with the other changes). These commands read
and write only the registry files: they need no secret, no Redis and no PrintNow. Every
error is one line; nothing is half-written when a command fails.
"""

from __future__ import annotations

import re

import click

from punchout.cli.buyer_view import (
    for_buyer_json,
    print_for_buyer,
    print_operator_view,
    secrets_hint,
    show_secret,
    summary,
)
from punchout.cli.common import Office, echo_json, fail, office, with_files
from punchout.domain.buyers import PROTOCOLS, USER_POLICIES
from punchout.domain.keys import generate_secret, hash_secret
from punchout.domain.profiles import DEFAULT_PROFILE, PROFILE_NAMES, get_profile
from punchout.domain.registry_file import RegistryChangeError, add_buyer

BUYER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.group("buyers", short_help="Buyer organisations: add, show, set, edit, test, rotate.")
def buyers() -> None:
    """Buyer organisations: add, show, set, edit, test, rotate secrets, enable, disable."""


@buyers.command("add")
@click.option("--id", "buyer_id", prompt="Buyer id (lower case, e.g. acme)", help="Short id.")
@click.option("--name", prompt="Organisation name", help="The buyer organisation's name.")
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    prompt="Procurement system (profile)",
    default=DEFAULT_PROFILE,
    show_default=True,
    help="The buyer's procurement system: its dialect (cart field, units, user fields, ...) "
    "and the words `buyers show` uses for its admin screen.",
)
@click.option("--storefront", type=int, prompt="PrintNow storefront id", help="Storefront id.")
@click.option(
    "--user-policy",
    type=click.Choice(USER_POLICIES),
    prompt="User policy",
    default="per_user",
    show_default=True,
    help="per_user: an account per procurement user; shared: one for the organisation; "
    "guest: a temporary user per punch-out.",
)
@click.option(
    "--price-book", prompt="Price list", default="standard", show_default=True, help="Price list."
)
@click.option(
    "--protocol",
    "protocols",
    multiple=True,
    help="cxml, oci, or both (repeat the option or separate with commas).",
)
@click.option("--domain", default="", help="cXML From credential domain (e.g. NetworkID).")
@click.option("--identity", default="", help="cXML From credential identity (e.g. AN01...).")
@click.option("--oci-username", default="", help="The USERNAME the SAP system sends (OCI).")
@click.option(
    "--return-host",
    "return_hosts",
    multiple=True,
    help="Host the cart may be posted back to, e.g. acme.coupahost.com or *.acme.com "
    "(repeat, or separate with commas).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the buyer and its secrets as JSON.")
@with_files
def buyers_add(
    buyer_id: str,
    name: str,
    profile: str,
    storefront: int,
    user_policy: str,
    price_book: str,
    protocols: tuple[str, ...],
    domain: str,
    identity: str,
    oci_username: str,
    return_hosts: tuple[str, ...],
    as_json: bool,
) -> None:
    """Register a buyer and generate its secrets (shown once; only their hashes are stored):
    the cXML shared secret and, for OCI, a separate OCI password."""
    c = office()
    if not BUYER_ID.match(buyer_id):
        fail("The id must be 1-40 lower-case letters, digits or dashes, starting with one.")
    if storefront < 1:
        fail("The storefront id is a positive number (PrintNow's storefront id).")
    if price_book not in c.pricebook.lists:
        fail(f"There is no price list {price_book!r}; lists: {', '.join(c.pricebook.lists)}.")
    system = get_profile(profile)
    implied = [system.protocol] if system and profile != DEFAULT_PROFILE else []
    chosen = (
        _split(protocols) or implied or _split((click.prompt("Protocols (cxml, oci or cxml,oci)"),))
    )
    if not chosen or any(p not in PROTOCOLS for p in chosen):
        fail("Protocols must be cxml, oci or both.")
    if "cxml" in chosen:
        domain = domain or click.prompt("cXML From domain (e.g. NetworkID)", default="NetworkID")
        identity = identity or click.prompt("cXML From identity (the buyer's network id)")
    if "oci" in chosen and not oci_username:
        oci_username = click.prompt("OCI USERNAME sent by SAP", default=buyer_id.upper())
    hosts = _split(return_hosts) or _split(
        (click.prompt("Hosts carts return to (comma separated, *.example.com allowed)"),)
    )
    checked = _check_storefront(c, storefront)
    secret = generate_secret() if "cxml" in chosen else ""
    oci_password = generate_secret() if "oci" in chosen else ""
    try:
        add_buyer(
            c.settings.buyers_path,
            buyer_id,
            name=name,
            protocols=chosen,
            storefront_id=storefront,
            user_policy=user_policy,
            price_book=price_book,
            return_hosts=hosts,
            credentials=[(domain, identity)] if "cxml" in chosen else [],
            secret_hash=hash_secret(secret) if secret else "",
            oci_username=oci_username if "oci" in chosen else "",
            oci_secret_hash=hash_secret(oci_password) if oci_password else "",
            profile=profile if profile != DEFAULT_PROFILE else "",
        )
    except RegistryChangeError as exc:
        fail(f"Nothing was written: {exc}")
    c = office()
    buyer = c.buyer(buyer_id)
    if as_json:
        secrets = {"secret": secret, "oci_password": oci_password, "storefront": checked}
        echo_json({"operator": summary(buyer), **secrets, "for_buyer": for_buyer_json(c, buyer)})
        return
    click.secho("For you (the operator)", bold=True)
    click.echo(f"  Buyer {buyer_id} added to {c.settings.buyers_path}; {checked}.")
    print_operator_view(c, buyer)
    if secret:
        show_secret(secret, "cxml")
    if oci_password:
        show_secret(oci_password, "oci")
    click.secho("For the buyer's procurement admin (`buyers show ID --for-buyer`)", bold=True)
    print_for_buyer(c, buyer)


def _check_storefront(c: Office, storefront: int) -> str:
    """Ask PrintNow, when one is configured, whether the storefront exists; stop when it
    says no. Returns what was found, for the operator."""
    s = c.settings
    if not (s.printnow_url and s.printnow_api_token and s.printnow_api_key):
        return (
            f"storefront {storefront} not checked (no PrintNow configured; "
            f"`punchout printnow check --storefront {storefront}` checks it)"
        )
    from punchout.cli.printnow import probe_storefront
    from punchout.runtime.connector import make_printnow_client

    exists, detail = probe_storefront(make_printnow_client(s), storefront)
    if exists is False:
        fail(f"Nothing was written: {detail.rstrip('.')}.")
    return detail


@buyers.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the buyers as JSON.")
@with_files
def buyers_list(as_json: bool) -> None:
    """List the registered buyers."""
    registry = office().registry.all()
    if as_json:
        echo_json([summary(b) for b in registry])
        return
    if not registry:
        click.echo("No buyers yet; add one with `punchout buyers add`.")
        return
    click.echo(
        f"{'id':<16} {'state':<9} {'profile':<8} {'protocols':<9} {'policy':<9} "
        f"{'storefront':<10} name"
    )
    for b in registry:
        state = "enabled" if b.enabled else "disabled"
        protocols = ",".join(b.protocols)
        click.echo(
            f"{b.id:<16} {state:<9} {b.profile:<8} {protocols:<9} {b.user_policy:<9} "
            f"{b.storefront_id:<10} {b.name}"
        )


@buyers.command("show")
@click.argument("buyer_id")
@click.option(
    "--for-buyer",
    is_flag=True,
    help="Only the copy-ready block for the buyer's procurement admin.",
)
@click.option("--json", "as_json", is_flag=True, help="Print both views as JSON.")
@with_files
def buyers_show(buyer_id: str, for_buyer: bool, as_json: bool) -> None:
    """Show the buyer: the operator's view, then what the buyer's procurement admin enters
    in their system (alone with --for-buyer)."""
    c = office()
    buyer = c.buyer(buyer_id)
    if as_json:
        view = {"for_buyer": for_buyer_json(c, buyer)}
        if not for_buyer:
            view["operator"] = {**summary(buyer), "secrets": secrets_hint(buyer.secrets),
                                "oci_secrets": secrets_hint(buyer.oci_secrets)}  # fmt: skip
        echo_json(view)
        return
    if not for_buyer:
        click.secho("For you (the operator)", bold=True)
        print_operator_view(c, buyer)
        click.secho("For the buyer's procurement admin (`--for-buyer` prints it alone)", bold=True)
    print_for_buyer(c, buyer)
