"""The whole product in a real browser: punch out, design, return, order, edit, inspect, OCI."""

from __future__ import annotations

import re
from typing import Any

import pytest

from punchout.devtools.demo import Demo
from tests.browser.conftest import Watched

pytestmark = pytest.mark.browser


def design_in_storefront(frame: Any, name: str) -> None:
    form = frame.locator("form:has(input[name=template][value='BC-STD-85x55'])")
    form.get_by_label("Name on card").fill(name)
    form.get_by_role("button", name="Save design").click()
    frame.get_by_text(name).first.wait_for()


def test_cxml_create_order_then_edit_and_inspect(demo: Demo, watched: Watched) -> None:
    page = watched.page
    page.goto(demo.simulator_url)
    watched.shot("simulator")
    page.get_by_role("button", name="Punch out to the print shop").click()
    frame = page.frame_locator("iframe.storefront")
    frame.get_by_role("heading", name="Design a product").wait_for()
    watched.shot("storefront-in-iframe")
    design_in_storefront(frame, "Jürgen Müller")
    watched.shot("design-saved")
    frame.get_by_role("link", name="Return to procurement").last.click()
    frame.get_by_role("heading", name="Review your cart").wait_for()
    watched.shot("connector-cart-review")
    frame.get_by_role("button", name="Return cart to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    page.locator("#cart-lines").wait_for()
    watched.shot("cart-in-simulator")
    assert "BC-STD-85x55" in page.inner_text("#cart-lines")
    assert page.inner_text("#cart-total") == "45.00 USD"
    assert "PunchOutOrderMessage" in page.inner_text("#raw-cart")

    page.get_by_role("button", name="Create purchase order").click()
    page.locator("#order-status").wait_for()
    watched.shot("purchase-order")
    assert "answered 200" in page.inner_text("#order-status")
    assert page.locator(".pn-status").first.inner_text() == "New Order"
    cart_url = page.url.split("#")[0]

    page.get_by_role("button", name="Edit cart").click()
    frame = page.frame_locator("iframe.storefront")
    frame.get_by_role("link", name="Return to procurement").last.click()
    frame.get_by_role("heading", name="Review your cart").wait_for()
    assert frame.locator("input[name=project]:checked").count() == 1
    watched.shot("edit-cart-preselected")
    frame.get_by_role("spinbutton").first.fill("12")
    frame.get_by_role("button", name="Return cart to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    page.locator("#cart-lines").wait_for()
    watched.shot("edited-cart")
    assert page.inner_text("#cart-total") == "510.00 USD"

    page.goto(cart_url)
    page.get_by_role("button", name="Inspect cart").click()
    frame = page.frame_locator("iframe.storefront")
    frame.get_by_role("heading", name="Your cart (view only)").wait_for()
    watched.shot("inspect-read-only")
    assert frame.locator("input[name=project]").first.is_disabled()
    frame.get_by_role("button", name="Back to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    page.locator("#cart-lines").wait_for()
    assert page.inner_text("#cart-total") == "45.00 USD"
    watched.shot("inspected-cart-unchanged")


def test_oci_round_trip(demo: Demo, watched: Watched) -> None:
    page = watched.page
    page.goto(demo.simulator_url)
    page.get_by_label("SAP OCI").check()
    page.get_by_role("button", name="Punch out to the print shop").click()
    frame = page.frame_locator("iframe.storefront")
    frame.get_by_role("heading", name="Design a product").wait_for()
    watched.shot("oci-storefront")
    design_in_storefront(frame, "Zoë Ångström")
    frame.get_by_role("link", name="Return to procurement").last.click()
    frame.get_by_role("button", name="Return cart to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    page.locator("#cart-lines").wait_for()
    watched.shot("oci-cart-in-simulator")
    assert "NEW_ITEM-EXT_PRODUCT_ID[1]" in page.inner_text("#raw-cart")
    assert "Zoë Ångström" in page.inner_text("#raw-cart")
    page.get_by_role("button", name="Create purchase order").click()
    page.locator("#order-status").wait_for()
    watched.shot("oci-purchase-order")
    assert "answered 200" in page.inner_text("#order-status")


def test_new_window_mode_and_an_expired_link(demo: Demo, watched: Watched) -> None:
    page = watched.page
    page.goto(demo.simulator_url)
    page.get_by_label("in a new window").check()
    page.get_by_role("button", name="Punch out to the print shop").click()
    link = page.get_by_role("link", name="Open the storefront in a new window")
    start_url = link.get_attribute("href")
    with page.context.expect_page() as opened:
        link.click()
    storefront = opened.value
    storefront.get_by_role("heading", name="Design a product").wait_for()
    watched.shot("new-window-opened")
    storefront.close()
    watched.expect("status of 410")  # the expired-link page answers 410 Gone, on purpose
    page.goto(start_url)  # a StartPage link works once
    page.get_by_role("heading", name="This punch-out link has expired").wait_for()
    watched.shot("expired-link-page")
