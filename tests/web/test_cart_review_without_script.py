"""The cart review works without a script: "Update totals" reprices as typed, Delete asks
first, and nothing is deleted or sent until the person confirms."""

from __future__ import annotations

from tests.web.conftest import LiveConnector
from tests.web.test_input_attacks import punch_out_to_cart


def test_update_totals_reprices_at_the_typed_quantity(connector: LiveConnector) -> None:
    browser = punch_out_to_cart(connector, "https://buyer.example/punchout/return")
    _, _, (project,) = browser.cart_form()
    page = browser.submit_cart("update", quantities={project: "50"})
    assert page.status_code == 200
    assert "39.00 USD" in page.text and "1,950.00 USD" in page.text
    assert 'value="50"' in page.text and 'id="cart-form"' not in page.text  # nothing sent


def test_delete_asks_and_only_the_confirmation_deletes(connector: LiveConnector) -> None:
    browser = punch_out_to_cart(connector, "https://buyer.example/punchout/return")
    _, _, (project,) = browser.cart_form()
    page = browser.submit_cart(f"delete:{project}")
    assert page.status_code == 200 and 'role="alertdialog"' in page.text
    assert f'value="{project}"' in page.text  # still there
    page = browser.submit_cart(f"confirm-delete:{project}")
    assert page.status_code == 200 and "You have no saved designs yet." in page.text


def test_an_empty_return_asks_first(connector: LiveConnector) -> None:
    browser = punch_out_to_cart(connector, "https://buyer.example/punchout/return")
    page = browser.submit_cart("return", projects=[])
    assert page.status_code == 200 and "Return an empty cart" in page.text
    assert 'id="cart-form"' not in page.text
    browser.submit_cart("return-empty", projects=[])
    assert browser.returned_cart().items == []
