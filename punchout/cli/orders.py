"""``punchout orders``: the order ledger and the audit trail.

``list`` and ``show`` read what each purchase order asked, what was answered, how long it
took and which PrintNow orders it made, and name the command for an order that needs the
supplier; ``resolve`` settles an order whose creation PrintNow never confirmed; ``export``
and ``import`` back the ledger up and restore it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from decimal import Decimal
from typing import Any, TextIO

import click

from punchout.cli.common import connector, with_app
from punchout.domain.orders import BadRecord, OrderDesk
from punchout.domain.orders.records import Ledger, OrderRecord
from punchout.protocol.numbers import BadNumber, parse_price, parse_quantity


def _desk() -> OrderDesk:
    return connector().orders


@click.group("orders", short_help="Purchase orders: the ledger, attention, backups.")
def orders() -> None:
    """Purchase orders received from buyers: the ledger and the audit trail."""


@orders.command("list")
@click.argument("buyer", required=False)
@click.option(
    "--attention", is_flag=True, help="Only orders the supplier must act on, with the command."
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@with_app
def orders_list(buyer: str | None, attention: bool, as_json: bool) -> None:
    """List orders in the ledger (of BUYER, or of every buyer): date, PO, amount, PrintNow
    orders, state, and what needs the supplier's attention (`orders resolve` when PrintNow's
    answer was lost, `orders show` when the buyer was answered 500); `orders retry` does
    not exist because the buyer's retry finishes an order."""
    ledger = _desk().ledger
    rows = [_order_row(ledger, record) for record in ledger.records(buyer)]
    rows = [row for row in rows if row["attention"] or not attention]
    rows.sort(key=lambda row: str(row["date"]))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("Nothing needs attention." if attention else "No orders yet.")
        return
    click.echo(
        f"{'date':<16} {'buyer':<12} {'type':<6} {'PO':<20} {'amount':>14} "
        f"{'PrintNow':<12} {'state':<17} needs attention"
    )
    for row in rows:
        ids = ", ".join(map(str, row["printnow_orders"])) or "-"
        click.echo(
            f"{str(row['date'])[:16]:<16} {row['buyer']:<12} {row['type']:<6} "
            f"{row['order_id']:<20} {row['amount']:>14} {ids:<12} {row['state']:<17} "
            f"{row['attention'] or '-'}"
        )


def _order_row(ledger: Ledger, record: OrderRecord) -> dict[str, Any]:
    """One order as `orders list` shows it, with the command that settles it if any."""
    lines = ledger.lines(record)
    totals: dict[str, Decimal] = {}
    for line in lines:
        try:
            cost = parse_quantity(line.quantity) * parse_price(line.unit_price)
        except BadNumber:
            continue
        totals[line.currency] = totals.get(line.currency, Decimal(0)) + cost
    amount = "; ".join(f"{total:.2f} {currency}" for currency, total in totals.items())
    audit = ledger.audit_entries(record.buyer, record.order_id)
    last_code = audit[-1]["answer"]["code"] if audit else None
    state: str = record.state
    action = ""
    ref = f"{record.buyer} {record.order_id}"
    if any(group.state == "creating" for group in record.groups):
        state = "uncertain"
        action = f"punchout orders resolve {ref} --created ID | --not-created"
    elif record.state == "received" and last_code == 500:
        state = "needs check"
        action = f"punchout orders show {ref}: a design is missing in PrintNow"
    elif record.state == "received":
        state = "awaiting retry"
    return {
        "date": record.history[0]["at"] if record.history else "",
        "buyer": record.buyer,
        "type": record.type,
        "order_id": record.order_id,
        "amount": amount or "-",
        "printnow_orders": record.pipo_ids(),
        "state": state,
        "attention": action,
    }


