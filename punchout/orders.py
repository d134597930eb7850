"""Purchase orders: a cXML OrderRequest becomes PrintNow orders, created and processed once.

The order ledger in Redis (no expiry) is the single source of truth, keyed on buyer, order
type and orderID. A lock on that key lets one request work while identical ones wait and
then get its answer, so 20 copies of a PO arriving together make one PrintNow order. Work is
recorded step by step (each PIPO user's order: creating, created, annotated, processed), so
a crash or a PrintNow failure half way is resumed by the buyer's retry and never repeated.

Every line is checked before anything is created: its SupplierPartAuxiliaryID must be a
reference this connector signed for this buyer, its design must still exist and match the
part, and its price and currency must agree with the price book within the buyer's
tolerance. A refusal names the line. PrintNow orders carry no quantities, so the ordered
quantities are written on each PrintNow order as a status comment before it is processed.

Answers: 200 once processed; 4xx for the buyer's mistakes (not retried by Coupa); 560 when
PrintNow is down, slow or the time budget runs out (retried, and resumed by the ledger).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from redis.exceptions import LockError

from punchout import alerts
from punchout.buyers import Buyer
from punchout.cart import offer_key
from punchout.connector import Connector
from punchout.cxml.model import OrderLine, OrderRequest
from punchout.identity import IdentityError, PipoLogin
from punchout.pricebook import Unpriced
from punchout.printnow import (
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
    Project,
    ServerError,
)
from punchout.references import BadReference, read_reference

log = logging.getLogger(__name__)

#: Seconds a lock holder may keep the order before another request may take over.
LOCK_MARGIN = 15.0
#: Seconds that must be left in the budget to start creating a PrintNow order.
CREATE_TIME = 8.0
_SECRET = re.compile(rb"(<SharedSecret\b[^>]*>).*?(</SharedSecret\s*>)", re.S | re.I)


@dataclass(frozen=True)
class Attachment:
    """A file that came with a multipart/related OrderRequest."""

    content_id: str
    content_type: str
    filename: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class OrderAnswer:
    """The Status the buyer gets."""

    code: int
    message: str


class Refused(Exception):
    """A buyer's mistake: answered with ``code`` (4xx) and a message naming the line."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Postponed(Exception):
    """PrintNow failed or time ran out: answered 560, resumed on the buyer's retry."""


class Uncertain(Exception):
    """A PrintNow order may or may not exist (the answer to create was lost)."""


@dataclass
class _Line:
    number: int
    part: str
    reference: str
    user_id: int
    project_id: int
    quantity: Decimal
    unit_price: Decimal
    currency: str
    unit_of_measure: str


def redact(document: bytes) -> bytes:
    """The document with every SharedSecret's content replaced."""
    return _SECRET.sub(rb"\1[redacted]\2", document)


def fingerprint(order: OrderRequest) -> str:
    """What makes two OrderRequests the same order: their lines and money, not ids or times."""
    material = [
        [
            line.line_number,
            line.supplier_part_id,
            line.supplier_part_auxiliary_id,
            str(line.quantity.normalize()),
            str(line.unit_price.normalize()) if line.unit_price is not None else "",
            line.currency,
        ]
        for line in order.lines
    ]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()


