"""What follows the order, in a real browser on the whole demo (its `punchout worker` process
included): punch out, order, the print shop marks the order shipped on the sandbox's orders
page, and the supplier's confirmation, ship notice and invoice arrive on the purchase order's
page in the buyer simulator. The sandbox page and the purchase order page are checked with
axe-core too."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from punchout.devtools.demo import Demo
from tests.browser.conftest import Watched
from tests.browser.pages_helpers import axe_problems, connector_of, design, punch_out, to_review

pytestmark = pytest.mark.browser

TRACKING = "1Z999AA10123456784"
#: The most the test waits for the worker to deliver; it takes a few seconds.
DELIVERY_LIMIT = 120.0
THE_WHOLE_STORY = {"ConfirmationRequest", "ShipNoticeRequest", "InvoiceDetailRequest"}


def documents_on(page: Any) -> list[str]:
    kinds: list[str] = page.locator("tr.document").evaluate_all(
        "rows => rows.map(row => row.dataset.kind)"
    )
    return kinds


def wait_for_documents(page: Any, demo: Demo, wanted: set[str]) -> list[str]:
    """Reload the purchase order's page until the documents ``wanted`` are all on it."""
    deadline = time.monotonic() + DELIVERY_LIMIT
    while not wanted <= set(found := documents_on(page)):
        if time.monotonic() > deadline:
            log = demo.worker_log.read_text(errors="replace")[-4000:] if demo.worker_log else ""
            pytest.fail(f"only {found} arrived; the worker's log ends:\n{log}")
        page.wait_for_timeout(500)
        page.reload()
    return found


def mark_shipped_on_the_sandbox_page(browser: Any, demo: Demo, printnow_id: str) -> None:
    """The print shop's part, in its own browser window. The sandbox's pages forbid every
    script (CSP default-src 'none'), so this context lets axe-core's script in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        shop = Watched(context.new_page(), "after-the-order-print-shop")
        page = shop.page
        page.set_default_timeout(15_000)
        page.goto(f"{demo.sandbox_url}/admin/orders")
        order = page.locator(f"#order-{printnow_id}")
        order.get_by_label("Tracking number").fill(TRACKING)
        order.get_by_label("Carrier").fill("UPS")
        order.get_by_label("Service").fill("Ground")
        shop.shot("sandbox-orders-page")
        assert axe_problems(page) == []
        order.get_by_role("button", name="Mark shipped").click()
        page.locator("#notice").wait_for()
        shipped = page.locator(f"#order-{printnow_id}")
        assert shipped.locator(".order__status").inner_text() == "Order Shipped"
        assert shipped.locator(".order__tracking").inner_text() == TRACKING
        shop.shot("sandbox-order-shipped")
        assert shop.unexpected() == []
    finally:
        context.close()


def test_the_shipped_order_brings_confirmation_ship_notice_and_invoice(
    demo_with_worker: Demo, watched: Watched, browser: Any
) -> None:
    demo, page = demo_with_worker, watched.page
    frame = punch_out(page, demo)
    design(frame, "Katherine Johnson")
    to_review(frame)
    frame.get_by_role("button", name="Return cart to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    page.get_by_role("button", name="Create purchase order").click()
    page.locator("#order-status").wait_for()
    assert "answered 200" in page.inner_text("#order-status")
    heading = page.locator(".printnow-order h3").first.inner_text()
    found = re.search(r"PrintNow order (\d+)", heading)
    assert found, heading
    printnow_id = found.group(1)
    page.locator("#po-page").click()
    page.get_by_role("heading", name=re.compile(r"Purchase order PO-\d+")).wait_for()
    po_url = page.url
    watched.shot("purchase-order-page")
    assert axe_problems(page) == []

    mark_shipped_on_the_sandbox_page(browser, demo, printnow_id)

    page.goto(po_url)
    kinds = wait_for_documents(page, demo, THE_WHOLE_STORY)
    assert kinds.index("ConfirmationRequest") < kinds.index("ShipNoticeRequest")
    assert 'data-duplicate="yes"' not in page.content()
    table = page.locator("#supplier-documents")
    ship_notice = table.locator("tr[data-kind=ShipNoticeRequest]").inner_text()
    assert re.search(r"shipment\n\S+", ship_notice), ship_notice  # its shipmentID
    if connector_of(demo).settings.sandbox_profile == "documented":
        # Orders: Get Order documents no tracking field: nothing to pass on, nothing invented.
        assert TRACKING not in ship_notice
    else:
        assert TRACKING in ship_notice and "UPS" in ship_notice
    confirmation = table.locator("tr[data-kind=ConfirmationRequest]").inner_text()
    assert "confirmation type" in confirmation
    invoice = table.locator("tr[data-kind=InvoiceDetailRequest]").inner_text()
    assert re.search(r"total\s+\d+(\.\d+)? USD", invoice), invoice
    assert page.locator(".pn-status").first.inner_text() == "Order Shipped"
    watched.shot("purchase-order-with-documents")
    assert axe_problems(page) == []
