"""The ``punchout`` command for the supplier's operations staff (Flask CLI, click).

``buyers``, ``users`` and ``pricebook`` onboard buyers (:mod:`punchout.cli_buyers`); ``keys``
rotates the master key (:mod:`punchout.cli_keys`).
``punchout orders list`` and ``punchout orders show BUYER ORDER_ID`` read the order ledger and
the audit trail: what each purchase order asked, what was answered, how long it took and
which PrintNow orders it made.
"""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app

from punchout.cli_buyers import buyers, pricebook, users
from punchout.cli_common import with_app
from punchout.cli_keys import keys
from punchout.orders import OrderDesk
from punchout.serve import serve
from punchout.store import Store


def _store() -> Store:
    store: Store = current_app.extensions["punchout.store"]
    return store


def _desk() -> OrderDesk:
    desk: OrderDesk = current_app.extensions["punchout.orders"]
    return desk


@click.group("orders")
def orders() -> None:
    """Purchase orders received from buyers: the ledger and the audit trail."""


@orders.command("list")
@click.argument("buyer", required=False)
@with_app
def orders_list(buyer: str | None) -> None:
    """List orders in the ledger (of BUYER, or of every buyer), newest state last."""
    store = _store()
    keys = store.keys("order", buyer) if buyer else store.keys("order")
    if not keys:
        click.echo("No orders yet.")
        return
    click.echo(f"{'buyer':<16} {'type':<7} {'order id':<24} {'state':<10} printnow orders")
    for key in keys:
        record = store.get(key)
        if not isinstance(record, dict):
            continue
        ids = ", ".join(
            str(g["pipo_order_id"]) for g in record.get("groups", []) if g.get("pipo_order_id")
        )
        click.echo(
            f"{record['buyer']:<16} {record['type']:<7} {record['order_id']:<24} "
            f"{record.get('state', ''):<10} {ids or '-'}"
        )


@orders.command("show")
@click.argument("buyer")
@click.argument("order_id")
@click.option("--documents", is_flag=True, help="Also print each received document.")
@click.option("--json", "as_json", is_flag=True, help="Print the raw records as JSON.")
@with_app
def orders_show(buyer: str, order_id: str, documents: bool, as_json: bool) -> None:
    """Show one order: its ledger record and every request received for it."""
    store = _store()
    record = _desk().ledger(buyer, "new", order_id)
    audit = store.items(store.key("audit", buyer, order_id))
    if record is None and not audit:
        click.echo(f"No order {order_id!r} from buyer {buyer!r}.", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({"ledger": record, "audit": audit}, indent=2))
        return
    if record:
        click.echo(f"Order {order_id} from {buyer}: {record.get('state')}")
        for line in record.get("lines", []):
            click.echo(
                f"  line {line['number']}: {line['part']} x {line['quantity']} "
                f"{line['unit_of_measure']} at {line['unit_price']} {line['currency']} "
                f"(PrintNow user {line['user']}, project {line['project']})"
            )
        for group in record.get("groups", []):
            cancelled = " (cancelled)" if group.get("cancelled") else ""
            click.echo(
                f"  PrintNow order {group.get('pipo_order_id') or '-'} for user "
                f"{group['user']}: {group['state']}{cancelled}"
            )
        for attachment in record.get("attachments", []):
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


COMMANDS = (buyers, users, pricebook, orders, keys)


@orders.command("resolve")
@click.argument("buyer")
@click.argument("order_id")
@click.option("--created", "pipo_order_id", type=int, default=None,
              help="PrintNow created the order after all: its order id.")  # fmt: skip
@click.option("--not-created", is_flag=True, help="PrintNow did not create the order.")
@with_app
def orders_resolve(buyer: str, order_id: str, pipo_order_id: int | None, not_created: bool) -> None:
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
    click.echo(f"Resolved; the buyer's next retry of {order_id} finishes the order.")


def register(app: Flask) -> None:
    """Add the command groups to the app's ``flask`` CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)


@click.group()
def main() -> None:
    """Punch-out connector administration. Settings come from PUNCHOUT_* variables."""


for _command in COMMANDS:
    main.add_command(_command)
main.add_command(serve)
