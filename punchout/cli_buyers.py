"""``punchout buyers``, ``punchout users`` and ``punchout pricebook``: onboarding buyers.

Each onboarding ends with the exact values the buyer's procurement admin types into Ariba,
Coupa or SAP (``buyers show``) and a check that the link works (``buyers test``). Every
error is one line; nothing is half-written when a command fails.
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from punchout import link_check
from punchout.admin_screen import admin_screen
from punchout.buyers import PROTOCOLS, USER_POLICIES, Buyer, Secret
from punchout.cart import cart_field_names
from punchout.cli_common import connector, fail, with_app
from punchout.identity import IdentityError, ProcurementUser
from punchout.keys import generate_secret, hash_secret
from punchout.pricebook import PriceBook, PriceBookError
from punchout.printnow import (
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
    ServerError,
    UnexpectedResponse,
)
from punchout.profiles import DEFAULT_PROFILE, PROFILE_NAMES, get_profile
from punchout.registry_file import RegistryChangeError, add_buyer, rotate_secret, set_enabled

BUYER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
#: Days the progress of an import is remembered, so an interrupted one can resume.
IMPORT_MEMORY_DAYS = 30


def _buyer(buyer_id: str) -> Buyer:
    buyer = connector().registry.get(buyer_id)
    if buyer is None:
        fail(f"There is no buyer {buyer_id!r}; `punchout buyers list` shows them.")
    return buyer


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# ---------------------------------------------------------------------------- buyers


@click.group("buyers")
def buyers() -> None:
    """Buyer organisations: add, show, test, rotate secrets, enable and disable."""


@buyers.command("add")
@click.option("--id", "buyer_id", prompt="Buyer id (lower case, e.g. acme)", help="Short id.")
@click.option("--name", prompt="Organisation name", help="The buyer organisation's name.")
@click.option(
    "--protocol",
    "protocols",
    multiple=True,
    help="cxml, oci, or both (repeat the option or separate with commas).",
)
@click.option("--domain", default="", help="cXML From credential domain (e.g. NetworkID).")
@click.option("--identity", default="", help="cXML From credential identity (e.g. AN0100…).")
@click.option("--oci-username", default="", help="The USERNAME the SAP system sends (OCI).")
@click.option("--storefront", type=int, prompt="PrintNow storefront id", help="Storefront id.")
@click.option(
    "--user-policy",
    type=click.Choice(USER_POLICIES),
    default="per_user",
    show_default=True,
    help="per_user: an account per procurement user; shared: one for the organisation; "
    "guest: a temporary user per punch-out.",
)
@click.option(
    "--return-host",
    "return_hosts",
    multiple=True,
    help="Host the cart may be posted back to (repeat, or separate with commas).",
)
@click.option("--price-book", default="standard", show_default=True, help="Price list name.")
@click.option(
    "--profile",
    type=click.Choice(PROFILE_NAMES),
    default=DEFAULT_PROFILE,
    show_default=True,
    help="The buyer's procurement system: its dialect (cart field, units, user fields, ...) "
    "and the words `buyers show` uses for its admin screen. Any setting can be overridden "
    "in the buyer's table.",
)
@with_app
def buyers_add(
    buyer_id: str,
    name: str,
    protocols: tuple[str, ...],
    domain: str,
    identity: str,
    oci_username: str,
    storefront: int,
    user_policy: str,
    return_hosts: tuple[str, ...],
    price_book: str,
    profile: str,
) -> None:
    """Register a buyer and generate its secrets (shown once; only their hashes are stored):
    the cXML shared secret and, for OCI, a separate OCI password."""
    c = connector()
    if not BUYER_ID.match(buyer_id):
        fail("The id must be 1-40 lower-case letters, digits or dashes, starting with one.")
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
    if price_book not in c.pricebook.lists:
        fail(f"There is no price list {price_book!r}; lists: {', '.join(c.pricebook.lists)}.")
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
    click.echo(f"Buyer {buyer_id} added to {c.settings.buyers_path}.")
    if secret:
        _show_secret(secret, "cxml")
    if oci_password:
        _show_secret(oci_password, "oci")
    _print_setup(_buyer(buyer_id))


def _show_secret(secret: str, kind: str) -> None:
    what = {"cxml": "cXML SharedSecret", "oci": "OCI PASSWORD"}[kind]
    click.echo("")
    click.secho(f"{what} (shown only now; give it to the buyer's admin securely):", bold=True)
    click.echo(f"    {secret}")
    click.echo("")


@buyers.command("list")
@with_app
def buyers_list() -> None:
    """List the registered buyers."""
    registry = connector().registry.all()
    if not registry:
        click.echo("No buyers yet; add one with `punchout buyers add`.")
        return
    click.echo(f"{'id':<16} {'state':<9} {'protocols':<10} {'policy':<9} {'storefront':<10} name")
    for b in registry:
        state = "enabled" if b.enabled else "disabled"
        protocols = ",".join(b.protocols)
        policy, storefront = b.user_policy, b.storefront_id
        click.echo(f"{b.id:<16} {state:<9} {protocols:<10} {policy:<9} {storefront:<10} {b.name}")


@buyers.command("show")
@click.argument("buyer_id")
@with_app
def buyers_show(buyer_id: str) -> None:
    """Print what the buyer's procurement admin must enter in their system."""
    _print_setup(_buyer(buyer_id))


