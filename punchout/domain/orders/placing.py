"""The PrintNow steps of one PO, each recorded in the ledger before the next one starts.

For each group (the lines of one PrintNow user) the group's record moves

    pending → creating → created → processed → annotated

- ``creating`` is written before ``POST /pipo/order/create`` (PIPO: Create Order). If the
  answer is lost the order may exist, so the group stays ``creating`` and the buyer gets 500
  until an operator says what PrintNow holds (``punchout orders resolve``).
- ``created``: the order exists. Before it is processed it is read back through the Orders
  API (Orders: Get Order), because create "silently filters out" ids it does not accept: a
  project missing from it is an operator alert and a 500, never silence.
- ``GET /pipo/order/{id}/process`` (PIPO: Process Order) starts the print-file merge: it has
  side effects, so the client never repeats it on its own; only a buyer's retry does.
- ``annotated``: PrintNow orders carry no quantities, so the ordered quantities are written
  as a status comment (Orders: Update Order Status) after processing, never before. The
  Orders API needs the Enterprise licence while PIPO needs only BusinessPlus (PIPO,
  "Authentication"); on a storefront without it (403) the comment and the read-back are
  skipped, logged once per process, and the order is still processed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from punchout.domain.buyers import Buyer
from punchout.domain.identity import IdentityError, PipoLogin
from punchout.printnow import (
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
)
from punchout.printnow.errors import Forbidden, TokenInvalid

from .checks import check_projects, line_name, quantities_comment
from .errors import Postponed, Refused, Uncertain
from .parts import OrderParts
from .records import Group, Ledger, Line, OrderRecord

log = logging.getLogger(__name__)

#: Seconds that must be left in the budget to start creating a PrintNow order (at most half
#: the budget, so a short budget still lets an order be created).
CREATE_TIME = 8.0


class Placer:
    """Logs in as each group's user and takes its PrintNow order through every step."""

    def __init__(self, c: OrderParts, ledger: Ledger, clock: Callable[[], float]) -> None:
        self.c = c
        self.ledger = ledger
        self.clock = clock
        self.orders_api = True  # False once PrintNow said the Orders API is not licensed

    def check_time(self, deadline: float, need: float = 0.0) -> None:
        if self.clock() + need > deadline:
            raise Postponed("the time budget for this request ran out")

    def finished(self, group: Group) -> bool:
        """Nothing more to do for the group: annotated, or processed with no Orders API."""
        return group.state == "annotated" or (group.state == "processed" and not self.orders_api)

    def place_all(
        self, buyer: Buyer, record: OrderRecord, lines: list[Line], deadline: float
    ) -> None:
        """Every group that is not finished: log in, check designs, then create, check,
        process and annotate. Finished groups are skipped and processed ones only annotated,
        so a retry resumes where the failure happened and repeats nothing."""
        logins = {}
        for index, group in enumerate(record.groups):
            if group.state not in ("processed", "annotated"):
                logins[index] = self._prepare(buyer, record, index, lines, deadline)
        for index, group in enumerate(record.groups):
            if not self.finished(group):
                self._place(record, group, logins.get(index), _of(lines, index), deadline)

    def _prepare(
        self, buyer: Buyer, record: OrderRecord, index: int, lines: list[Line], deadline: float
    ) -> PipoLogin:
        group = record.groups[index]
        self.check_time(deadline)
        try:
            login = self.c.accounts.login_as(buyer, group.user)
            if login.is_temp:
                login = self.c.accounts.settle_for_order(buyer, login)
                if login.user_id != group.user:
                    group.user = login.user_id
                    self.ledger.save(record)
            if group.state == "pending":
                projects = {p.id: p for p in self.c.client.list_projects(login.token)}
                check_projects(_of(lines, index), projects)
        except IdentityError as exc:
            log.error("buyer %s: %s", buyer.id, exc.reason)
            raise Refused(409, f"{_names(_of(lines, index))}: {exc.message}") from exc
        except PrintNowError as exc:
            raise Postponed(str(exc)) from exc
        return login

    def _place(
        self,
        record: OrderRecord,
        group: Group,
        login: PipoLogin | None,
        lines: list[Line],
        deadline: float,
    ) -> None:
        client = self.c.client
        if group.state == "creating":
            raise Uncertain(
                f"the answer to creating the PrintNow order for user {group.user} was lost"
            )
        try:
            if group.state == "pending":
                # Creating is the one step that cannot be repeated blindly: only start it
                # with enough time left for PrintNow to answer.
                budget = self.c.settings.order_budget_seconds
                self.check_time(deadline, need=min(CREATE_TIME, budget / 2))
                assert login is not None
                group.state = "creating"
                self.ledger.save(record)
                try:
                    group.pipo_order_id = client.create_order(
                        login.token, group.projects, record.order_id
                    )
                except (PrintNowTimeout, PrintNowConnectionError) as exc:
                    raise Uncertain(str(exc)) from exc  # the order may exist: stays "creating"
                except PrintNowError:
                    group.state = "pending"  # PrintNow answered: nothing was created
                    self.ledger.save(record)
                    raise
                group.state = "created"
                self.ledger.save(record)
            assert group.pipo_order_id is not None
            if group.state == "created":
                self.check_time(deadline)
                self._check_contents(record, group)
                self.check_time(deadline)
                assert login is not None
                client.process_order(login.token, group.pipo_order_id)
                group.state = "processed"
                self.ledger.save(record)
            if group.state == "processed" and self.orders_api:
                self.check_time(deadline)
                self._annotate(record, group, lines)
        except PrintNowError as exc:
            raise Postponed(str(exc)) from exc

    def _check_contents(self, record: OrderRecord, group: Group) -> None:
        """The created order holds every project sent (create drops ids it does not accept)."""
        assert group.pipo_order_id is not None
        try:
            order = self.c.client.get_order(group.pipo_order_id)
        except PrintNowError as exc:
            if self._unlicensed(exc):
                return
            raise
        found = {item.product_id for item in order.items}
        missing = [p for p in group.projects if p not in found]
        if missing:
            log.error(
                "buyer %s: order %s: PrintNow order %s lacks projects %s; check it in PrintNow",
                record.buyer,
                record.order_id,
                group.pipo_order_id,
                missing,
            )
            raise Uncertain(f"PrintNow order {group.pipo_order_id} lacks projects {missing}")

    def _annotate(self, record: OrderRecord, group: Group, lines: list[Line]) -> None:
        """Write the ordered quantities and prices on the processed PrintNow order."""
        assert group.pipo_order_id is not None
        client = self.c.client
        try:
            status = client.get_order(group.pipo_order_id).status
            client.update_order_status(
                group.pipo_order_id,
                status,
                comments=quantities_comment(record.order_id, lines),
                notify_customer=False,
            )
        except PrintNowError as exc:
            if self._unlicensed(exc):
                return
            raise
        group.state = "annotated"
        self.ledger.save(record)

    def _unlicensed(self, exc: PrintNowError) -> bool:
        """True (and logged once) when PrintNow refuses the Orders API itself."""
        if not isinstance(exc, Forbidden) or isinstance(exc, TokenInvalid):
            return False
        if self.orders_api:
            log.warning(
                "PrintNow refused the Orders API (%s): orders are processed without the "
                "quantities comment or the check of their contents; the Orders API needs the "
                "Enterprise licence",
                exc,
            )
        self.orders_api = False
        return True


def _of(lines: list[Line], index: int) -> list[Line]:
    return [line for line in lines if line.group == index]


def _names(lines: list[Line]) -> str:
    if len(lines) == 1:
        return line_name(lines[0].number, lines[0].part)
    return f"Lines {', '.join(str(line.number) for line in lines)}"
