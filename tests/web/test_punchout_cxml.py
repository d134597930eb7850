"""cXML punch-out end to end: real HTTP to the connector, a real Redis, the PrintNow sandbox.

The buyer's documents are written as buyers write them (tests/buyer_side.py); the browser
follows the StartPage into the sandbox storefront, designs, reviews the cart and returns it.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from punchout.domain.keys import derive_username
from punchout.domain.references import read_reference
from punchout.web.context import connector_of
from tests.buyer_side import Browser, BuyerIdentity, setup_request, start_url_of, status_of
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()
RETURN = "https://buyer.example/punchout/return"


def punch_out(connector: LiveConnector, **kwargs: object) -> tuple[Browser, str]:
    """Set up a punch-out and open its StartPage; return the browser and the start URL."""
    response = connector.post_cxml(setup_request(BUYER, **kwargs))  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert status_of(response.content)[0] == 200
    start = start_url_of(response.content)
    browser = Browser()
    browser.get(start)
    return browser, start


def design_and_return(browser: Browser, **fields: str) -> None:
    page = browser.design(**fields)
    assert page.status_code == 200
    browser.get(browser.storefront_return_url())
    assert browser.last is not None and browser.last.status_code == 200
    browser.submit_cart("return")


def test_create_design_return_round_trip(connector: LiveConnector) -> None:
    browser, start = punch_out(connector, cookie="cookie & <1>")
    assert browser.last is not None
    assert browser.last.url.startswith(connector.sandbox.url + "/storefront/1?")
    design_and_return(browser, name_on_card="Jürgen Müller")
    cart = browser.returned_cart()
    assert (cart.action, cart.field_names) == (RETURN, ("cxml-base64",))
    assert cart.buyer_cookie == "cookie & <1>"
    (item,) = cart.items
    assert item["part"] == "BC-STD-85x55"
    assert (item["quantity"], item["price"], item["currency"]) == (
        Decimal(1),
        Decimal("45.00"),
        "USD",
    )
    assert (item["uom"], item["unspsc"]) == ("BX", "82121500")
    assert cart.total == Decimal("45.00")
    assert b"SharedSecret" not in cart.document
    # The reference is signed for this buyer and names the now-permanent storefront user.
    key = connector_of(connector.app).reference_key
    ref = read_reference(key, "acme", item["aux"])
    users = {u["id"]: u for u in connector.sandbox_state()["users"]}
    user = users[ref.pipo_user_id]
    assert not user["is_temporary"]
    assert user["username"] == derive_username("acme", "jane.doe@buyer.example")
    assert user["email"] == "jane.doe@buyer.example"
    # The StartPage URL worked once only.
    again = Browser().get(start)
    assert again.status_code == 410 and "expired" in again.text


def test_second_punch_out_logs_the_same_user_in_and_shows_earlier_designs(
    connector: LiveConnector,
) -> None:
    browser, _ = punch_out(connector)
    design_and_return(browser)
    first = browser.returned_cart().items[0]
    browser, _ = punch_out(connector, payload_id="2.setup@buyer.example", cookie="cookie-2")
    assert "Jane Doe" in browser.last.text  # type: ignore[union-attr]
    browser.get(browser.storefront_return_url())
    _url, _hidden, checked = browser.cart_form()
    assert checked == []  # earlier designs are offered, not preselected
    key = connector_of(connector.app).reference_key
    project_id = str(read_reference(key, "acme", first["aux"]).project_id)
    browser.submit_cart("return", projects=[project_id], quantities={project_id: "12"})
    (item,) = browser.returned_cart().items
    assert item["aux"] == first["aux"]
    assert (item["quantity"], item["price"]) == (Decimal(12), Decimal("42.50"))


def test_edit_restores_the_lines_and_inspect_is_read_only(connector: LiveConnector) -> None:
    browser, _ = punch_out(connector)
    design_and_return(browser)
    (line,) = browser.returned_cart().items
    items = [(line["part"], line["aux"], "3")]
    browser, _ = punch_out(
        connector, payload_id="edit-1", operation="edit", cookie="edit-cookie", items=items
    )
    browser.get(browser.storefront_return_url())
    _url, _hidden, checked = browser.cart_form()
    assert len(checked) == 1
    assert 'value="3"' in browser.last.text  # type: ignore[union-attr]
    browser.submit_cart("return", quantities={checked[0]: "3"})
    edited = browser.returned_cart()
    assert edited.buyer_cookie == "edit-cookie"
    assert [(i["aux"], i["quantity"]) for i in edited.items] == [(line["aux"], Decimal(3))]

    response = connector.post_cxml(
        setup_request(BUYER, payload_id="inspect-1", operation="inspect", items=items)
    )
    viewer = Browser()
    page = viewer.get(start_url_of(response.content))
    assert "view only" in page.text and "disabled" in page.text
    viewer.submit_cart("return")
    assert [(i["aux"], i["quantity"]) for i in viewer.returned_cart().items] == [
        (line["aux"], Decimal(3))
    ]


def test_a_tampered_line_in_an_edit_names_the_line(connector: LiveConnector) -> None:
    body = setup_request(
        BUYER, operation="edit", items=[("BC-STD-85x55", "1-2-0123456789abcdef", "1")]
    )
    response = connector.post_cxml(body)
    code, text = status_of(response.content)
    assert (response.status_code, code) == (400, 400)
    assert "Line 1 (BC-STD-85x55)" in text


def test_cancel_returns_an_empty_cart(connector: LiveConnector) -> None:
    browser, _ = punch_out(connector)
    browser.design()
    browser.get(browser.storefront_return_url())
    browser.submit_cart("cancel")
    cart = browser.returned_cart()
    assert cart.items == [] and cart.total == Decimal(0)


def test_urlencoded_cart_field_is_pure_ascii(connector: LiveConnector) -> None:
    connector.set_buyer(cart_transport="urlencoded")
    browser, _ = punch_out(connector)
    design_and_return(browser, name_on_card="Zoë Ångström")
    cart = browser.returned_cart()
    assert cart.field_names == ("cxml-urlencoded",)
    assert cart.document.isascii()
    assert cart.items[0]["part"] == "BC-STD-85x55"


def test_transport_both_posts_both_lower_case_fields(connector: LiveConnector) -> None:
    connector.set_buyer(cart_transport="both")
    browser, _ = punch_out(connector)
    design_and_return(browser, name_on_card="Zoë Ångström")
    cart = browser.returned_cart()  # checks that the two fields carry the same document
    assert cart.field_names == ("cxml-base64", "cxml-urlencoded")
    assert cart.items[0]["part"] == "BC-STD-85x55"


@pytest.mark.parametrize(
    ("older", "fields"),
    [("cXML-base64", ("cxml-base64",)), ("CXML-URLENCODED", ("cxml-urlencoded",))],
)
def test_the_older_cart_field_setting_is_read_in_any_case(
    connector: LiveConnector, older: str, fields: tuple[str, ...]
) -> None:
    connector.set_buyer(cart_field=older)
    browser, _ = punch_out(connector)
    design_and_return(browser)
    assert browser.returned_cart().field_names == fields


@pytest.mark.parametrize("policy", ["shared", "guest"])
def test_shared_and_guest_policies(connector: LiveConnector, policy: str) -> None:
    connector.set_buyer(user_policy=policy)
    browser, _ = punch_out(connector)
    design_and_return(browser)
    key = connector_of(connector.app).reference_key
    ref = read_reference(key, "acme", browser.returned_cart().items[0]["aux"])
    user = {u["id"]: u for u in connector.sandbox_state()["users"]}[ref.pipo_user_id]
    if policy == "guest":
        # without a createtemp password a guest gets a permanent account of its own
        assert user["is_temporary"] is not connector.sandbox.documented
    else:
        assert user["username"] == derive_username("acme", "*shared*")
        other, _ = punch_out(
            connector, payload_id="2", email="someone.else@buyer.example", cookie="c2"
        )
        other.get(other.storefront_return_url())
        assert "BC-STD-85x55" in other.last.text  # type: ignore[union-attr]


def test_an_expired_token_at_cart_return_logs_in_again(connector: LiveConnector) -> None:
    """A long design session: the PIPO token is gone by the time the cart is returned."""
    browser, _ = punch_out(connector)
    assert browser.design().status_code == 200
    assert browser.last is not None
    token = parse_qs(urlsplit(browser.last.url).query)["token"][0]
    browser.get(browser.storefront_return_url())
    connector.client.logout(token)  # the session ends while the user looks at the cart
    page = browser.submit_cart("return")
    assert page.status_code == 200, page.text
    assert browser.returned_cart().items[0]["part"] == "BC-STD-85x55"


def test_duplicate_email_gets_a_clear_message_and_keeps_the_designs(
    connector: LiveConnector,
) -> None:
    connector.client.create_user(
        1,
        username="jane.own.account",
        password="Her-own-1!",
        email="jane.doe@buyer.example",
        first_name="Jane",
        last_name="Doe",
    )
    if connector.sandbox.documented:
        # No temporary users (createtemp tells no password): the account is created at the
        # start, and the taken e-mail is refused there, before any design is made.
        answer = connector.post_cxml(setup_request(BUYER))
        assert status_of(answer.content)[0] == 403
        assert b"email address exists already" in answer.content
        return
    browser, _ = punch_out(connector)
    browser.design()
    browser.get(browser.storefront_return_url())
    page = browser.submit_cart("return")
    assert page.status_code == 409
    assert "email address exists already" in page.text
    assert "Traceback" not in page.text
    temp_projects = [p for p in connector.sandbox_state()["projects"]]
    assert len(temp_projects) == 1


def test_cart_pages_answer_only_the_browser_that_opened_the_session(
    connector: LiveConnector,
) -> None:
    browser, _ = punch_out(connector)
    cart_url = browser.storefront_return_url()
    stranger = Browser().get(cart_url)
    assert stranger.status_code == 403
    assert browser.get(cart_url).status_code == 200  # the browser that opened it still may


def test_session_cookie_works_inside_a_procurement_iframe(connector: LiveConnector) -> None:
    response = connector.post_cxml(setup_request(BUYER))
    browser = Browser()
    first = browser._send("GET", start_url_of(response.content))
    assert first.status_code == 303
    cookie = first.headers["Set-Cookie"]
    for flag in ("Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert flag in cookie


@pytest.mark.parametrize(("no_user", "status"), [("refuse", 400), ("shared", 200)])
def test_a_setup_that_names_no_user_follows_the_buyers_no_user_policy(
    connector: LiveConnector, no_user: str, status: int
) -> None:
    connector.set_buyer(identity_chain=["extrinsic:UserEmail"], no_user=no_user)
    response = connector.post_cxml(setup_request(BUYER, email=""))
    code, text = status_of(response.content)
    assert code == status, text
    if code == 200:
        assert Browser().get(start_url_of(response.content)).status_code == 200


@pytest.mark.parametrize(("return_frame", "target"), [(True, "cart-frame"), (False, "_self")])
def test_return_frame_is_honoured_only_where_the_buyer_uses_it(
    connector: LiveConnector, return_frame: bool, target: str
) -> None:
    connector.set_buyer(return_frame=return_frame)
    browser, _ = punch_out(connector, extrinsics={"ReturnFrame": "cart-frame"})
    design_and_return(browser)
    assert browser.returned_cart().target == target