def _print_setup(buyer: Buyer) -> None:
    c = connector()
    s = c.settings
    now = datetime.now(UTC)
    secret_hint = _secrets_hint(buyer.secrets, now)
    click.secho(f"{buyer.name} ({buyer.id})", bold=True)
    click.echo(
        f"  {'enabled' if buyer.enabled else 'DISABLED'}; storefront {buyer.storefront_id}; "
        f"profile {buyer.profile}; user policy {buyer.user_policy}; "
        f"price list {buyer.price_book}; "
        f"operations {', '.join(buyer.operations)}"
    )
    click.echo(f"  Carts may return to: {', '.join(buyer.return_hosts) or '(no host yet!)'}")
    _print_admin_screen(buyer, secret_hint, _secrets_hint(buyer.oci_secrets, now))
    click.secho("  Details", bold=True)
    if "cxml" in buyer.protocols:
        click.secho("  cXML (Ariba, Coupa, Jaggaer, Oracle)", bold=True)
        click.echo(f"    Punch-out URL (PunchOutSetupRequest): {c.url('/cxml')}")
        click.echo(f"    Order URL (OrderRequest):             {c.url('/cxml')}")
        for domain, identity in buyer.credentials:
            click.echo(f"    From:   domain {domain}, identity {identity}")
        click.echo(f"    To:     domain {s.supplier_domain}, identity {s.supplier_identity}")
        domain, identity = buyer.credentials[0] if buyer.credentials else ("?", "?")
        click.echo(f"    Sender: domain {domain}, identity {identity}, SharedSecret: the secret")
        click.echo(f"            given at `buyers add` or `buyers rotate-secret` ({secret_hint})")
        click.echo(f"    Cart field: {cart_field_names(buyer)}")
    if "oci" in buyer.protocols:
        click.secho("  SAP OCI", bold=True)
        click.echo(f"    Catalog URL: {c.url('/oci/' + buyer.id)}  (POST; GET also works)")
        click.echo(f"    {buyer.oci.username_field} = {buyer.oci.username}")
        click.echo(
            f"    {buyer.oci.password_field} = the OCI password given at `buyers add` or "
            f"`buyers rotate-secret --oci` ({_secrets_hint(buyer.oci_secrets, now)})"
        )
        click.echo(f"    {buyer.oci.hook_field} = filled in by SAP at runtime")
        if buyer.oci.user_fields:
            click.echo(f"    {buyer.oci.user_fields[0]} = the SAP user's e-mail")
        click.echo("    ~OkCode = ADDI, ~TARGET = _top, OCI_VERSION = 5.0")


def _secrets_hint(secrets: tuple[Secret, ...], now: datetime) -> str:
    active = [x for x in secrets if x.valid_at(now)]
    ending = [x.not_after for x in active if x.not_after]
    return f"{len(active)} secret(s) work now" + (
        f"; the older one stops at {min(ending):%Y-%m-%d %H:%M %Z}" if ending else ""
    )


def _print_admin_screen(buyer: Buyer, secret_hint: str, oci_hint: str) -> None:
    """The fields of the buyer's system's admin screen, in its own words, with their values."""
    c = connector()
    screen = admin_screen(
        buyer,
        cxml_url=c.url("/cxml"),
        oci_url=c.url("/oci/" + buyer.id),
        supplier=(c.settings.supplier_domain, c.settings.supplier_identity),
        secret=f"the secret given at `buyers add` ({secret_hint})",
        oci_password=f"the OCI password given at `buyers add` ({oci_hint})",
    )
    click.secho(f"  {screen.title}: in {screen.where}, enter", bold=True)
    width = max((len(label) for label, _ in screen.rows), default=0)
    for label, value in screen.rows:
        click.echo(f"    {label + ':':<{width + 1}} {value}")


