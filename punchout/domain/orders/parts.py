"""What the order desk needs of the process's wiring, as a type (:class:`OrderParts`).

The connector (:class:`punchout.runtime.connector.Connector`) builds the desk and has every
one of these; naming only them keeps the orders free of the wiring that owns them, so no
import runs both ways.
"""

from __future__ import annotations

from typing import Protocol

from punchout.domain.accounts import Accounts
from punchout.domain.pricebook import PriceBook
from punchout.printnow import PrintNowClient
from punchout.runtime.settings import Settings
from punchout.runtime.store import Store


class OrderParts(Protocol):
    """The parts an OrderRequest is placed with."""

    @property
    def settings(self) -> Settings: ...

    @property
    def store(self) -> Store: ...

    @property
    def client(self) -> PrintNowClient: ...

    @property
    def accounts(self) -> Accounts: ...

    @property
    def pricebook(self) -> PriceBook: ...

    @property
    def reference_key(self) -> tuple[bytes, ...]: ...
