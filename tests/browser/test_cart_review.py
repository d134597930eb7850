"""The cart review as a procurement user meets it: prices, keyboard, delete, empty carts, errors.

Each test names the problem it covers and checks the page with axe-core: no serious or
critical accessibility violation.
"""

from __future__ import annotations

import re

import pytest

from punchout.devtools.demo import Demo
from tests.browser.conftest import Watched
from tests.browser.pages_helpers import axe_problems, cart_frame, design, punch_out, to_review

pytestmark = pytest.mark.browser


def test_enter_in_a_quantity_never_deletes_and_delete_asks_first(
    demo: Demo, watched: Watched
) -> None:  # item 1
    page = watched.page
    frame = punch_out(page, demo)
    design(frame, "Ada Lovelace")
    to_review(frame)
    quantity = frame.get_by_role("spinbutton", name=re.compile("Quantity of .*Ada Lovelace"))
    quantity.fill("3")
    quantity.press("Enter")
    frame.locator("#cart-total").filter(has_text="135.00 USD").wait_for()
    watched.shot("enter-updates-totals")
    assert frame.get_by_role("checkbox", name="Ada Lovelace").is_checked()

    frame.get_by_role("button", name=re.compile("Delete .*Ada Lovelace")).click()
    confirm = frame.get_by_role("alertdialog")
    confirm.wait_for()
    watched.shot("delete-asks-first")
    assert "cannot be restored" in confirm.inner_text()
    assert axe_problems(cart_frame(page)) == []
    frame.get_by_role("button", name="Keep the design").click()
    frame.get_by_role("alertdialog").wait_for(state="detached")
    assert frame.get_by_role("checkbox", name="Ada Lovelace").is_checked()

    frame.get_by_role("button", name=re.compile("Delete .*Ada Lovelace")).click()
    frame.get_by_role("button", name="Delete the design").click()
    frame.get_by_text("You have no saved designs yet.").wait_for()
    watched.shot("deleted-after-confirmation")


def test_review_prices_follow_the_quantity_with_totals_and_pack_size(
    demo: Demo, watched: Watched
) -> None:  # item 4
    page = watched.page
    frame = punch_out(page, demo)
    design(frame, "Grace Hopper")
    design(frame, "Alan Turing")
    to_review(frame)
    row = frame.locator("tr.line", has_text="Grace Hopper")
    assert "per box of 500" in row.inner_text()
    row.get_by_role("spinbutton").fill("50")  # the 50+ price break
    row.locator(".unit-price").filter(has_text="39.00 USD").wait_for()
    assert row.locator(".line-total").inner_text() == "1,950.00 USD"
    frame.locator("#cart-total").filter(has_text="1,995.00 USD").wait_for()
    frame.get_by_role("checkbox", name="Alan Turing").uncheck()
    frame.locator("#cart-total").filter(has_text="1,950.00 USD").wait_for()
    assert "tax and shipping" in frame.locator("#price-note").inner_text()
    watched.shot("live-totals")
    assert axe_problems(cart_frame(page)) == []

    frame.get_by_role("button", name="Return cart to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    assert page.inner_text("#cart-total") == "1950.00 USD"  # what the review showed


def test_an_empty_cart_is_confirmed_and_a_quantity_error_keeps_what_was_typed(
    demo: Demo, watched: Watched
) -> None:  # item 5
    page = watched.page
    frame = punch_out(page, demo)
    design(frame, "Katherine Johnson")
    design(frame, "Dorothy Vaughan")
    to_review(frame)
    frame.get_by_role("spinbutton", name=re.compile("Quantity of .*Katherine Johnson")).fill("0")
    frame.get_by_role("spinbutton", name=re.compile("Quantity of .*Dorothy Vaughan")).fill("7")
    frame.get_by_role("button", name="Return cart to procurement").click()
    frame.get_by_role("alert").filter(has_text="Katherine Johnson").wait_for()
    watched.expect("status of 400")  # the corrected form comes back as 400, on purpose
    watched.shot("quantity-error-names-the-line")
    wrong = frame.get_by_role("spinbutton", name=re.compile("Quantity of .*Katherine Johnson"))
    assert wrong.input_value() == "0" and wrong.get_attribute("aria-invalid") == "true"
    assert wrong.evaluate("e => e === document.activeElement")  # focus is on what to correct
    assert (
        frame.get_by_role(
            "spinbutton", name=re.compile("Quantity of .*Dorothy Vaughan")
        ).input_value()
        == "7"
    )
    assert frame.get_by_role("checkbox", name="Dorothy Vaughan").is_checked()
    assert axe_problems(cart_frame(page)) == []

    for name in ("Katherine Johnson", "Dorothy Vaughan"):
        frame.get_by_role("checkbox", name=name).uncheck()
    frame.get_by_role("button", name="Return cart to procurement").click()
    frame.get_by_role("alertdialog").filter(has_text="empty cart").wait_for()
    watched.shot("empty-cart-warning")
    assert axe_problems(cart_frame(page)) == []
    frame.get_by_role("button", name="Return an empty cart").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))
    page.get_by_text("The cart came back empty.").wait_for()


def test_the_review_carries_the_supplier_brand_and_edit_mode_tags_nothing_new(
    demo: Demo, watched: Watched
) -> None:  # item 9
    page = watched.page
    frame = punch_out(page, demo)
    design(frame, "Hedy Lamarr")
    storefront_colour = frame.locator("header").first.evaluate(
        "e => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
    )
    to_review(frame)
    header = frame.locator("header.top")
    assert header.inner_text().strip() == "Example Print Co."
    assert "Print punch-out" not in frame.locator("body").inner_text()
    background = header.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(15, 110, 95)" and storefront_colour == "#0f6e5f"
    for cell in (".unit-price", ".line-total", "code"):
        white_space = frame.locator(f"tr.line {cell}").first.evaluate(
            "e => getComputedStyle(e).whiteSpace"
        )
        assert white_space == "nowrap", cell
    watched.shot("branded-review")
    frame.get_by_role("button", name="Return cart to procurement").click()
    page.wait_for_url(re.compile(r".*/cart/[0-9a-f]+$"))

    page.get_by_role("button", name="Edit cart").click()
    frame = page.frame_locator("iframe.storefront")
    to_review(frame)
    frame.get_by_role("checkbox", name="Hedy Lamarr").wait_for()
    assert frame.locator(".tag", has_text="new").count() == 0  # restored, not new
    watched.shot("edit-mode-no-new-tag")
    assert axe_problems(cart_frame(page)) == []


def test_the_returning_page_is_accessible(demo: Demo, watched: Watched) -> None:
    page = watched.page
    frame = punch_out(page, demo)
    design(frame, "Radia Perlman")
    to_review(frame)
    # The buyer answers the cart's post with 204: the "Returning your cart" page stays.
    page.route("**/return/**", lambda route: route.fulfill(status=204))
    watched.expect("/return/")  # Chromium reports a 204 navigation as aborted
    frame.get_by_role("button", name="Return cart to procurement").click()
    frame.get_by_role("heading", name="Returning your cart to your procurement system…").wait_for()
    watched.shot("returning-page")
    returning = next(
        f for f in page.frames if f.url.rstrip("/").endswith("/cart/") or "/cart/" in f.url
    )
    assert axe_problems(returning) == []
