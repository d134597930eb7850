"""``punchout keys``: master-key rotation (the procedure is in the README).

``keys status`` says which master key each known storefront user is on; ``keys migrate``
moves every one of them to the current key (derived PrintNow passwords changed through PIPO,
stored passwords encrypted again), after which the previous key can be retired.
"""

from __future__ import annotations

import json
from collections import Counter

import click

from punchout.cli.common import connector, fail, with_app
from punchout.domain.key_rotation import migrate
from punchout.domain.keys import key_id


@click.group("keys")
def keys() -> None:
    """The master key: status and migration after a rotation."""


@keys.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@with_app
def keys_status(as_json: bool) -> None:
    """Show the current and previous master keys (by id) and which key users are on."""
    c = connector()
    on: Counter[str] = Counter()
    for buyer in c.registry.all():
        for _, record in c.accounts.directory.all(buyer.id):
            if record.kind == "derived":
                on[record.key_id or "unknown"] += 1
    if as_json:
        earlier = [key_id(k) for k in c.keys.previous]
        status = {"current": key_id(c.keys.current), "previous": earlier, "derived_accounts": on}
        click.echo(json.dumps(status, indent=2))
        return
    click.echo(f"Current master key: {key_id(c.keys.current)}")
    for previous in c.keys.previous:
        click.echo(f"Previous master key (still accepted): {key_id(previous)}")
    for kid, count in sorted(on.items()):
        click.echo(f"  {count} derived account(s) on key {kid}")
    stale = sum(n for kid, n in on.items() if kid != key_id(c.keys.current))
    if stale or c.keys.previous:
        click.echo("Run `punchout keys migrate` before retiring a previous key.")


@keys.command("migrate")
@click.option("--json", "as_json", is_flag=True, help="Print the counts and failures as JSON.")
@with_app
def keys_migrate(as_json: bool) -> None:
    """Move every known storefront user to the current master key."""
    c = connector()
    report = migrate(c.client, c.accounts.directory, c.keys, c.encryptor, c.registry.all())
    if as_json:
        counts = {"derived": report.derived, "reencrypted": report.reencrypted}
        click.echo(json.dumps({**counts, "failed": list(report.failed)}, indent=2))
        raise SystemExit(1 if report.failed else 0)
    click.echo(
        f"{report.derived} derived account(s) on key {key_id(c.keys.current)}; "
        f"{report.reencrypted} stored password(s) encrypted again."
    )
    if report.failed:
        for problem in report.failed:
            click.echo(f"  not migrated: {problem}", err=True)
        fail(f"{len(report.failed)} user(s) could not be migrated; keep the previous key.")
    click.echo("Every user is on the current key.")
