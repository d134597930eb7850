"""``punchout users``: the storefront accounts of a buyer's procurement users.

These commands talk to PrintNow (Customers API) and keep their progress in Redis, so they
run inside the whole connector (:func:`punchout.cli.common.with_app`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import click

from punchout.cli.common import connector, fail, with_app
from punchout.domain.buyers import Buyer
from punchout.domain.identity import IdentityError, ProcurementUser, user_key
from punchout.printnow import (
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
    ServerError,
    UnexpectedResponse,
)

#: Days the progress of an import is remembered, so an interrupted one can resume.
IMPORT_MEMORY_DAYS = 30


def _buyer(buyer_id: str) -> Buyer:
    buyer = connector().registry.get(buyer_id)
    if buyer is None:
        fail(f"There is no buyer {buyer_id!r}; `punchout buyers list` shows them.")
    return buyer


def _needs_printnow() -> None:
    """Stop with one line when no PrintNow is configured: the in-process sandbox that plays
    PrintNow for `serve` and the demo does not exist for a command run on its own."""
    if connector().settings.uses_sandbox:
        fail(
            "PUNCHOUT_PRINTNOW_URL is not set, so there is no PrintNow to create accounts in: "
            "set it to the PrintNow (or sandbox) URL the connector uses."
        )


@click.group("users")
def users() -> None:
    """Storefront accounts of a buyer's procurement users."""


@users.command("list")
@click.argument("buyer_id")
@click.option("--json", "as_json", is_flag=True, help="Print the users as JSON.")
@with_app
def users_list(buyer_id: str, as_json: bool) -> None:
    """List the storefront users the connector knows for a buyer."""
    buyer = _buyer(buyer_id)
    entries = connector().accounts.directory.all(buyer.id)
    if as_json:
        rows = [{"storefront_id": user_id, "kind": record.kind, "user": record.user_key,
                 "username": record.username if record.has_credentials else None}
                for user_id, record in entries]  # fmt: skip
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not entries:
        click.echo(f"No storefront users yet for {buyer.id}.")
        return
    click.echo(f"{'storefront id':<14} {'kind':<8} procurement user")
    for user_id, record in entries:
        who = record.user_key
        if record.kind == "linked":
            who += f" (linked to {record.username})"
        click.echo(f"{user_id:<14} {record.kind:<8} {who}")


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
    _needs_printnow()
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
@click.option("--json", "as_json", is_flag=True, help="Print the counts and failures as JSON.")
@with_app
def users_import(buyer_id: str, csv_file: Path, as_json: bool) -> None:
    """Create storefront accounts ahead of time from a CSV (email, first_name, last_name).

    Safe to run again: rows already done are skipped, so an interrupted import resumes.
    Failed rows are reported at the end.
    """
    c = connector()
    buyer = _buyer(buyer_id)
    if buyer.user_policy != "per_user":
        fail(f"Buyer {buyer.id} uses the {buyer.user_policy} policy; only per_user has accounts.")
    _needs_printnow()
    data = csv_file.read_bytes()
    rows = _read_rows(data)
    batch = hashlib.sha256(data).hexdigest()[:32]
    done = c.accounts.directory.imported(buyer.id, batch)
    failures: list[str] = []
    created = existing = 0
    label = f"Importing {len(rows)} users"
    progress = sys.stderr if as_json else None  # the JSON alone on standard output
    with click.progressbar(rows, label=label, show_pos=True, file=progress) as bar:
        for number, row in bar:
            email = user_key(row.get("email", ""))
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
            c.accounts.directory.mark_imported(buyer.id, batch, email, IMPORT_MEMORY_DAYS * 86400)
    skipped = len(done)
    if as_json:
        counts = {"created": created, "existed": existing, "done_before": skipped}
        click.echo(json.dumps({"buyer": buyer.id, **counts, "failed": failures}, indent=2))
        raise SystemExit(1 if failures else 0)
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