@buyers.command("rotate-secret")
@click.argument("buyer_id")
@click.option(
    "--overlap-days",
    type=click.FloatRange(min=0),
    default=7,
    show_default=True,
    help="Days the old secret keeps working beside the new one.",
)
@click.option("--oci", "oci_password", is_flag=True, help="Rotate the OCI password instead.")
@with_app
def buyers_rotate(buyer_id: str, overlap_days: float, oci_password: bool) -> None:
    """Give the buyer a new cXML shared secret (or, with --oci, a new OCI password); the old
    one works until the overlap ends."""
    buyer = _buyer(buyer_id)
    kind = "oci" if oci_password else "cxml"
    if kind not in buyer.protocols:
        fail(f"Buyer {buyer.id} does not use {kind}.")
    secret = generate_secret()
    until = datetime.now(UTC) + timedelta(days=overlap_days)
    path = connector().settings.buyers_path
    try:
        rotate_secret(path, buyer.id, hash_secret(secret), until, kind=kind)
    except RegistryChangeError as exc:
        fail(f"Nothing was written: {exc}")
    click.echo(f"New secret for {buyer.id}; the old one works until {until:%Y-%m-%d %H:%M %Z}.")
    _show_secret(secret, kind)


@buyers.command("disable")
@click.argument("buyer_id")
@with_app
def buyers_disable(buyer_id: str) -> None:
    """Refuse the buyer's punch-outs and orders (nothing is deleted)."""
    _set_enabled(buyer_id, False)


@buyers.command("enable")
@click.argument("buyer_id")
@with_app
def buyers_enable(buyer_id: str) -> None:
    """Accept the buyer again."""
    _set_enabled(buyer_id, True)


def _set_enabled(buyer_id: str, enabled: bool) -> None:
    buyer = _buyer(buyer_id)
    try:
        set_enabled(connector().settings.buyers_path, buyer.id, enabled)
    except RegistryChangeError as exc:
        fail(f"Nothing was written: {exc}")
    click.echo(f"Buyer {buyer.id} {'enabled' if enabled else 'disabled'}.")


@buyers.command("test")
@click.argument("buyer_id")
@click.option("--url", default="", help="The connector's base URL (default: public_url).")
@click.option(
    "--secret",
    prompt=True,
    hide_input=True,
    help="The buyer's cXML secret, or OCI password for --protocol oci (prompted if left out).",
)
@click.option("--protocol", type=click.Choice(PROTOCOLS), default=None, help="Which link to test.")
@with_app
def buyers_test(buyer_id: str, url: str, secret: str, protocol: str | None) -> None:
    """Play the buyer against a running connector and report each step."""
    c = connector()
    buyer = _buyer(buyer_id)
    base = url or c.settings.public_url
    chosen = protocol or buyer.protocols[0]
    if chosen not in buyer.protocols:
        fail(f"Buyer {buyer.id} does not use {chosen}.")
    if chosen == "cxml":
        supplier = (c.settings.supplier_domain, c.settings.supplier_identity)
        report = link_check.check_cxml(base, buyer, secret, supplier)
    else:
        report = link_check.check_oci(base, buyer, secret)
    for step in report.steps:
        mark = click.style("ok  ", fg="green") if step.ok else click.style("FAIL", fg="red")
        click.echo(f"  [{mark}] {step.name}: {step.detail}")
    if not buyer.cancel_status:  # the documented APIs cannot list a storefront's statuses
        click.echo(
            f"  [note] cancel status: {buyer.id} has no cancel_status; cancelled POs get "
            f"{c.settings.order_cancel_status!r}, which must be an order status of storefront "
            f"{buyer.storefront_id}"
        )
    if not report.ok:
        fail(report.diagnosis or "The link does not work.")
    click.echo(f"The {chosen} link of {buyer.id} works.")


# ---------------------------------------------------------------------------- users


@click.group("users")
def users() -> None:
    """Storefront accounts of a buyer's procurement users."""


@users.command("list")
@click.argument("buyer_id")
@with_app
def users_list(buyer_id: str) -> None:
    """List the storefront users the connector knows for a buyer."""
    buyer = _buyer(buyer_id)
    entries = connector().accounts.directory(buyer.id)
    if not entries:
        click.echo(f"No storefront users yet for {buyer.id}.")
        return
    click.echo(f"{'storefront id':<14} {'kind':<8} procurement user")
    for user_id, record in entries:
        kind = str(record.get("kind", ""))
        who = str(record.get("user_key", ""))
        if kind == "linked":
            who += f" (linked to {record.get('username')})"
        click.echo(f"{user_id:<14} {kind:<8} {who}")


