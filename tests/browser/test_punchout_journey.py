"""The rest of a procurement user's punch-out: long sessions, designs kept, clear error pages,
feedback while PrintNow is slow, and the new-window flow (issue "the procurement user's
pages", items 2, 3, 6, 7, 8, 10). Every connector page met is checked with axe-core."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from punchout.devtools.demo import Demo
from tests.browser.conftest import Watched
from tests.browser.pages_helpers import (
    axe_problems,
    connector_of,
    design,
    punch_out,
    sandbox_fault,
    session_keys,
    to_review,
)

pytestmark = pytest.mark.browser


def test_a_session_lasts_hours_and_renews_an_expired_storefront_token(
    demo: Demo, watched: Watched
) -> None:  # item 3
    page = watched.page
    punch_out(page, demo, window="new")
    c = connector_of(demo)
    (key,) = session_keys(demo)
    assert c.store.redis.ttl(key) > 4 * 3600  # as long as a procurement session, not 30 min
    session = c.sessions.load(key.rsplit(":", 1)[-1])
    assert session is not None
    c.client.logout(session.pipo_token)  # PrintNow's token idled out while the user waited
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Open the storefront in a new window").click()
    storefront = opened.value
    storefront.get_by_role("heading", name="Design a product").wait_for()
    watched.shot("storefront-after-token-renewal")
    design(storefront, "Mary Jackson")
    to_review(storefront)
    assert storefront.get_by_role("checkbox", name="Mary Jackson").is_checked()


def test_a_first_time_users_designs_are_there_at_the_next_punch_out(
    demo: Demo, watched: Watched
) -> None:  # item 2
    page = watched.page
    frame = punch_out(page, demo)
    design(frame, "Annie Easley")
    to_review(frame)
    assert "stay in your account for your next punch-out" in frame.locator("main").inner_text()
    frame.get_by_role("button", name="Cancel").click()  # no cart: the user stays temporary
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    frame = punch_out(page, demo)
    to_review(frame)
    watched.shot("designs-kept")
    assert frame.get_by_role("checkbox", name="Annie Easley").count() == 1


def test_a_storefront_that_does_not_exist_says_ask_your_administrator(
    demo: Demo, watched: Watched
) -> None:  # item 6
    buyers = Path(connector_of(demo).settings.buyers_file)
    if not buyers.exists():
        buyers = connector_of(demo).settings.instance_path / "demo-buyers.toml"
    text = buyers.read_text(encoding="utf-8")
    buyers.write_text(text.replace("storefront_id = 1", "storefront_id = 999"), encoding="utf-8")
    mtime = buyers.stat().st_mtime + 5
    os.utime(buyers, (mtime, mtime))  # the registry reloads on a changed mtime
    page = watched.page
    page.goto(demo.simulator_url)
    watched.expect("status of 502")  # the simulator shows the refused setup as 502
    page.get_by_role("button", name="Punch out to the print shop").click()
    page.get_by_text("administrator").first.wait_for()
    watched.shot("misconfigured-storefront")
    body = page.inner_text("body")
    assert "trying again will not help" in body
    assert "few minutes" not in body


def test_error_pages_give_a_reference_a_time_and_the_supplier(
    demo: Demo, watched: Watched
) -> None:  # item 8
    page = watched.page
    punch_out(page, demo, window="new")
    start_url = page.get_by_role("link", name="Open the storefront in a new window").get_attribute(
        "href"
    )
    page.goto(start_url)
    page.get_by_role("heading", name="Design a product").wait_for()
    watched.expect("status of 410")
    expired = page.goto(start_url)  # a StartPage link works once
    page.get_by_role("heading", name="This punch-out link has expired").wait_for()
    watched.shot("expired-link-with-reference")
    # The reference is the request id the logs and the X-Request-ID header carry.
    assert expired is not None
    assert page.inner_text("#reference") == expired.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16,32}", page.inner_text("#reference"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", page.inner_text("#error-time"))
    assert page.locator("[data-next-step=restart]").count() == 1
    assert page.get_by_role("link", name="support@example-print.com").count() == 1
    assert page.locator("header.top").inner_text().strip() == "Example Print Co."
    assert axe_problems(page) == []

    watched.expect("status of 403")
    page.goto(f"{demo.connector_url}/cart/not-this-browsers-session")
    page.get_by_role("heading", name="This punch-out is not open in this browser").wait_for()
    assert page.locator("#reference").count() == 1
    assert axe_problems(page) == []
    page.goto(demo.connector_url)
    assert axe_problems(page) == []


def test_a_slow_storefront_shows_that_the_cart_is_on_its_way(
    demo: Demo, watched: Watched
) -> None:  # item 7
    page = watched.page
    frame = punch_out(page, demo)
    design(frame, "Evelyn Boyd")
    to_review(frame)
    sandbox_fault(demo, endpoint="pipo_project_all", mode="slow", delay=3, times=1)
    frame.get_by_role("button", name="Return cart to procurement").click()
    busy = frame.get_by_role("status").filter(has_text="Sending your cart")
    busy.wait_for()  # shown at once, while PrintNow is still answering
    watched.shot("slow-storefront-feedback")
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    assert "BC-STD-85x55" in page.inner_text("#cart-lines")


def test_new_window_mode_returns_the_cart_to_the_buyers_page(
    demo: Demo, watched: Watched
) -> None:  # item 10
    page = watched.page
    punch_out(page, demo, window="new")
    assert "window closes" in page.inner_text("main")
    link = page.get_by_role("link", name="Open the storefront in a new window")
    with page.context.expect_page() as opened:
        link.click()
    storefront = opened.value
    storefront.get_by_role("heading", name="Design a product").wait_for()
    link.click()  # a second click brings the same window forward, never "link has expired"
    storefront.get_by_role("heading", name="Design a product").wait_for()
    assert len(page.context.pages) == 2
    assert "expired" not in storefront.inner_text("body")
    design(storefront, "Frances Allen")
    to_review(storefront)
    assert axe_problems(storefront) == []
    with storefront.expect_event("close"):
        storefront.get_by_role("button", name="Return cart to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    page.locator("#cart-lines").wait_for()
    watched.shot("cart-back-on-the-buyers-page")
    assert "BC-STD-85x55" in page.inner_text("#cart-lines")
    assert page.context.pages == [page]


def test_the_oci_detail_page_is_branded_and_accessible(demo: Demo, watched: Watched) -> None:
    page = watched.page
    query = urlencode(
        {
            "USERNAME": demo.account.oci_username,
            "PASSWORD": demo.account.oci_password,
            "HOOK_URL": f"{demo.simulator_url}/return-oci/none",
            "FUNCTION": "DETAIL",
            "PRODUCTID": "BC-STD-85x55",
        }
    )
    page.goto(f"{demo.connector_url}/oci/{demo.account.buyer_id}?{query}")
    page.get_by_role("heading", name="Prices").wait_for()
    watched.shot("oci-detail")
    assert page.locator("header.top").inner_text().strip() == "Example Print Co."
    assert axe_problems(page) == []
