"""Reads every open order and makes the documents its changes call for, each once.

For each PO of the index of open POs (:mod:`.worklist`, not the whole ledger) whose buyer
takes documents:

- once all its PrintNow orders are processed (the ledger's ``processed``), a
  ConfirmationRequest (``confirm``);
- for each of its PrintNow orders, read through the Orders API (Orders: Get Order) and
  compared with what was last seen (:class:`~.records.WatchedOrder`):
  a new order status → a StatusUpdateRequest (not for the first sight, which only sets what
  is known); the buyer's cancel status on an order the buyer did not cancel → a rejecting
  ConfirmationRequest; items newly in the shipped status (``printnow_shipped_status``, set by
  Orders: Mark Order Shipped / Mark Item Shipped) → one ShipNoticeRequest for them; the
  buyer's invoice trigger (all items shipped, or an order status) → an InvoiceDetailRequest.

Documents are created only if absent under ids derived from what they announce, so a
change seen twice (two polls, a webhook and a poll, a crash before the watched order was
saved) makes one document. PrintNow refusing the Orders API itself (403: it needs the
Enterprise licence) is logged, kept for a day per storefront, and stops polling there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from punchout.domain.backchannel.compose import Composed, Composer
from punchout.domain.backchannel.records import DocumentBook, WatchedOrder
from punchout.domain.backchannel.worklist import WORK_STATES, IndexWrites, Worklist, recent
from punchout.domain.buyers import Buyer
from punchout.domain.orders.records import Ledger, Line, OrderRecord
from punchout.printnow import Order, PrintNowError
from punchout.printnow.errors import Forbidden, TokenInvalid
from punchout.runtime.connector import Connector

log = logging.getLogger(__name__)

#: Called with each new document's id, to send it.
Enqueue = Callable[[str], None]


class Poller:
    """Compares open orders with what was sent and makes what is missing."""

    def __init__(self, c: Connector, book: DocumentBook, enqueue: Enqueue) -> None:
        self.c = c
        self.book = book
        self.ledger = Ledger(c.store)
        self.worklist = Worklist(c.store)
        self.enqueue = enqueue
        self.composer = Composer(c.settings, c.pricebook)

    def ledger_index(self) -> Iterator[IndexWrites]:
        """The index writes of every record of the ledger (a full scan), to build it."""
        return map(self.ledger.index, self.ledger.records())

    def poll_all(self) -> int:
        """Poll every open PO (those of the index, :mod:`.worklist`); the number of documents
        made. A PO left with nothing to do leaves the index."""
        self.worklist.ensure_built(self.ledger_index)
        made = 0
        for batch in self.worklist.batches():
            done: dict[str, dict[str, Any]] = {}
            for key, raw in batch:
                count, finished = self._poll(OrderRecord.from_json(raw))
                made += count
                if finished:
                    done[key] = raw
            self.worklist.finish(done)
        return made

    def poll_pipo_order(self, pipo_order_id: int) -> int:
        """Poll the PO one PrintNow order belongs to (e.g. after its order_updated webhook)."""
        self.worklist.ensure_built(self.ledger_index)
        found = self.worklist.po_of(pipo_order_id)
        if found is None:
            log.info(
                "PrintNow order %s belongs to no PO in the ledger; nothing to do", pipo_order_id
            )
            return 0
        key, raw = found
        made, finished = self._poll(OrderRecord.from_json(raw))
        if finished:
            self.worklist.finish({key: raw})
        return made

    def poll_record(self, record: OrderRecord) -> int:
        """Poll one PO; the number of documents made."""
        return self._poll(record)[0]

    def _poll(self, record: OrderRecord) -> tuple[int, bool]:
        """Poll one PO: the number of documents made, and whether nothing is left to do for
        it (True too when the back channel has nothing to do for it at all)."""
        if record.type != "new" or record.state not in WORK_STATES:
            return 0, True
        buyer = self.c.buyer(record.buyer)
        received = str(record.history[0].get("at")) if record.history else None
        if buyer is None or buyer.documents is None or not buyer.documents.covers(received):
            return 0, not recent(received, _now())
        docs = buyer.documents
        made = 0
        lines: list[Line] | None = None
        confirm_id = self.composer.confirmation_id(buyer, record)
        if (
            record.state == "processed"
            and docs.takes("confirm")
            and not self.book.exists(confirm_id)
        ):
            lines = self.ledger.lines(record)
            made += self._keep(self.composer.confirmation(buyer, record, lines, _now()))
        cancel = (buyer.cancel_status or self.c.settings.order_cancel_status).casefold()
        open_orders = 0  # the confirmation is made by now, when the buyer takes them
        for index, group in enumerate(record.groups):
            if group.pipo_order_id is None:
                continue
            watched = self.book.watched(buyer.id, record.order_id, group.pipo_order_id)
            if watched.closed:
                continue
            open_orders += 1
            if self.book.orders_api_refused(buyer.storefront_id):
                continue
            order = self._read(buyer, group.pipo_order_id)
            if order is None:
                continue
            if lines is None:
                lines = self.ledger.lines(record)
            group_lines = [line for line in lines if line.group == index]
            made += self._compare(buyer, record, order, group_lines, watched)
            self.book.save_watched(watched)
            # A PO the buyer cancelled: its PrintNow order in the cancel status is at its end.
            if watched.closed or (
                record.state == "cancelled" and watched.status.casefold() == cancel
            ):
                open_orders -= 1
        return made, open_orders == 0

    def _read(self, buyer: Buyer, pipo_order_id: int) -> Order | None:
        try:
            return self.c.client.get_order(pipo_order_id)
        except Forbidden as exc:
            if isinstance(exc, TokenInvalid):
                raise
            log.error(
                "storefront %s: PrintNow refused the Orders API (%s): it needs the Enterprise "
                "licence; no confirmations of shipping or invoices can be read from it, and "
                "this storefront is not polled for a day",
                buyer.storefront_id,
                exc,
            )
            self.book.refuse_orders_api(buyer.storefront_id, str(exc))
            return None
        except PrintNowError as exc:
            log.warning("PrintNow order %s could not be read: %s", pipo_order_id, exc)
            return None

    def _compare(
        self,
        buyer: Buyer,
        record: OrderRecord,
        order: Order,
        lines: list[Line],
        watched: WatchedOrder,
    ) -> int:
        docs = buyer.documents
        assert docs is not None
        made = 0
        moment = _now()
        status = order.status.strip()
        changed = watched.seen and status.casefold() != watched.status.casefold()
        if changed and docs.takes("status"):
            composed = self.composer.status_update(
                buyer, record, order, watched.status_updates + 1, moment
            )
            made += self._keep(composed)
            watched.status_updates += 1
        cancel = (buyer.cancel_status or self.c.settings.order_cancel_status).casefold()
        if status.casefold() == cancel and record.state != "cancelled" and not watched.rejected:
            if docs.takes("confirm"):
                reason = f"The supplier cancelled PrintNow order {order.id} ({order.status})."
                made += self._keep(self.composer.rejection(buyer, record, reason, moment))
            watched.rejected = watched.closed = True
        shipped_name = self.c.settings.printnow_shipped_status.casefold()
        whole_order_shipped = status.casefold() == shipped_name
        shipped = {
            item.id
            for item in order.items
            if whole_order_shipped or item.status.strip().casefold() == shipped_name
        }
        new_items = sorted(shipped - set(watched.shipped_items))
        if new_items:
            projects = {item.product_id for item in order.items if item.id in new_items}
            shipped_lines = [line for line in lines if line.project in projects] or lines
            tracking = tuple(t for t in _tracking(order) if t not in watched.tracking_numbers)
            if docs.takes("ship"):
                made += self._keep(
                    self.composer.ship_notice(
                        buyer, record, order, shipped_lines, watched.shipments + 1, tracking, moment
                    )
                )
            watched.shipments += 1
            watched.shipped_items.extend(new_items)
            watched.tracking_numbers.extend(tracking)
        all_shipped = bool(order.items) and {i.id for i in order.items} <= set(
            watched.shipped_items
        )
        trigger = docs.invoice_status
        due = all_shipped if trigger is None else status.casefold() == trigger.casefold()
        if due and not watched.invoiced and not watched.rejected and lines:
            if docs.takes("invoice"):
                made += self._keep(self.composer.invoice(buyer, record, order, lines, moment))
            watched.invoiced = True
        watched.status = status
        watched.item_statuses = {str(i.id): i.status for i in order.items}
        if watched.invoiced and all_shipped:
            watched.closed = True
        return made

    def _keep(self, composed: Composed) -> int:
        """Keep a new document and send it; 0 when the same document was made before."""
        if not self.book.create(composed.record, composed.xml):
            return 0
        log.info(
            "buyer %s: PO %s: %s made (%s)",
            composed.record.buyer,
            composed.record.order_id,
            composed.record.title,
            composed.record.id,
        )
        self.enqueue(composed.record.id)
        return 1


def _tracking(order: Order) -> list[str]:
    """Tracking numbers, where PrintNow reports them. Orders: Get Order documents none (the
    shipped calls take a ``tracking_number``); a ``tracking_numbers`` list is read when an
    answer carries one, and nothing depends on it."""
    value = order.raw.get("tracking_numbers")
    return [str(v) for v in value if str(v).strip()] if isinstance(value, list) else []


def _now() -> datetime:
    return datetime.now().astimezone()
