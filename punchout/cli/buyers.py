"""``punchout buyers add/list/show`` and ``punchout pricebook``: onboarding buyers.

Each onboarding ends with the exact values the buyer's procurement admin types into Ariba,
Coupa or SAP (``buyers show --for-buyer``) and a check that the link works (``buyers
test``, in :mod:`punchout.cli.buyers_change` with the other changes). These commands read
and write only the registry files: they need no secret, no Redis and no PrintNow. Every
error is one line; nothing is half-written when a command fails.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from punchout.cli.common import Office, fail, office, pricebook_file, with_files
from punchout.domain.buyers import PROTOCOLS, USER_POLICIES, Buyer, Secret
from punchout.domain.keys import generate_secret, hash_secret
from punchout.domain.pricebook import PriceBook, PriceBookError
from punchout.domain.profiles import DEFAULT_PROFILE, PROFILE_NAMES, get_profile
from punchout.domain.registry_file import RegistryChangeError, add_buyer

if TYPE_CHECKING:
    from punchout.domain.admin_screen import AdminScreen

BUYER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


# ---------------------------------------------------------------------------- buyers


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
        echo_json({"operator": _summary(buyer), **secrets, "for_buyer": _for_buyer_json(c, buyer)})
        return
    click.secho("For you (the operator)", bold=True)
    click.echo(f"  Buyer {buyer_id} added to {c.settings.buyers_path}; {checked}.")
    _print_operator_view(c, buyer)
    if secret:
        show_secret(secret, "cxml")
    if oci_password:
        show_secret(oci_password, "oci")
    click.secho("For the buyer's procurement admin (`buyers show ID --for-buyer`)", bold=True)
    _print_for_buyer(c, buyer)


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
    from punchout.web.app import make_printnow_client

    exists, detail = probe_storefront(make_printnow_client(s), storefront)
    if exists is False:
        fail(f"Nothing was written: {detail.rstrip('.')}.")
    return detail


def show_secret(secret: str, kind: str) -> None:
    what = {"cxml": "cXML SharedSecret", "oci": "OCI PASSWORD"}[kind]
    click.echo("")
    click.secho(f"{what} (shown only now; give it to the buyer's admin securely):", bold=True)
    click.echo(f"    {secret}")
    click.echo("")


@buyers.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the buyers as JSON.")
@with_files
def buyers_list(as_json: bool) -> None:
    """List the registered buyers."""
    registry = office().registry.all()
    if as_json:
        echo_json([_summary(b) for b in registry])
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


def _summary(buyer: Buyer) -> dict[str, Any]:
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
        view = {"for_buyer": _for_buyer_json(c, buyer)}
        if not for_buyer:
            view["operator"] = {**_summary(buyer), "secrets": _secrets_hint(buyer.secrets),
                                "oci_secrets": _secrets_hint(buyer.oci_secrets)}  # fmt: skip
        echo_json(view)
        return
    if not for_buyer:
        click.secho("For you (the operator)", bold=True)
        _print_operator_view(c, buyer)
        click.secho("For the buyer's procurement admin (`--for-buyer` prints it alone)", bold=True)
    _print_for_buyer(c, buyer)


def _for_buyer_json(c: Office, buyer: Buyer) -> dict[str, Any]:
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


def _print_operator_view(c: Office, buyer: Buyer) -> None:
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
        click.echo(f"  cXML secrets: {_secrets_hint(buyer.secrets)}")
    if "oci" in buyer.protocols:
        hint = _secrets_hint(buyer.oci_secrets)
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


def _print_for_buyer(c: Office, buyer: Buyer) -> None:
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


def _secrets_hint(secrets: tuple[Secret, ...]) -> str:
    now = datetime.now(UTC)
    active = [x for x in secrets if x.valid_at(now)]
    ending = [x.not_after for x in active if x.not_after]
    return f"{len(active)} work now" + (
        f"; the older one stops at {min(ending):%Y-%m-%d %H:%M %Z}" if ending else ""
    )


# ---------------------------------------------------------------------------- price book


@click.group("pricebook")
def pricebook() -> None:
    """The price book buyers are priced from."""


@pricebook.command("check")
@click.option(
    "--template",
    "templates",
    multiple=True,
    help="A storefront template every buyer must be able to order (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@with_files
def pricebook_check(templates: tuple[str, ...], as_json: bool) -> None:
    """Check that every buyer can be priced for every template, with valid UOM, UNSPSC and
    currency (a template priced in any list, or named with --template, must be in all)."""
    c = office()
    path = pricebook_file(c.settings)
    try:
        book = PriceBook.load(path)
    except PriceBookError as exc:
        if as_json:
            echo_json({"file": str(path), "ok": False, "problems": exc.problems})
            raise SystemExit(1) from None
        for problem in exc.problems:
            click.echo(f"  {problem}")
        fail(f"The price book {path} is not valid.")
    wanted = {t for lst in book.lists.values() for t in lst.items} | set(templates)
    problems = []
    for buyer in c.registry.all():
        if buyer.price_book not in book.lists:
            problems.append(f"buyer {buyer.id}: there is no price list {buyer.price_book!r}")
            continue
        missing = sorted(wanted - set(book.lists[buyer.price_book].items))
        if missing:
            problems.append(
                f"buyer {buyer.id}: list {buyer.price_book!r} has no price for "
                + ", ".join(missing)
            )
    if as_json:
        echo_json({"file": str(path), "ok": not problems, "problems": problems,
                   "templates": sorted(wanted), "lists": sorted(book.lists)})  # fmt: skip
        raise SystemExit(1 if problems else 0)
    for problem in problems:
        click.echo(f"  {problem}")
    if problems:
        fail(f"{len(problems)} problem(s) in {path}.")
    click.echo(
        f"The price book is complete: {len(wanted)} template(s), {len(book.lists)} list(s), "
        f"{len(c.registry.all())} buyer(s)."
    )
