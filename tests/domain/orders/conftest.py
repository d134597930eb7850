"""The order desk driven directly, without a browser: a real Redis, the PrintNow sandbox over
real HTTP, users and designs made through the sandbox, and OrderRequests built as records.

:class:`WatchedClient` is the real PrintNow client; it only records each call that PrintNow
answered, and can switch a sandbox fault on just before the n-th call of an endpoint, so a
test can make the *second* user's step fail after the first user's went through.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
import redis

from punchout.domain.buyers import Buyer
from punchout.domain.identity import ProcurementUser
from punchout.domain.orders import OrderAnswer, OrderDesk
from punchout.domain.references import make_reference
from punchout.printnow import PrintNowClient
from punchout.protocol.cxml.model import OrderLine, OrderRequest
from punchout.protocol.cxml.parse import parse_xml
from punchout.runtime.connector import Connector
from punchout.web.app import create_app
from punchout.web.context import connector_of
from tests.conftest import make_settings
from tests.support import LiveSandbox, buyers_toml


class WatchedClient(PrintNowClient):
    """The real client, recording answered calls as ``"METHOD path"``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []
        self.traps: list[list[Any]] = []

    def trap(self, pattern: str, nth: int, action: Callable[[], None]) -> None:
        """Run ``action`` just before the ``nth`` (1-based) call matching ``pattern``."""
        self.traps.append([pattern, nth, action])

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        call = f"{method} {path}"
        for trap in list(self.traps):
            if fnmatchcase(call, trap[0]):
                trap[1] -= 1
                if trap[1] == 0:
                    self.traps.remove(trap)
                    trap[2]()
        result = super().request(method, path, **kwargs)
        self.calls.append(call)
        return result


@dataclass
class Clock:
    """A monotonic clock a test can move forward."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    """One connector app on a real Redis, the sandbox as PrintNow, and the test buyer."""

    app: Any
    sandbox: LiveSandbox
    client: WatchedClient
    clock: Clock
    buyers_file: Path
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def c(self) -> Connector:
        return connector_of(self.app)

    @property
    def desk(self) -> OrderDesk:
        return self.c.orders

    @property
    def buyer(self) -> Buyer:
        buyer = self.c.registry.get("acme")
        assert buyer is not None
        return buyer

    def user(self) -> int:
        """A new per-user storefront account, as a first punch-out would make it."""
        n = next(self.ids)
        user = ProcurementUser(f"user{n}@buyer.example", f"user{n}@buyer.example")
        user_id, _ = self.c.accounts.provision(self.buyer, user)
        return user_id

    def design(self, user_id: int, template: str = "BC-STD-85x55") -> int:
        project = self.sandbox.control(
            "POST",
            "/projects",
            user_id=user_id,
            template=template,
            fields={"name_on_card": "J. Doe"},
        )
        return int(project["id"])

    def line(
        self,
        user_id: int,
        project_id: int,
        *,
        template: str = "BC-STD-85x55",
        quantity: str = "1",
        price: Decimal | None = None,
    ) -> OrderLine:
        priced = self.c.pricebook.price(self.buyer.price_book, template, Decimal(quantity))
        return OrderLine(
            line_number=None,
            quantity=Decimal(quantity),
            supplier_part_id=template,
            supplier_part_auxiliary_id=make_reference(
                self.c.reference_key, "acme", user_id, project_id
            ),
            unit_price=priced.unit_price if price is None else price,
            currency="USD",
            unit_of_measure=priced.unit_of_measure,
            description="Business cards",
        )

    def po(self, order_id: str, *lines: OrderLine, order_type: str = "new") -> OrderRequest:
        numbered = tuple(
            OrderLine(n, *(getattr(line, f) for f in list(OrderLine.__dataclass_fields__)[1:]))
            for n, line in enumerate(lines, start=1)
        )
        return OrderRequest(order_id, None, order_type, None, "USD", numbered)

    def send(self, order: OrderRequest, payload_id: str = "") -> OrderAnswer:
        return self.desk.receive(
            self.buyer,
            order,
            payload_id=payload_id or f"{order.order_id}.{next(self.ids)}",
            document=parse_xml(b"<cXML/>", max_bytes=100),
        )

    def orders(self) -> list[dict[str, Any]]:
        orders: list[dict[str, Any]] = self.sandbox.control("GET", "/state")["orders"]
        return orders

    def set_buyer(self, **overrides: Any) -> None:
        import os
        import time

        self.buyers_file.write_text(buyers_toml(**overrides), encoding="utf-8")
        stamp = time.time() + 1
        os.utime(self.buyers_file, (stamp, stamp))


@pytest.fixture
def make_world(
    tmp_path: Path, live_sandbox: LiveSandbox, redis_client: redis.Redis
) -> Callable[..., World]:
    def make(redis_to_use: redis.Redis | None = None, **settings: Any) -> World:
        buyers_file = tmp_path / "buyers.toml"
        if not buyers_file.exists():
            buyers_file.write_text(buyers_toml(), encoding="utf-8")
        config = make_settings(
            tmp_path, printnow_url=live_sandbox.url, buyers_file=str(buyers_file), **settings
        )
        client = WatchedClient(
            live_sandbox.api_url, live_sandbox.api_token, live_sandbox.api_key, retries=0
        )
        app = create_app(config, redis_client=redis_to_use or redis_client, printnow=client)
        clock = Clock()
        connector_of(app).orders = OrderDesk(connector_of(app), clock)
        return World(app, live_sandbox, client, clock, buyers_file)

    return make


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()