@orders.command("show")
@click.argument("buyer")
@click.argument("order_id")
@click.option("--documents", is_flag=True, help="Also print each received document.")
@click.option("--json", "as_json", is_flag=True, help="Print the raw records as JSON.")
@with_app
def orders_show(buyer: str, order_id: str, documents: bool, as_json: bool) -> None:
    """Show one order: its ledger record and every request received for it."""
    ledger = _desk().ledger
    record = ledger.get(buyer, "new", order_id)
    lines = ledger.lines(record) if record else []
    audit = ledger.audit_entries(buyer, order_id)
    if record is None and not audit:
        click.echo(f"No order {order_id!r} from buyer {buyer!r}.", err=True)
        sys.exit(1)
    if as_json:
        ledger_json = record.to_json() if record else None
        lines_json = [asdict(line) for line in lines]
        click.echo(
            json.dumps({"ledger": ledger_json, "lines": lines_json, "audit": audit}, indent=2)
        )
        return
    if record:
        click.echo(f"Order {order_id} from {buyer}: {record.state}")
        for line in lines:
            user = record.groups[line.group].user
            click.echo(
                f"  line {line.number}: {line.part} x {line.quantity} "
                f"{line.unit_of_measure} at {line.unit_price} {line.currency} "
                f"(PrintNow user {user}, project {line.project})"
            )
        for group in record.groups:
            cancelled = " (cancelled)" if group.cancelled else ""
            click.echo(
                f"  PrintNow order {group.pipo_order_id or '-'} for user "
                f"{group.user}: {group.state}{cancelled}"
            )
        for attachment in record.attachments:
            click.echo(f"  attachment {attachment['filename']} ({attachment['size']} bytes)")
    click.echo(f"Requests received: {len(audit)}")
    for entry in audit:
        answer = entry["answer"]
        click.echo(
            f"  {entry['at']}  {entry['type']:<6} {answer['code']} {answer['message']} "
            f"[{entry['milliseconds']} ms, payloadID {entry['payload_id']}]"
        )
        if documents:
            click.echo(entry["document"])


@orders.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--buyer", default=None, help="Only this buyer's orders.")
@with_app
def orders_export(file: TextIO, buyer: str | None) -> None:
    """Write the order ledger to FILE (default: standard output) as JSON Lines, one order a
    line with its lines: a backup, or the way to move the ledger to another Redis."""
    count = 0
    for row in _desk().ledger.export(buyer):
        file.write(row + "\n")
        count += 1
    click.echo(f"Exported {count} order{'s' if count != 1 else ''}.", err=True)


@orders.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--replace", is_flag=True, help="Overwrite orders already in the ledger.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--yes", is_flag=True, help="Do not ask before --replace overwrites orders.")
@with_app
def orders_import(file: TextIO, replace: bool, as_json: bool, yes: bool) -> None:
    """Restore orders from a JSON Lines FILE made by `punchout orders export`. Every line is
    checked before anything is written; orders already in the ledger are kept unless
    --replace (which asks first). Retried POs are then answered from the restored ledger."""
    if replace and not yes:
        click.confirm(
            "--replace overwrites the ledger's record of every order in the file, whatever "
            "happened to it since the backup. Go on?",
            abort=True,
            err=True,
        )
    try:
        written, skipped = _desk().ledger.import_(file, replace=replace)
    except BadRecord as exc:
        click.echo(f"punchout: nothing imported: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({"imported": written, "kept": skipped}))
        return
    click.echo(f"Imported {written} orders; {skipped} already in the ledger were kept.")


@orders.command("resolve")
@click.argument("buyer")
@click.argument("order_id")
@click.option("--created", "pipo_order_id", type=int, default=None,
              help="PrintNow created the order after all: its order id.")  # fmt: skip
@click.option("--not-created", is_flag=True, help="PrintNow did not create the order.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_app
def orders_resolve(
    buyer: str, order_id: str, pipo_order_id: int | None, not_created: bool, as_json: bool
) -> None:
    """Settle an order whose creation PrintNow never confirmed (answered 500 to the buyer).

    Check the PrintNow order list for the PO number first. With --created ID the buyer's next
    retry annotates and processes that order; with --not-created it creates the order.
    """
    if (pipo_order_id is None) == (not not_created):
        click.echo("punchout: give exactly one of --created ID or --not-created.", err=True)
        sys.exit(1)
    count = _desk().resolve_uncertain(buyer, order_id, None if not_created else pipo_order_id)
    if not count:
        click.echo(f"punchout: order {order_id!r} of {buyer!r} has nothing to resolve.", err=True)
        sys.exit(1)
    if as_json:
        created = None if not_created else pipo_order_id
        result = {"buyer": buyer, "order_id": order_id, "resolved": count, "created": created}
        click.echo(json.dumps(result))
        return
    click.echo(f"Resolved; the buyer's next retry of {order_id} finishes the order.")
