"""Breaks the suite once let through: a buyer used over a protocol it is not registered for,
a cart Total that ignores quantities, and a cart form posted with a wrong token."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.buyer_side import Browser, BuyerIdentity, setup_request, status_of
from tests.web.conftest import LiveConnector
from tests.web.test_oci import callup
from tests.web.test_punchout_cxml import punch_out

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()


def test_an_oci_only_buyer_is_refused_on_the_cxml_endpoint(connector: LiveConnector) -> None:
    connector.set_buyer(protocols=["oci"])  # same From credentials and secret, OCI only
    response = connector.post_cxml(setup_request(BUYER))
    assert response.status_code == 401
    assert status_of(response.content) == (401, "The credentials were not recognised.")
    connector.set_buyer(protocols=["cxml", "oci"])
    assert status_of(connector.post_cxml(setup_request(BUYER)).content)[0] == 200


def test_a_cxml_only_buyer_is_refused_on_the_oci_entry(connector: LiveConnector) -> None:
    connector.set_buyer(protocols=["cxml"])  # the OCI username and password are still there
    page = Browser().post(f"{connector.url}/oci/acme", data=callup())
    assert page.status_code == 401 and "Catalog login not accepted" in page.text
    connector.set_buyer(protocols=["cxml", "oci"])
    accepted = Browser().post(f"{connector.url}/oci/acme", data=callup())
    assert accepted.status_code == 200 and "/storefront/1" in accepted.url


def test_the_cart_total_multiplies_each_price_by_its_quantity(connector: LiveConnector) -> None:
    browser, _ = punch_out(connector)
    assert browser.design(name_on_card="Ada Lovelace").status_code == 200
    assert browser.design(name_on_card="Grace Hopper").status_code == 200
    browser.get(browser.storefront_return_url())
    _, _, checked = browser.cart_form()
    assert len(checked) == 2
    first, second = sorted(checked, key=int)
    browser.submit_cart("return", quantities={first: "12", second: "3"})
    cart = browser.returned_cart()
    # The standard price list: BC-STD-85x55 costs 42.50 from 10 boxes and 45.00 below.
    lines = sorted((item["quantity"], item["price"]) for item in cart.items)
    assert lines == [(Decimal(3), Decimal("45.00")), (Decimal(12), Decimal("42.50"))]
    # Written by hand: 12 x 42.50 + 3 x 45.00 = 510.00 + 135.00 = 645.00.
    assert cart.total == Decimal("645.00")
    total = cart.root.find("Message/PunchOutOrderMessage/PunchOutOrderMessageHeader/Total/Money")
    assert (total.text, total.get("currency")) == ("645.00", "USD")


@pytest.mark.parametrize("token", ["wrong", "", None], ids=["wrong", "empty", "missing"])
def test_a_cart_form_posted_with_a_wrong_token_is_refused(
    connector: LiveConnector, token: str | None
) -> None:
    browser, _ = punch_out(connector)
    browser.design(name_on_card="Ada Lovelace")
    browser.get(browser.storefront_return_url())
    url, hidden, checked = browser.cart_form()
    assert hidden.get("form_token")  # the page carries the session's token
    data = [(k, v) for k, v in hidden.items() if k != "form_token"]
    if token is not None:
        data.append(("form_token", token))
    data += [("action", "return"), *(("project", p) for p in checked)]
    refused = browser.post(url, data)
    assert refused.status_code == 400
    assert 'id="cart-form"' not in refused.text  # no cart went back to the buyer
    # The genuine form still works afterwards: the refusal cost the user nothing.
    browser.get(url)
    browser.submit_cart("return")
    assert len(browser.returned_cart().items) == 1