class OrderDesk:
    """Takes OrderRequests for one connector."""

    def __init__(self, c: Connector, clock: Callable[[], float] = time.monotonic) -> None:
        self.c = c
        self.clock = clock

    # ------------------------------------------------------------------ entry point

    def receive(
        self,
        buyer: Buyer,
        order: OrderRequest,
        *,
        payload_id: str,
        document: bytes,
        attachments: Sequence[Attachment] = (),
    ) -> OrderAnswer:
        started = self.clock()
        budget = self.c.settings.order_budget_seconds
        store = self.c.store
        lock = store.lock(
            store.key("orderlock", buyer.id, order.order_type, order.order_id),
            timeout=budget + LOCK_MARGIN,
            wait=budget,
        )
        pipo_ids: list[int] = []
        if not lock.acquire():
            answer = OrderAnswer(560, "This order is being processed; please retry later.")
        else:
            try:
                remaining = max(0.1, budget - (self.clock() - started))
                with self.c.client.deadline(remaining):
                    answer, pipo_ids = self._handle(buyer, order, payload_id, started, attachments)
            finally:
                try:
                    lock.release()
                except LockError:
                    log.warning("order %s: lock expired before release", order.order_id)
        elapsed = self.clock() - started
        self._audit(buyer, order, payload_id, document, answer, elapsed, pipo_ids, attachments)
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

    def _handle(
        self,
        buyer: Buyer,
        order: OrderRequest,
        payload_id: str,
        started: float,
        attachments: Sequence[Attachment],
    ) -> tuple[OrderAnswer, list[int]]:
        deadline = started + self.c.settings.order_budget_seconds
        try:
            if order.order_type == "new":
                return self._new(buyer, order, payload_id, deadline, attachments)
            if order.order_type == "update":
                return self._update(buyer, order), []
            if order.order_type == "delete":
                return self._delete(buyer, order, deadline)
            return OrderAnswer(400, f"The order type {order.order_type!r} is not supported."), []
        except Refused as exc:
            return OrderAnswer(exc.code, exc.message), []
        except Uncertain as exc:
            alerts.order_needs_attention(self.c.settings, buyer.id, order.order_id, str(exc))
            return OrderAnswer(
                500,
                "The order could not be confirmed with the print system; the supplier has been "
                "alerted and will confirm it. Please do not resend it as a new order.",
            ), []
        except Postponed as exc:
            log.warning("buyer %s: order %s postponed: %s", buyer.id, order.order_id, exc)
            return OrderAnswer(
                560, "The print system is not available right now; please retry later."
            ), []

    # ------------------------------------------------------------------ ledger

    def ledger_key(self, buyer_id: str, order_type: str, order_id: str) -> str:
        return self.c.store.key("order", buyer_id, order_type, order_id)

    def ledger(self, buyer_id: str, order_type: str, order_id: str) -> dict[str, Any] | None:
        record = self.c.store.get(self.ledger_key(buyer_id, order_type, order_id))
        return record if isinstance(record, dict) else None

    def _save(self, record: dict[str, Any], state: str | None = None) -> None:
        if state:
            record["state"] = state
            record.setdefault("history", []).append({"at": _now(), "state": state})
        key = self.ledger_key(record["buyer"], record["type"], record["order_id"])
        self.c.store.put_permanent(key, record)

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
        record = self.ledger(buyer.id, "new", order.order_id)
        if record is not None and record["state"] != "rejected":
            if record["fingerprint"] != fp:
                raise Refused(
                    409,
                    f"Order {order.order_id} was received before with different lines. Send "
                    'changes as type="update", or use a new orderID.',
                )
            if record.get("response"):
                answer = record["response"]
                return OrderAnswer(answer["code"], answer["message"]), _pipo_ids(record)
        if record is None or record["state"] == "rejected":
            try:
                lines = self._resolve(buyer, order)
            except Refused as exc:
                self._save(
                    {
                        "buyer": buyer.id,
                        "type": "new",
                        "order_id": order.order_id,
                        "fingerprint": fp,
                        "payload_ids": [payload_id],
                        "response": {"code": exc.code, "message": exc.message},
                    },
                    "rejected",
                )
                raise
            record = _new_record(buyer, order, fp, payload_id, lines)
            record["attachments"] = self._keep_attachments(buyer, order, attachments)
            self._save(record, "received")
        else:
            record.setdefault("payload_ids", []).append(payload_id)
        logins = self._prepare(buyer, record, deadline)
        for group in record["groups"]:
            self._place(buyer, order, record, group, logins[group["user"]], deadline)
        ids = _pipo_ids(record)
        answer = OrderAnswer(
            200,
            f"Order {order.order_id} accepted as print order"
            f"{'s' if len(ids) > 1 else ''} {', '.join(map(str, ids))}.",
        )
        record["response"] = {"code": answer.code, "message": answer.message}
        self._save(record, "processed")
        return answer, ids

    def _resolve(self, buyer: Buyer, order: OrderRequest) -> list[_Line]:
        """Every line checked against its signed reference, the price book and the offer."""
        book = self.c.pricebook
        try:
            currency = book.currency(buyer.price_book)
        except Unpriced as exc:
            log.error("buyer %s: %s", buyer.id, exc)
            raise Refused(500, "The supplier's price list is not available.") from exc
        tolerance = _decimal(buyer.price_tolerance)
        offers = self._offers(buyer, order)
        lines = []
        for n, line in enumerate(order.lines, start=1):
            number = line.line_number or n
            name = f"Line {number} ({line.supplier_part_id or 'no part number'})"
            reference, ref = self._reference(buyer, line, name)
            part = line.supplier_part_id
            if line.unit_price is None:
                raise Refused(400, f"{name} has no unit price.")
            if line.currency and line.currency != currency:
                raise Refused(
                    400, f"{name} is priced in {line.currency}; this supplier bills in {currency}."
                )
            offer = offers.get(reference)
            if reference == line.supplier_part_id:
                # The buyer sent the reference (OCI EXT_PRODUCT_ID) as its part number: the
                # product is the one the cart offered.
                if not isinstance(offer, dict):
                    raise Refused(
                        400, f"{name}: the product of this line is not known; order it again."
                    )
                part = str(offer.get("template", ""))
            if isinstance(offer, dict):
                if offer.get("template") != part:
                    raise Refused(400, f"{name}: the part number does not match the design.")
                offered = _decimal(str(offer.get("quantity", "")))
                if buyer.quantity_changes == "reject" and offered != line.quantity:
                    raise Refused(
                        400,
                        f"{name}: the quantity changed from {offered} to {line.quantity}. "
                        "Change quantities of printed designs by editing the cart in punch-out.",
                    )
            try:
                priced = book.price(buyer.price_book, part, line.quantity)
            except Unpriced as exc:
                raise Refused(400, f"{name} cannot be ordered: {exc}.") from exc
            if abs(line.unit_price - priced.unit_price) > tolerance:
                raise Refused(
                    400,
                    f"{name}: the unit price {line.unit_price} {currency} differs from the "
                    f"supplier's price {priced.unit_price} {currency} for {line.quantity} "
                    f"{priced.unit_of_measure}.",
                )
            lines.append(
                _Line(
                    number=number,
                    part=part,
                    reference=reference,
                    user_id=ref[0],
                    project_id=ref[1],
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    currency=currency,
                    unit_of_measure=priced.unit_of_measure,
                )
            )
        return lines

    def _offers(self, buyer: Buyer, order: OrderRequest) -> dict[str, Any]:
        """What each line was offered at in its cart, read in one round trip (MGET)."""
        references = sorted(
            {
                (line.supplier_part_auxiliary_id or line.supplier_part_id).strip()
                for line in order.lines
            }
        )
        store = self.c.store
        found = store.get_many([offer_key(store, buyer.id, r) for r in references])
        return {r: offer for r, offer in zip(references, found, strict=True) if offer is not None}

    def _reference(self, buyer: Buyer, line: OrderLine, name: str) -> tuple[str, tuple[int, int]]:
        """The line's signed reference: its SupplierPartAuxiliaryID or, when that is empty (as
        OCI buyers' networks may send it), its SupplierPartID."""
        text = line.supplier_part_auxiliary_id or line.supplier_part_id
        try:
            ref = read_reference(self.c.reference_key, buyer.id, text)
        except BadReference:
            raise Refused(
                400,
                f"{name}: the SupplierPartAuxiliaryID was not issued by this supplier or was "
                "changed. Order the item again through punch-out.",
            ) from None
        return text.strip(), (ref.pipo_user_id, ref.project_id)

    def _prepare(
        self, buyer: Buyer, record: dict[str, Any], deadline: float
    ) -> dict[int, PipoLogin]:
        """Log in as each group's user and check every design before anything is created."""
        logins: dict[int, PipoLogin] = {}
        for group in record["groups"]:
            if group["state"] == "processed":
                continue
            self._check_time(deadline)
            try:
                login = self.c.accounts.login_as(buyer, group["user"])
                if login.is_temp:
                    login = self.c.accounts.settle_for_order(buyer, login)
                    self._retarget(record, group, login.user_id)
                if group["state"] in ("pending",):
                    projects = {p.id: p for p in self.c.client.list_projects(login.token)}
                    self._check_projects(record, group, projects)
            except IdentityError as exc:
                log.error("buyer %s: %s", buyer.id, exc.reason)
                raise Refused(409, f"{_lines_of(record, group)}: {exc.message}") from exc
            except PrintNowError as exc:
                raise _postpone_or_uncertain(exc, uncertain=False) from exc
            logins[group["user"]] = login
        return logins

    def _retarget(self, record: dict[str, Any], group: dict[str, Any], user_id: int) -> None:
        if group["user"] != user_id:
            for line in record["lines"]:
                if line["user"] == group["user"]:
                    line["user"] = user_id
            group["user"] = user_id
            self._save(record)

    def _check_projects(
        self, record: dict[str, Any], group: dict[str, Any], projects: dict[int, Project]
    ) -> None:
        for line in record["lines"]:
            if line["user"] != group["user"]:
                continue
            project = projects.get(line["project"])
            name = f"Line {line['number']} ({line['part']})"
            if project is None:
                raise Refused(400, f"{name}: the design no longer exists in the storefront.")
            if project.external_id != line["part"]:
                raise Refused(400, f"{name}: the part number does not match the design.")

    def _place(
        self,
        buyer: Buyer,
        order: OrderRequest,
        record: dict[str, Any],
        group: dict[str, Any],
        login: PipoLogin | None,
        deadline: float,
    ) -> None:
        """Create, annotate and process one PIPO user's order, recording every step."""
        if group["state"] == "processed":
            return
        assert login is not None
        client = self.c.client
        try:
            if group["state"] == "creating":
                raise Uncertain(
                    f"the answer to creating the PrintNow order for user {group['user']} was lost"
                )
            if group["state"] == "pending":
                # Creating is the one step that cannot be repeated blindly: only start it
                # with enough time left for PrintNow to answer.
                self._check_time(deadline, need=CREATE_TIME)
                group["state"] = "creating"
                self._save(record)
                try:
                    group["pipo_order_id"] = client.create_order(
                        login.token, group["projects"], order.order_id
                    )
                except (PrintNowTimeout, PrintNowConnectionError):
                    raise  # the order may exist: stays "creating"
                except PrintNowError:
                    group["state"] = "pending"  # PrintNow answered: nothing was created
                    self._save(record)
                    raise
                group["state"] = "created"
                self._save(record)
            if group["state"] == "created":
                self._check_time(deadline)
                self._annotate(order, record, group)
                group["state"] = "annotated"
                self._save(record)
            self._check_time(deadline)
            client.process_order(login.token, group["pipo_order_id"])
            group["state"] = "processed"
            self._save(record)
        except PrintNowError as exc:
            raise _postpone_or_uncertain(exc, uncertain=group["state"] == "creating") from exc

    def _annotate(self, order: OrderRequest, record: dict[str, Any], group: dict[str, Any]) -> None:
        """Write the ordered quantities and prices on the PrintNow order (it has no quantities)."""
        parts = [
            f"line {line['number']}: {line['part']} x {line['quantity']} "
            f"{line['unit_of_measure']} at {line['unit_price']} {line['currency']}"
            for line in record["lines"]
            if line["user"] == group["user"]
        ]
        pipo_order = self.c.client.get_order(group["pipo_order_id"])
        self.c.client.update_order_status(
            group["pipo_order_id"],
            pipo_order.status,
            comments=f"PO {order.order_id}: " + "; ".join(parts),
            notify_customer=False,
        )

    def _check_time(self, deadline: float, need: float = 0.0) -> None:
        if self.clock() + need > deadline:
            raise Postponed("the time budget for this request ran out")

    def resolve_uncertain(self, buyer_id: str, order_id: str, pipo_order_id: int | None) -> int:
        """An operator's answer for PrintNow orders whose creation could not be confirmed:
        the id PrintNow gave it, or None when it was not created. Returns how many groups
        were resolved; the buyer's next retry then finishes the order."""
        record = self.ledger(buyer_id, "new", order_id)
        if record is None:
            return 0
        resolved = 0
        for group in record["groups"]:
            if group["state"] != "creating":
                continue
            if pipo_order_id is None:
                group["state"] = "pending"
            else:
                group["pipo_order_id"] = pipo_order_id
                group["state"] = "created"
            resolved += 1
        if resolved:
            record.setdefault("history", []).append(
                {"at": _now(), "state": "resolved by operator", "pipo_order_id": pipo_order_id}
            )
            self._save(record)
        return resolved

    # ------------------------------------------------------------------ update, delete

    def _original(self, buyer: Buyer, order: OrderRequest) -> dict[str, Any]:
        record = self.ledger(buyer.id, "new", order.order_id)
        if record is None or record["state"] == "rejected":
            raise Refused(
                400,
                f"Order {order.order_id} is not known to this supplier; send it as a new order.",
            )
        return record

    def _update(self, buyer: Buyer, order: OrderRequest) -> OrderAnswer:
        original = self._original(buyer, order)
        if original["state"] != "processed":
            raise Postponed("the original order is still being placed")
        if original["fingerprint"] == fingerprint(order):
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
        status = self.c.settings.order_cancel_status
        ids = []
        for group in original["groups"]:
            if group.get("pipo_order_id") is None:
                continue
            ids.append(int(group["pipo_order_id"]))
            if group.get("cancelled"):
                continue
            self._check_time(deadline)
            try:
                self.c.client.update_order_status(
                    group["pipo_order_id"],
                    status,
                    comments=f"Cancelled by the buyer (PO {order.order_id}).",
                    notify_customer=False,
                )
            except PrintNowError as exc:
                if isinstance(exc, ServerError | PrintNowTimeout | PrintNowConnectionError):
                    raise Postponed(str(exc)) from exc
                log.error("buyer %s: cancel of %s refused: %s", buyer.id, order.order_id, exc)
                raise Refused(
                    409, f"Order {order.order_id} can no longer be cancelled; contact the supplier."
                ) from exc
            group["cancelled"] = True
            self._save(original)
        self._save(original, "cancelled")
        return OrderAnswer(200, f"Order {order.order_id} cancelled."), ids

    # ------------------------------------------------------------------ attachments, audit

    def _keep_attachments(
        self, buyer: Buyer, order: OrderRequest, attachments: Sequence[Attachment]
    ) -> list[dict[str, Any]]:
        if not attachments:
            return []
        digest = hashlib.sha256(f"{buyer.id}\0{order.order_id}".encode()).hexdigest()[:24]
        folder = self.c.settings.instance_path / "attachments" / buyer.id / digest
        folder.mkdir(parents=True, exist_ok=True)
        kept = []
        for n, attachment in enumerate(attachments, start=1):
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", attachment.filename or "attachment")[:80]
            path = folder / f"{n:02d}-{safe}"
            path.write_bytes(attachment.data)
            kept.append(
                {
                    "content_id": attachment.content_id,
                    "content_type": attachment.content_type,
                    "filename": attachment.filename,
                    "size": len(attachment.data),
                    "sha256": hashlib.sha256(attachment.data).hexdigest(),
                    "path": str(path),
                }
            )
        return kept

    def _audit(
        self,
        buyer: Buyer,
        order: OrderRequest,
        payload_id: str,
        document: bytes,
        answer: OrderAnswer,
        elapsed: float,
        pipo_ids: list[int],
        attachments: Sequence[Attachment],
    ) -> None:
        entry = {
            "at": _now(),
            "payload_id": payload_id,
            "type": order.order_type,
            "order_id": order.order_id,
            "answer": {"code": answer.code, "message": answer.message},
            "milliseconds": round(elapsed * 1000, 1),
            "pipo_order_ids": pipo_ids,
            "attachments": [a.filename or a.content_id for a in attachments],
            "document": redact(document).decode("utf-8", "replace"),
        }
        store = self.c.store
        store.append(
            store.key("audit", buyer.id, order.order_id), entry, self.c.settings.audit_days * 86400
        )


