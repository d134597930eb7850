"""``punchout documents`` (what was sent after each order, dead letters, redrive, a buyer's
document settings) and ``punchout worker`` (the process that polls and delivers)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import click

from punchout.cli.common import connector, fail, office, with_app, with_files
from punchout.domain.backchannel.registry import DOCUMENT_KINDS

STATES = ("queued", "delivering", "delivered", "dead")


def _backchannel() -> Any:
    from punchout.domain.backchannel.queue import Backchannel

    return Backchannel(connector())


@click.group("documents", short_help="Documents sent after orders: list, show, retry.")
def documents() -> None:
    """Confirmations, status updates, ship notices and invoices sent to buyers after their
    orders (`punchout worker` sends them)."""


@documents.command("list")
@click.option("--buyer", help="Only this buyer's documents.")
@click.option("--state", type=click.Choice(STATES), help="Only documents in this state.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@with_app
def documents_list(buyer: str | None, state: str | None, as_json: bool) -> None:
    """List documents, oldest first: id, buyer, PO, kind, state, attempts, last error. Dead
    documents (every attempt failed) are sent again with `punchout documents retry`."""
    book = _backchannel().book
    rows = [
        r.to_json()
        for r in book.all()
        if (buyer is None or r.buyer == buyer) and (state is None or r.state == state)
    ]
    refusals = book.refusals()
    if as_json:
        click.echo(json.dumps({"orders_api_refused": refusals, "documents": rows}, indent=2))
        return
    for storefront, refusal in sorted(refusals.items()):
        click.echo(
            f"Storefront {storefront}: PrintNow refused the Orders API at {refusal.get('at')} "
            f"({refusal.get('reason')}); it needs the Enterprise licence. Shipping and "
            "invoices are not read there; polling resumes a day after the refusal."
        )
    if not rows:
        click.echo("No documents.")
        return
    click.echo(
        f"{'id':<20} {'created':<25} {'buyer':<12} {'PO':<16} {'document':<36} "
        f"{'state':<10} {'tries':>5} last error"
    )
    for row in rows:
        click.echo(
            f"{row['id']:<20} {row['created_at']:<25} {row['buyer']:<12} {row['order_id']:<16} "
            f"{row['title'][:36]:<36} {row['state']:<10} {row['attempts']:>5} {row['last_error']}"
        )


@documents.command("show")
@click.argument("doc_id")
@with_app
def documents_show(doc_id: str) -> None:
    """Show a document's record and its XML as sent, without the SharedSecret."""
    book = _backchannel().book
    record = book.find(doc_id)
    if record is None:
        fail(f"There is no document {doc_id!r}; `punchout documents list` shows them.")
    for name, value in record.to_json().items():
        click.echo(f"{name + ':':<14} {value if value is not None else ''}")
    click.echo("")
    click.echo(book.xml(record.id).decode("utf-8"))


@documents.command("retry")
@click.argument("doc_id", required=False)
@click.option("--all-dead", is_flag=True, help="Send every dead document again.")
@with_app
def documents_retry(doc_id: str | None, all_dead: bool) -> None:
    """Send a document again (dead, or stuck while being sent), with fresh attempts; a
    delivered document is never sent again."""
    if bool(doc_id) == all_dead:
        fail("Name one document ID, or use --all-dead.")
    backchannel = _backchannel()
    book = backchannel.book
    if all_dead:
        chosen = [r for r in book.all() if r.state == "dead"]
    else:
        found = book.find(str(doc_id))
        if found is None:
            fail(f"There is no document {doc_id!r}; `punchout documents list` shows them.")
        if found.state == "delivered":
            fail(
                f"Document {found.id} was delivered at {found.delivered_at}; it is not sent again."
            )
        chosen = [found]
    for record in chosen:
        record.state, record.attempts = "queued", 0
        book.save(record)
        backchannel.send(record.id)
        click.echo(f"Document {record.id} ({record.title}) queued again.")
    if not chosen:
        click.echo("No dead documents.")


