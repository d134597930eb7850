"""In-process cost per line of the cart and OrderRequest code, 1 to 1,000 lines (context).

No server, no Redis, no PrintNow: the functions alone, timed by the clock of this process.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.documents import SECRETS, order_template, registry
from punchout.domain.keys import derive_key
from punchout.domain.sessions import PunchoutSession


def growth() -> dict[str, Any]:
    """Cost of cart building and OrderRequest reading per line, 1 to 1,000 lines, in-process."""
    from punchout.domain.buyers import BuyerRegistry
    from punchout.domain.cart import Selection, build_cart, cart_fields, order_message
    from punchout.domain.pricebook import PriceBook
    from punchout.printnow import Project
    from punchout.protocol.cxml.parse import parse_xml
    from punchout.protocol.cxml.read import read_request
    from punchout.runtime.connector import pricebook_path
    from punchout.runtime.settings import load_settings

    settings = load_settings(environ={}, overrides={k.removeprefix("PUNCHOUT_").lower(): v
                                                     for k, v in SECRETS.items()})  # fmt: skip
    book = PriceBook.load(pricebook_path(settings))
    with tempfile.TemporaryDirectory() as tmp:
        registry(Path(tmp) / "b.toml")
        buyer = BuyerRegistry.load(Path(tmp) / "b.toml").get("bench")
    assert buyer is not None
    key = derive_key(settings.master_key, "references")
    session = PunchoutSession(id="s", buyer_id="bench", protocol="cxml", operation="create",
                              user_key="u", customer_id=42, is_temp=False, pipo_token="t",
                              buyer_cookie="c")  # fmt: skip
    rows: dict[str, Any] = {}
    print("Cost per line, in-process (median of repeated runs)")
    for lines in (1, 10, 100, 1000):
        selections = [Selection(Project(n, f"Cards {n}", "BC-STD-85x55", {"name_on_card": "X"}),
                                Decimal(1)) for n in range(1, lines + 1)]  # fmt: skip
        document = order_template(lines, key).replace("@@N@@", "1").encode()

        def cart_once(selections: list[Selection] = selections) -> None:
            cart = build_cart(book, buyer, 42, selections, key)
            cart_fields(buyer, order_message(session, buyer, cart, "USD"))

        def order_once(document: bytes = document) -> None:
            read_request(parse_xml(document, max_bytes=50_000_000))

        cart_ms, order_ms = _median_ms(cart_once), _median_ms(order_once)
        rows[str(lines)] = {
            "cart_ms": cart_ms,
            "cart_us_per_line": cart_ms * 1000 / lines,
            "order_read_ms": order_ms,
            "order_read_us_per_line": order_ms * 1000 / lines,
        }
        print(f"  {lines:>5} lines: cart build {cart_ms:8.2f} ms ({cart_ms * 1000 / lines:6.1f} "
              f"µs/line), OrderRequest read {order_ms:8.2f} ms "
              f"({order_ms * 1000 / lines:6.1f} µs/line)")  # fmt: skip
    return rows


def _median_ms(action: Any) -> float:
    times: list[float] = []
    deadline = time.perf_counter() + 1.0
    while len(times) < 5 or (time.perf_counter() < deadline and len(times) < 200):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
