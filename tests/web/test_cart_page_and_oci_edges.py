"""The cart page and the OCI entry on input a person or SAP gets wrong: each gets a readable
answer and loses nothing."""

from __future__ import annotations

import pytest

from tests.buyer_side import Browser
from tests.web.conftest import LiveConnector
from tests.web.test_oci import callup, start
from tests.web.test_punchout_cxml import punch_out

pytestmark = pytest.mark.sandbox


def on_cart_page(connector: LiveConnector) -> Browser:
    browser, _ = punch_out(connector)
    assert browser.design(name_on_card="Ada Lovelace").status_code == 200
    browser.get(browser.storefront_return_url())
    return browser


@pytest.mark.parametrize(
    ("quantity", "words"),
    [
        ("lots", "“lots” is not a quantity: enter a whole number."),
        ("1.5", "Quantities must be whole numbers from 1 to 1,000,000."),
        ("0", "Quantities must be whole numbers from 1 to 1,000,000."),
        ("1000001", "Quantities must be whole numbers from 1 to 1,000,000."),
    ],
)
def test_a_bad_quantity_is_shown_on_the_cart_page_and_nothing_is_sent(
    connector: LiveConnector, quantity: str, words: str
) -> None:
    browser = on_cart_page(connector)
    _, _, checked = browser.cart_form()
    page = browser.submit_cart("return", quantities={p: quantity for p in checked})
    assert page.status_code == 400
    assert words in page.text
    # The review is shown again with the line marked and what was typed kept.
    assert 'id="review-form"' in page.text and 'aria-invalid="true"' in page.text
    assert f'value="{quantity}"' in page.text
    assert "cxml-base64" not in page.text and "cxml-urlencoded" not in page.text  # nothing sent
    # The same page, with the design still there, takes a good quantity next.
    browser.submit_cart("return", quantities={p: "2" for p in checked})
    (item,) = browser.returned_cart().items
    assert item["quantity"] == 2


def test_a_design_deleted_from_the_cart_page_is_gone(connector: LiveConnector) -> None:
    browser = on_cart_page(connector)
    url, hidden, (project,) = browser.cart_form()
    asked = browser.post(url, [*hidden.items(), ("action", f"delete:{project}")])
    assert asked.status_code == 200  # deleting cannot be undone: it is asked first
    assert any(p["id"] == int(project) for p in connector.sandbox_state()["projects"])
    page = browser.post(url, [*hidden.items(), ("action", f"confirm-delete:{project}")])
    assert page.status_code == 200 and page.url == url  # back on the cart page
    assert browser.cart_form()[2] == []
    assert all(p["id"] != int(project) for p in connector.sandbox_state()["projects"])


@pytest.mark.parametrize("action", ["delete:seven", "order", ""])
def test_an_unknown_cart_action_is_400(connector: LiveConnector, action: str) -> None:
    browser = on_cart_page(connector)
    url, hidden, checked = browser.cart_form()
    page = browser.post(url, [*hidden.items(), ("action", action)])
    assert page.status_code == 400
    assert "Traceback" not in page.text
    browser.get(url)
    assert browser.cart_form()[2] == checked  # nothing was lost


def test_an_oci_callup_naming_no_user_is_told_which_field_to_send(
    connector: LiveConnector,
) -> None:
    params = callup()
    del params["USER_EMAIL"]
    page = Browser().post(f"{connector.url}/oci/acme", data=params)
    assert page.status_code == 400
    assert "Your user could not be identified" in page.text
    assert "USER_EMAIL" in page.text


def test_a_shared_oci_buyer_needs_no_user(connector: LiveConnector) -> None:
    connector.set_buyer(user_policy="shared")
    params = callup()
    del params["USER_EMAIL"]
    page = Browser().post(f"{connector.url}/oci/acme", data=params)
    assert page.status_code == 200 and "/storefront/1" in page.url


def test_detail_and_validate_of_an_unknown_product(connector: LiveConnector) -> None:
    detail = Browser().post(
        f"{connector.url}/oci/acme", data=callup(FUNCTION="DETAIL", PRODUCTID="NO-SUCH")
    )
    assert detail.status_code == 404 and "Product not found" in detail.text
    validate = Browser().post(
        f"{connector.url}/oci/acme",
        data=callup(FUNCTION="VALIDATE", PRODUCTID="NO-SUCH", QUANTITY="1"),
    )
    assert validate.status_code == 422
    assert "This product cannot be validated" in validate.text


def test_a_template_id_validates_directly(connector: LiveConnector) -> None:
    browser = start(connector)  # a session exists; VALIDATE needs none
    assert browser.last is not None
    page = Browser().post(
        f"{connector.url}/oci/acme",
        data=callup(FUNCTION="VALIDATE", PRODUCTID="BN-RU-850", QUANTITY="5"),
    )
    assert page.status_code == 200 and "BN-RU-850" in page.text