def _new_record(
    buyer: Buyer, order: OrderRequest, fp: str, payload_id: str, lines: list[_Line]
) -> dict[str, Any]:
    projects: dict[int, list[int]] = defaultdict(list)
    for line in lines:
        if line.project_id not in projects[line.user_id]:
            projects[line.user_id].append(line.project_id)
    return {
        "buyer": buyer.id,
        "type": "new",
        "order_id": order.order_id,
        "fingerprint": fp,
        "payload_ids": [payload_id],
        "lines": [
            {
                "number": line.number,
                "part": line.part,
                "reference": line.reference,
                "user": line.user_id,
                "project": line.project_id,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "currency": line.currency,
                "unit_of_measure": line.unit_of_measure,
            }
            for line in lines
        ],
        "groups": [
            {"user": user, "projects": ids, "pipo_order_id": None, "state": "pending"}
            for user, ids in projects.items()
        ],
    }


def _pipo_ids(record: dict[str, Any]) -> list[int]:
    return [int(g["pipo_order_id"]) for g in record.get("groups", []) if g.get("pipo_order_id")]


def _lines_of(record: dict[str, Any], group: dict[str, Any]) -> str:
    numbers = [str(line["number"]) for line in record["lines"] if line["user"] == group["user"]]
    return f"Line{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"


def _postpone_or_uncertain(exc: PrintNowError, *, uncertain: bool) -> Exception:
    if uncertain:
        return Uncertain(str(exc))
    return Postponed(str(exc))


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
