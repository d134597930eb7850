"""Storefront accounts when the connector's own records and PrintNow disagree: an account
created before, a directory lost, a user the connector never handed out."""

from __future__ import annotations

import pytest

from punchout.domain.identity import IdentityError, ProcurementUser
from punchout.domain.references import make_reference, read_reference
from punchout.web.context import connector_of
from tests.buyer_side import BuyerIdentity, setup_request, status_of
from tests.web.conftest import LiveConnector
from tests.web.test_punchout_cxml import punch_out

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()


def parts(connector: LiveConnector) -> tuple[object, object]:
    c = connector_of(connector.app)
    return c, c.registry.get("acme")


def test_provisioning_an_existing_account_finds_it(connector: LiveConnector) -> None:
    c, buyer = parts(connector)
    user = ProcurementUser(key="pat@buyer.example", email="pat@buyer.example")
    user_id, created = c.accounts.provision(buyer, user)  # type: ignore[attr-defined]
    assert created
    # Run again (an import resumed): PrintNow refuses the username, the derived login works.
    assert c.accounts.provision(buyer, user) == (user_id, False)  # type: ignore[attr-defined]


def test_a_lost_directory_transfers_into_the_existing_account(connector: LiveConnector) -> None:
    browser, _ = punch_out(connector)
    browser.design(name_on_card="First")
    browser.get(browser.storefront_return_url())
    browser.submit_cart("return")
    first = browser.returned_cart().items[0]
    c, _ = parts(connector)
    store = c.store  # type: ignore[attr-defined]
    lost = store.keys("user", "acme") + store.keys("account", "acme")
    assert lost and store.delete(*lost) == len(lost)  # e.g. Redis restored from an old backup
    browser, _ = punch_out(connector, payload_id="2.setup@buyer.example")
    browser.design(name_on_card="Second")
    browser.get(browser.storefront_return_url())
    browser.submit_cart("return")
    cart = browser.returned_cart()
    key = c.reference_key  # type: ignore[attr-defined]
    (second,) = cart.items
    user_id = read_reference(key, "acme", first["aux"]).pipo_user_id
    assert read_reference(key, "acme", second["aux"]).pipo_user_id == user_id
    # Both designs are in the one permanent account: no second account was made.
    owned = [p for p in connector.sandbox_state()["projects"] if p["owner_id"] == user_id]
    assert len(owned) == 2


def test_a_reference_to_a_user_never_handed_out_is_refused(connector: LiveConnector) -> None:
    c, buyer = parts(connector)
    with pytest.raises(IdentityError):
        c.accounts.login_as(buyer, 987_654)  # type: ignore[attr-defined]
    forged = make_reference(c.reference_key, "acme", 987_654, 1)  # type: ignore[attr-defined]
    body = setup_request(BUYER, operation="edit", items=[("BC-STD-85x55", forged, "1")])
    code, text = status_of(connector.post_cxml(body).content)
    # Refused by ownership before any login: the requester is not that user (nor is anyone).
    assert (code, text) == (
        403,
        "Line 1 (BC-STD-85x55) belongs to another user's storefront account; only its owner "
        "can reopen it.",
    )
