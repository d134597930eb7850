"""The order desk: a cXML OrderRequest becomes PrintNow orders, created and processed once.

The ledger (:mod:`.records`) is the single source of truth, keyed on buyer, order type and
orderID. A lock on that key lets one request work while identical ones wait and then get its
answer, so 20 copies of a PO arriving together make one PrintNow order. Work is recorded step
by step (:mod:`.placing`), so a crash or a PrintNow failure half way is resumed by the buyer's
retry and never repeated. Every line is checked first (:mod:`.checks`).

Exactly once needs a Redis that keeps what it is told: before a PO is taken the desk checks
that Redis persists its data and does not evict keys (:func:`punchout.runtime.store.durability`),
and answers 560 naming the problem unless ``redis_volatile_accepted`` is set.

Answers: 200 once processed; 4xx for the buyer's mistakes (not retried by Coupa); 560 when
PrintNow or Redis is down or slow or the time budget runs out (retried, and resumed by the
ledger); 500 only when a PrintNow order may or may not exist.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence

from lxml import etree
from redis.exceptions import LockError, RedisError

from punchout.domain.buyers import Buyer
from punchout.domain.offers import Offer, Offers
from punchout.domain.references import ReferenceReader
from punchout.printnow import (
    BadRequest,
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
    ServerError,
)
from punchout.protocol.cxml.model import OrderRequest
from punchout.runtime import alerts
from punchout.runtime.store import Reads, durability

from .audit import keep_attachments, redact
from .checks import check_lines, fingerprint, grouped, line_reference
from .errors import RETRY_LATER, Attachment, OrderAnswer, Postponed, Refused, Uncertain
from .parts import OrderParts
from .placing import Placer
from .records import Answer, Group, Ledger, Line, OrderRecord, now

log = logging.getLogger(__name__)

#: Seconds a lock holder may keep the order before another request may take over.
LOCK_MARGIN = 15.0


#: How long a clean durability check of Redis is trusted before the next PO checks again.
DURABILITY_RECHECK_SECONDS = 5.0


class OrderDesk:
    """Takes OrderRequests for one connector."""

    def __init__(self, c: OrderParts, clock: Callable[[], float] = time.monotonic) -> None:
        self.c = c
        self.clock = clock
        self.ledger = Ledger(c.store)
        self.placer = Placer(c, self.ledger, clock)
        self._durable_until = float("-inf")  # the clock time until which Redis counts as kept

    # ------------------------------------------------------------------ entry point

    def receive(
        self,
        buyer: Buyer,
        order: OrderRequest,
        *,
        payload_id: str,
        document: etree._Element,
        attachments: Sequence[Attachment] = (),
    ) -> OrderAnswer:
        """Take one OrderRequest; ``document`` is its parsed tree, which the audit trail
        keeps redacted (in place: nothing may read the tree afterwards)."""
        started = self.clock()
        pipo_ids: list[int] = []
        try:
            answer, pipo_ids = self._locked(buyer, order, payload_id, started, attachments)
        except RedisError as exc:
            log.error("buyer %s: order %s: Redis failed: %s", buyer.id, order.order_id, exc)
            answer = OrderAnswer(560, RETRY_LATER)
        elapsed = self.clock() - started
        try:
            self._audit(buyer, order, payload_id, document, answer, elapsed, pipo_ids, attachments)
        except RedisError as exc:
            log.error("buyer %s: order %s: audit not written: %s", buyer.id, order.order_id, exc)
        log.info(
            "buyer %s: OrderRequest %s (%s) answered %d in %.0f ms: %s",
            buyer.id,
            order.order_id,
            order.order_type,
            answer.code,
            elapsed * 1000,
            answer.message,
        )
        return answer

    def _durability_problems(self) -> tuple[str, ...]:
        """What is wrong with how Redis keeps the ledger; a clean answer is trusted for
        ``DURABILITY_RECHECK_SECONDS``, so a PO does not pay a CONFIG GET round trip each time
        (a problem found is never cached: a fixed Redis is accepted at once)."""
        if self.clock() < self._durable_until:
            return ()
        problems = durability(self.c.store.redis).problems
        if not problems:
            self._durable_until = self.clock() + DURABILITY_RECHECK_SECONDS
        return problems

    def _locked(
        self,
        buyer: Buyer,
        order: OrderRequest,
        payload_id: str,
        started: float,
        attachments: Sequence[Attachment],
    ) -> tuple[OrderAnswer, list[int]]:
        problems = self._durability_problems()
        if problems and not self.c.settings.redis_volatile_accepted:
            log.error("orders refused: Redis would not keep the ledger: %s", "; ".join(problems))
            return OrderAnswer(
                560,
                "The supplier's order ledger is not durable right now ("
                + "; ".join(problems)
                + "); please retry later.",
            ), []
        budget = self.c.settings.order_budget_seconds
        lock = self.c.store.lock(
            self.ledger.lock_key(buyer.id, order.order_type, order.order_id),
            timeout=budget + LOCK_MARGIN,
            wait=budget,
        )
        if not lock.acquire():
            return OrderAnswer(560, "This order is being processed; please retry later."), []
        try:
            remaining = max(0.1, budget - (self.clock() - started))
            with self.c.client.deadline(remaining):
                return self._handle(buyer, order, payload_id, started + budget, attachments)
        finally:
            try:
                lock.release()
            except LockError:
                log.warning("order %s: lock expired before release", order.order_id)

    def _handle(
        self,
        buyer: Buyer,
        order: OrderRequest,
        payload_id: str,
        deadline: float,
        attachments: Sequence[Attachment],
    ) -> tuple[OrderAnswer, list[int]]:
        try:
            if order.order_type == "new":
                return self._new(buyer, order, payload_id, deadline, attachments)
            if order.order_type == "update":
                return self._update(buyer, order), []
            if order.order_type == "delete":
                return self._delete(buyer, order, deadline)
            return OrderAnswer(400, f"The order type {order.order_type!r} is not supported."), []
        except Refused as exc:
            return OrderAnswer(exc.code, exc.cxml_text), []
        except Uncertain as exc:
            alerts.order_needs_attention(self.c.settings, buyer.id, order.order_id, str(exc))
            return OrderAnswer(exc.code, exc.cxml_text), []
        except Postponed as exc:
            log.warning("buyer %s: order %s postponed: %s", buyer.id, order.order_id, exc)
            return OrderAnswer(exc.code, exc.cxml_text), []

    # ------------------------------------------------------------------ type="new"

    def _new(
        self,
        buyer: Buyer,
        order: OrderRequest,
        payload_id: str,
        deadline: float,
        attachments: Sequence[Attachment],
    ) -> tuple[OrderAnswer, list[int]]:
        fp = fingerprint(order)
        # The record and the offers of its lines in one round trip (the offers are wanted
        # unless the PO was received before, which is rare).
        reads = Reads(self.c.store.redis)
        found = self.ledger.queue_get(reads, buyer.id, "new", order.order_id)
        offers = Offers(self.c.store).queue_find_many(
            reads, buyer.id, map(line_reference, order.lines)
        )
        reads.send()
        record = found.value()
        if record is not None and record.state != "rejected":
            if record.fingerprint != fp:
                raise Refused(
                    409,
                    f"Order {order.order_id} was received before with different lines. Send "
                    'changes as type="update", or use a new orderID.',
                )
            if record.response is not None:
                return OrderAnswer(record.response.code, record.response.message), (
                    record.pipo_ids()
                )
            record.payload_ids.append(payload_id)
            lines = self.ledger.lines(record)
        else:
            # A rejected PO is checked again: the buyer may have fixed it, or the price book.
            record, lines = self._accept(buyer, order, fp, payload_id, offers.value(), attachments)
        self.placer.place_all(buyer, record, lines, deadline)
        ids = record.pipo_ids()
        answer = OrderAnswer(
            200,
            f"Order {order.order_id} accepted as print order"
            f"{'s' if len(ids) > 1 else ''} {', '.join(map(str, ids))}.",
        )
        record.response = Answer(answer.code, answer.message)
        self.ledger.save(record, "processed")
        return answer, ids

    def _accept(
        self,
        buyer: Buyer,
        order: OrderRequest,
        fp: str,
        payload_id: str,
        offers: Mapping[str, Offer],
        attachments: Sequence[Attachment],
    ) -> tuple[OrderRecord, list[Line]]:
        record = OrderRecord(buyer.id, "new", order.order_id, fp, "received", [payload_id])
        try:
            checked = check_lines(
                buyer,
                order,
                self.c.pricebook,
                offers,
                ReferenceReader(self.c.reference_key, buyer.id).read,
            )
        except Refused as exc:
            record.response = Answer(exc.code, exc.message)
            self.ledger.save(record, "rejected")
            raise
        record.groups, lines = grouped(checked)
        record.attachments = keep_attachments(
            self.c.settings.instance_path, buyer.id, order.order_id, attachments
        )
        self.ledger.save(record, "received", lines=lines)
        return record, lines

    def resolve_uncertain(self, buyer_id: str, order_id: str, pipo_order_id: int | None) -> int:
        """An operator's answer for PrintNow orders whose creation could not be confirmed:
        the id PrintNow gave it, or None when it was not created. Returns how many groups
        were resolved; the buyer's next retry then finishes the order."""
        record = self.ledger.get(buyer_id, "new", order_id)
        if record is None:
            return 0
        resolved = 0
        for group in record.groups:
            if group.state != "creating":
                continue
            if pipo_order_id is None:
                group.state = "pending"
            else:
                group.pipo_order_id = pipo_order_id
                group.state = "created"
            resolved += 1
        if resolved:
            self.ledger.note(
                record, {"state": "resolved by operator", "pipo_order_id": pipo_order_id}
            )
        return resolved

    # ------------------------------------------------------------------ update, delete

    def _original(self, buyer: Buyer, order: OrderRequest) -> OrderRecord:
        record = self.ledger.get(buyer.id, "new", order.order_id)
        if record is None or record.state == "rejected":
            raise Refused(
                400,
                f"Order {order.order_id} is not known to this supplier; send it as a new order.",
            )
        return record

    def _update(self, buyer: Buyer, order: OrderRequest) -> OrderAnswer:
        original = self._original(buyer, order)
        if original.state not in ("processed", "cancelled"):
            raise Postponed("the original order is still being placed")
        if original.fingerprint == fingerprint(order):
            return OrderAnswer(
                200,
                f"Order {order.order_id} updated: nothing material changed; it stands as placed.",
            )
        return OrderAnswer(
            400,
            f"Order {order.order_id} is already in production and its lines cannot be changed. "
            'Cancel it (type="delete") and send a new order, or contact the supplier.',
        )

    def _delete(
        self, buyer: Buyer, order: OrderRequest, deadline: float
    ) -> tuple[OrderAnswer, list[int]]:
        original = self._original(buyer, order)
        status = buyer.cancel_status or self.c.settings.order_cancel_status
        for group in original.groups:
            if group.pipo_order_id is None or group.cancelled:
                continue
            self.placer.check_time(deadline)
            self._cancel(buyer, order, group, status)
            self.ledger.save(original)
        self.ledger.save(original, "cancelled")
        return OrderAnswer(200, f"Order {order.order_id} cancelled."), original.pipo_ids()

    def _cancel(self, buyer: Buyer, order: OrderRequest, group: Group, status: str) -> None:
        assert group.pipo_order_id is not None
        try:
            self.c.client.update_order_status(
                group.pipo_order_id,
                status,
                comments=f"Cancelled by the buyer (PO {order.order_id}).",
                notify_customer=False,
            )
        except PrintNowError as exc:
            if isinstance(exc, ServerError | PrintNowTimeout | PrintNowConnectionError):
                raise Postponed(str(exc)) from exc
            if isinstance(exc, BadRequest):
                # Orders: Update Order Status: the status "must match an existing status on
                # the storefront". An unknown one is the supplier's setting, not the order.
                log.error(
                    "buyer %s: cancel of %s: PrintNow refused the status %r (the buyer's "
                    "cancel_status or order_cancel_status): %s",
                    buyer.id,
                    order.order_id,
                    status,
                    exc,
                )
                raise Postponed(f"the cancel status {status!r} was refused") from exc
            log.error("buyer %s: cancel of %s refused: %s", buyer.id, order.order_id, exc)
            raise Refused(
                409, f"Order {order.order_id} can no longer be cancelled; contact the supplier."
            ) from exc
        group.cancelled = True

    # ------------------------------------------------------------------ attachments, audit

    def _audit(
        self,
        buyer: Buyer,
        order: OrderRequest,
        payload_id: str,
        document: etree._Element,
        answer: OrderAnswer,
        elapsed: float,
        pipo_ids: list[int],
        attachments: Sequence[Attachment],
    ) -> None:
        entry = {
            "at": now(),
            "payload_id": payload_id,
            "type": order.order_type,
            "order_id": order.order_id,
            "answer": {"code": answer.code, "message": answer.message},
            "milliseconds": round(elapsed * 1000, 1),
            "pipo_order_ids": pipo_ids,
            "attachments": [a.filename or a.content_id for a in attachments],
            "document": redact(document),
        }
        self.ledger.audit(buyer.id, order.order_id, entry, self.c.settings.audit_days)
