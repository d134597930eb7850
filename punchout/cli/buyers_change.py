"""``punchout buyers set/edit/rotate-secret/enable/disable/test``: changing a buyer after
``buyers add``, and checking its link.

Every change goes through :mod:`punchout.domain.registry_file`: validated as the connector loads the
registry, written atomically, comments kept. A change that cuts a buyer off (a secret
rotated with no overlap, a buyer disabled) asks first; ``--yes`` skips the question.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import click

from punchout.cli.buyer_view import show_secret
from punchout.cli.common import echo_json, fail, office, with_files
from punchout.domain.buyers import PROTOCOLS
from punchout.domain.keys import generate_secret, hash_secret
from punchout.domain.registry_file import (
    RegistryChangeError,
    buyer_text,
    replace_buyer,
    rotate_secret,
    set_enabled,
    set_values,
)
from punchout.domain.registry_keys import BadSetting, parse_value

_YES = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")


@click.command("set", short_help="Change any setting of a buyer, given as KEY=VALUE pairs.")
@click.argument("buyer_id")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.option("--json", "as_json", is_flag=True, help="Print the changed keys as JSON.")
@with_files
def buyers_set(buyer_id: str, assignments: tuple[str, ...], as_json: bool) -> None:
    """Change settings of a buyer, e.g. `user_policy=shared`, `cart_transport=both`,
    `credentials=NetworkID:AN01,DUNS:1234`, `oci.hook_field=MM_HOOK_URL`,
    `unit_map.C62=EA`, `allow_http_return=true`. Lists are comma separated; `KEY=` (empty)
    removes the key so the profile's default applies again. Every key is checked as the
    connector loads the registry; either all are written or none.

    \b
    Keys: name, profile, enabled, protocols, storefront_id, user_policy, price_book,
    cart_transport, return_hosts, quantity_changes, allow_http_return, operations,
    identity_chain, price_tolerance, cancel_status, no_user, description_max_length,
    description_charset, return_frame, timestamps, unit_map.CODE, credentials,
    oci.username, oci.username_field, oci.password_field, oci.hook_field,
    oci.user_fields, oci.cust_fields. Secrets change with `buyers rotate-secret`.
    """
    c = office()
    buyer = c.buyer(buyer_id)
    changes: dict[str, Any] = {}
    try:
        for assignment in assignments:
            key, equals, value = assignment.partition("=")
            if not equals:
                raise BadSetting(f"{assignment!r} must look like KEY=VALUE")
            changes[key.strip()] = parse_value(key.strip(), value)
        if changes.get("price_book") and changes["price_book"] not in c.pricebook.lists:
            lists = ", ".join(c.pricebook.lists)
            raise BadSetting(f"there is no price list {changes['price_book']!r}; lists: {lists}")
        set_values(c.settings.buyers_path, buyer.id, changes)
    except (BadSetting, RegistryChangeError) as exc:
        fail(f"Nothing was written: {exc}")
    if as_json:
        echo_json({"buyer": buyer.id, "changed": changes})
        return
    for key, value in changes.items():
        shown = "(removed: the default applies)" if value is None else value
        click.echo(f"{buyer.id}: {key} = {shown}")


@click.command("edit")
@click.argument("buyer_id")
@with_files
def buyers_edit(buyer_id: str) -> None:
    """Open the buyer's table in $EDITOR; it is saved only if the registry still loads."""
    c = office()
    buyer = c.buyer(buyer_id)
    path = c.settings.buyers_path
    try:
        before = buyer_text(path, buyer.id)
    except RegistryChangeError as exc:
        fail(str(exc))
    edited = click.edit(before, extension=".toml")
    if edited is None or edited == before:
        click.echo(f"No change to {buyer.id}.")
        return
    try:
        replace_buyer(path, buyer.id, edited)
    except RegistryChangeError as exc:
        fail(f"Nothing was written: {exc}")
    click.echo(f"Buyer {buyer.id} saved to {path}.")