@users.command("link")
@click.argument("buyer_id")
@click.argument("user")
@click.option("--username", prompt="Storefront user name", help="The existing account's name.")
@click.option(
    "--password", prompt=True, hide_input=True, help="Its password (prompted if left out)."
)
@with_app
def users_link(buyer_id: str, user: str, username: str, password: str) -> None:
    """Bind procurement USER (e.g. their e-mail) to an existing storefront account.

    For a user whose e-mail already had a storefront account (PrintNow's duplicate email).
    The login is checked with PrintNow; the password is stored encrypted.
    """
    buyer = _buyer(buyer_id)
    try:
        user_id = connector().accounts.link(buyer, user, username, password)
    except IdentityError as exc:
        fail(exc.message)
    except PrintNowError as exc:
        fail(f"PrintNow could not be asked: {exc.message}")
    click.echo(f"{user} of {buyer.id} is linked to storefront account {username} ({user_id}).")


@users.command("import")
@click.argument("buyer_id")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_app
def users_import(buyer_id: str, csv_file: Path) -> None:
    """Create storefront accounts ahead of time from a CSV (email, first_name, last_name).

    Safe to run again: rows already done are skipped, so an interrupted import resumes.
    Failed rows are reported at the end.
    """
    c = connector()
    buyer = _buyer(buyer_id)
    if buyer.user_policy != "per_user":
        fail(f"Buyer {buyer.id} uses the {buyer.user_policy} policy; only per_user has accounts.")
    data = csv_file.read_bytes()
    rows = _read_rows(data)
    done_key = c.store.key("import", buyer.id, hashlib.sha256(data).hexdigest()[:32])
    done = {str(x) for x in c.store.redis.smembers(done_key)}
    failures: list[str] = []
    created = existing = 0
    with click.progressbar(rows, label=f"Importing {len(rows)} users", show_pos=True) as bar:
        for number, row in bar:
            email = row.get("email", "").strip().lower()
            if email in done:
                continue
            if "@" not in email:
                failures.append(f"row {number}: no e-mail address")
                continue
            user = ProcurementUser(
                key=email,
                email=email,
                first_name=row.get("first_name", "").strip(),
                last_name=row.get("last_name", "").strip(),
            )
            try:
                _, was_created = c.accounts.provision(buyer, user)
            except (
                ServerError,
                PrintNowTimeout,
                PrintNowConnectionError,
                UnexpectedResponse,
            ) as exc:
                click.echo("")
                fail(
                    f"Import interrupted at row {number} (PrintNow: {exc.message}). "
                    "Run the same command again to resume."
                )
            except PrintNowError as exc:
                failures.append(f"row {number} ({email}): {exc.message}")
                continue
            created += was_created
            existing += not was_created
            pipe = c.store.redis.pipeline()
            pipe.sadd(done_key, email)
            pipe.expire(done_key, IMPORT_MEMORY_DAYS * 86400)
            pipe.execute()
    skipped = len(done)
    click.echo(
        f"Done: {created} created, {existing} existed already, {skipped} done before, "
        f"{len(failures)} failed."
    )
    for failure in failures:
        click.echo(f"  {failure}")
    if failures:
        raise SystemExit(1)


def _read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("The CSV file is not UTF-8.")
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "email" not in fields:
        fail("The CSV file needs a header row with at least: email, first_name, last_name.")
    return [
        (n, {k.strip().lower(): (v or "") for k, v in row.items() if k})
        for n, row in enumerate(reader, start=2)
    ]


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
@with_app
def pricebook_check(templates: tuple[str, ...]) -> None:
    """Check that every buyer can be priced for every template, with valid UOM, UNSPSC and
    currency (a template priced in any list, or named with --template, must be in all)."""
    c = connector()
    from punchout.connector import pricebook_path

    path = pricebook_path(c.settings)
    try:
        book = PriceBook.load(path)
    except PriceBookError as exc:
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
    for problem in problems:
        click.echo(f"  {problem}")
    if problems:
        fail(f"{len(problems)} problem(s) in {path}.")
    click.echo(
        f"The price book is complete: {len(wanted)} template(s), {len(book.lists)} list(s), "
        f"{len(c.registry.all())} buyer(s)."
    )