@documents.command("reindex")
@with_app
def documents_reindex() -> None:
    """Rebuild the index of POs the worker polls from the whole ledger.

    The worker polls only POs with something left to do, and drops those of buyers that take
    no documents (or whose documents start after the PO). After changing a buyer's document
    settings so they cover earlier POs, run this so they are polled again. Adding only, it is
    safe while the worker runs."""
    poller = _backchannel().poller()
    added = poller.worklist.build(poller.ledger_index())
    click.echo(f"Index of open POs rebuilt: {added} POs to poll; the worker drops the finished.")


@documents.command("configure")
@click.argument("buyer_id")
@click.option("--url", help="Where the buyer's system takes cXML documents.")
@click.option("--kinds", help=f"Comma-separated documents it takes ({','.join(DOCUMENT_KINDS)}).")
@click.option("--invoice-trigger", help="ship, or status:<PrintNow status>.")
@click.option(
    "--credential",
    "credentials",
    multiple=True,
    help="The supplier's DOMAIN:IDENTITY on the buyer's network (From and Sender); repeatable.",
)
@click.option(
    "--secret",
    "ask_secret",
    is_flag=True,
    help="Ask for the network's shared secret; stored encrypted.",
)
@with_files
def documents_configure(
    buyer_id: str,
    url: str | None,
    kinds: str | None,
    invoice_trigger: str | None,
    credentials: tuple[str, ...],
    ask_secret: bool,
) -> None:
    """Set where and how BUYER takes the documents sent after an order."""
    from punchout.domain import registry_file
    from punchout.domain.keys import Encryptor

    where = office()
    buyer = where.buyer(buyer_id)
    changes: dict[str, Any] = {}
    if url is not None:
        changes["documents.url"] = url
    if kinds is not None:
        changes["documents.kinds"] = [k.strip() for k in kinds.split(",") if k.strip()]
    if invoice_trigger is not None:
        changes["documents.invoice_trigger"] = invoice_trigger
    if credentials:
        pairs = [c.partition(":") for c in credentials]
        if any(not d or not i for d, _, i in pairs):
            fail("Give each credential as DOMAIN:IDENTITY, e.g. NetworkID:AN0100000123.")
        changes["documents.credentials"] = [{"domain": d, "identity": i} for d, _, i in pairs]
    if ask_secret:
        settings = where.settings
        if not settings.master_key:
            fail("PUNCHOUT_MASTER_KEY is not set: the secret is stored encrypted with it.")
        secret = click.prompt("Shared secret", hide_input=True, confirmation_prompt=True)
        changes["documents.secret"] = Encryptor(
            settings.master_key, settings.previous_master_keys
        ).encrypt(secret.strip())
    if not changes:
        fail("Nothing to change: give --url, --kinds, --invoice-trigger, --credential or --secret.")
    if buyer.documents is None:  # turned on now: the buyer's earlier POs get no documents
        changes["documents.since"] = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        registry_file.set_values(where.settings.buyers_path, buyer_id, changes)
    except registry_file.RegistryChangeError as exc:
        fail(str(exc))
    click.echo(f"Buyer {buyer_id}: document settings saved ({', '.join(sorted(changes))}).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then stop.")
def worker(burst: bool) -> None:
    """Run the background worker: polls orders, sends documents.

    It polls open orders and sends the documents after each order, with retries. It reads
    the same PUNCHOUT_* settings and Redis as the connector."""
    from punchout.domain.backchannel.queue import Backchannel, build_connector, run_worker
    from punchout.runtime.observability import logs
    from punchout.runtime.settings import SettingsError
    from punchout.web.app import SANDBOX_REFUSAL

    logs.configure()
    try:
        c = build_connector()
    except SettingsError as exc:
        click.echo(f"punchout: {exc}", err=True)
        sys.exit(2)
    if c.settings.uses_sandbox:
        click.echo(f"punchout: {SANDBOX_REFUSAL}", err=True)
        sys.exit(2)
    logging.getLogger(__name__).info("punchout worker for %s", c.settings.public_url)
    run_worker(Backchannel(c), burst=burst)