@click.command("rotate-secret")
@click.argument("buyer_id")
@click.option(
    "--overlap-days",
    type=click.FloatRange(min=0),
    default=7,
    show_default=True,
    help="Days the old secret keeps working beside the new one (0 cuts it off now).",
)
@click.option("--oci", "oci_password", is_flag=True, help="Rotate the OCI password instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the new secret as JSON.")
@_YES
@with_files
def buyers_rotate(
    buyer_id: str, overlap_days: float, oci_password: bool, as_json: bool, yes: bool
) -> None:
    """Give the buyer a new cXML shared secret (or, with --oci, a new OCI password); the old
    one works until the overlap ends."""
    c = office()
    buyer = c.buyer(buyer_id)
    kind = "oci" if oci_password else "cxml"
    if kind not in buyer.protocols:
        fail(f"Buyer {buyer.id} does not use {kind}.")
    if overlap_days == 0 and not yes:
        click.confirm(
            f"With no overlap the current {kind} secret of {buyer.id} stops working now, and "
            "its punch-outs and orders are refused until the buyer enters the new one. Go on?",
            abort=True,
            err=True,
        )
    secret = generate_secret()
    until = datetime.now(UTC) + timedelta(days=overlap_days)
    try:
        rotate_secret(c.settings.buyers_path, buyer.id, hash_secret(secret), until, kind=kind)
    except RegistryChangeError as exc:
        fail(f"Nothing was written: {exc}")
    if as_json:
        echo_json({"buyer": buyer.id, "kind": kind, "secret": secret, "old_until": until})
        return
    click.echo(f"New secret for {buyer.id}; the old one works until {until:%Y-%m-%d %H:%M %Z}.")
    show_secret(secret, kind)


_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


@click.command("disable")
@click.argument("buyer_id")
@_YES
@_JSON
@with_files
def buyers_disable(buyer_id: str, yes: bool, as_json: bool) -> None:
    """Refuse the buyer's punch-outs and orders (nothing is deleted)."""
    if not yes:
        click.confirm(
            f"Buyer {buyer_id}'s punch-outs and purchase orders will be refused. Go on?",
            abort=True,
            err=True,
        )
    _set_enabled(buyer_id, False, as_json)


@click.command("enable")
@click.argument("buyer_id")
@_JSON
@with_files
def buyers_enable(buyer_id: str, as_json: bool) -> None:
    """Accept the buyer again."""
    _set_enabled(buyer_id, True, as_json)


def _set_enabled(buyer_id: str, enabled: bool, as_json: bool) -> None:
    c = office()
    buyer = c.buyer(buyer_id)
    try:
        set_enabled(c.settings.buyers_path, buyer.id, enabled)
    except RegistryChangeError as exc:
        fail(f"Nothing was written: {exc}")
    if as_json:
        echo_json({"buyer": buyer.id, "enabled": enabled})
        return
    click.echo(f"Buyer {buyer.id} {'enabled' if enabled else 'disabled'}.")


@click.command("test")
@click.argument("buyer_id")
@click.option("--url", default="", help="The connector's base URL (default: public_url).")
@click.option(
    "--secret",
    prompt=True,
    hide_input=True,
    help="The buyer's cXML secret, or OCI password for --protocol oci (prompted if left out).",
)
@click.option("--protocol", type=click.Choice(PROTOCOLS), default=None, help="Which link to test.")
@click.option("--json", "as_json", is_flag=True, help="Print the steps as JSON.")
@with_files
def buyers_test(buyer_id: str, url: str, secret: str, protocol: str | None, as_json: bool) -> None:
    """Play the buyer against a running connector and report each step."""
    from punchout.cli import link_check  # requests and the cXML reader: only this command

    c = office()
    buyer = c.buyer(buyer_id)
    base = url or c.settings.public_url
    chosen = protocol or buyer.protocols[0]
    if chosen not in buyer.protocols:
        fail(f"Buyer {buyer.id} does not use {chosen}.")
    if chosen == "cxml":
        supplier = (c.settings.supplier_domain, c.settings.supplier_identity)
        report = link_check.check_cxml(base, buyer, secret, supplier)
    else:
        report = link_check.check_oci(base, buyer, secret)
    if as_json:
        steps = [{"name": s.name, "ok": s.ok, "detail": s.detail} for s in report.steps]
        echo_json({"buyer": buyer.id, "ok": report.ok, "steps": steps,
                   "diagnosis": report.diagnosis})  # fmt: skip
        raise SystemExit(0 if report.ok else 1)
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


COMMANDS = (buyers_set, buyers_edit, buyers_rotate, buyers_disable, buyers_enable, buyers_test)
