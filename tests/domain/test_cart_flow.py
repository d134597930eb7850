"""The cart's return driven directly, without a browser: a real Redis, the PrintNow sandbox
over real HTTP, designs saved with the sandbox's ``POST /_sandbox/projects`` control, and
the flow's answers read as records (the review to show again, or the form to post)."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest

from punchout.domain.cart_flow import (
    CART_REFUSED,
    DESIGNS_GONE,
    Delivery,
    OpenCart,
    Picks,
    Review,
    list_projects,
    note_existing_designs,
    return_cart,
    return_original,
)
from punchout.domain.identity import ProcurementUser
from punchout.domain.offers import Offer, Offers
from punchout.domain.references import read_reference
from punchout.domain.sessions import PunchoutSession, RestoredItem, new_session_id
from punchout.printnow import TokenInvalid
from punchout.protocol import oci
from punchout.protocol.cxml.parse import parse_xml
from tests.domain.orders.conftest import World, make_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.sandbox

RETURN_URL = "https://buyer.example/return"
#: A filled-in field of each sandbox template, to save a design of it.
FIELDS = {"BC-STD-85x55": {"name_on_card": "J. Doe"}, "LH-A4-120": {"company_name": "Acme"}}


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:  # noqa: F811 (the fixture it uses)
    return make_world()


def design(w: World, user_id: int, template: str = "BC-STD-85x55") -> int:
    """A design saved in the storefront (the sandbox's ``POST /_sandbox/projects``)."""
    project = w.sandbox.control(
        "POST", "/projects", user_id=user_id, template=template, fields=FIELDS[template]
    )
    return int(project["id"])


def open_cart(w: World, user_id: int, **fields: object) -> OpenCart:
    """A punch-out session of PIPO user ``user_id``, saved as the setup would save it."""
    login = w.c.accounts.login_as(w.buyer, user_id)
    values: dict[str, object] = {
        "id": new_session_id(),
        "buyer_id": "acme",
        "protocol": "cxml",
        "operation": "create",
        "user_key": "jane@buyer.example",
        "customer_id": user_id,
        "is_temp": False,
        "pipo_token": login.token,
        "return_url": RETURN_URL,
        "buyer_cookie": "cookie-7",
    }
    values.update(fields)
    session = PunchoutSession(**values)  # type: ignore[arg-type]
    w.c.sessions.save(session)
    return OpenCart(session, w.buyer)


def items_of(delivery: Review | Delivery) -> list[tuple[str, str, str]]:
    """(quantity, SupplierPartID, SupplierPartAuxiliaryID) of each line the cXML form carries."""
    assert isinstance(delivery, Delivery) and delivery.form is not None
    assert delivery.form.action == RETURN_URL
    (name, value) = delivery.form.fields[0]
    assert name == "cxml-base64"
    root = parse_xml(base64.b64decode(value), max_bytes=1_000_000)
    return [
        (
            item.get("quantity", ""),
            item.findtext("ItemID/SupplierPartID") or "",
            item.findtext("ItemID/SupplierPartAuxiliaryID") or "",
        )
        for item in root.iter("ItemIn")
    ]


def test_a_returned_cart_is_priced_offered_posted_and_ends_the_session(world: World) -> None:
    user = world.user()
    cards, letters = design(world, user), design(world, user, "LH-A4-120")
    opened = open_cart(world, user)
    picks = Picks((letters, cards), {cards: "10"})  # letters: no quantity typed, so one
    outcome = return_cart(world.c, opened, picks, empty_confirmed=False)
    lines = items_of(outcome)
    assert [(q, part) for q, part, _ in lines] == [("1", "LH-A4-120"), ("10", "BC-STD-85x55")]
    for _, _, reference in lines:
        ref = read_reference(world.c.reference_key, "acme", reference)
        assert ref.pipo_user_id == user and ref.project_id in (cards, letters)
    # each line's offer is kept for the PO, under its reference
    offers = Offers(world.c.store).find_many("acme", [r for _, _, r in lines])
    assert offers[lines[1][2]] == Offer("BC-STD-85x55", Decimal(10), Decimal("42.50"), "USD", "BX")
    ttl = world.c.store.redis.ttl(world.c.store.key("offer", "acme", lines[1][2]))
    assert ttl > world.c.settings.offer_days * 86400 - 60
    # the session and its PIPO token end with the cart
    assert world.c.sessions.load(opened.session.id) is None
    with pytest.raises(TokenInvalid):
        world.c.client.list_projects(opened.session.pipo_token)


def test_a_quantity_typed_on_several_lines_counts_on_each(world: World) -> None:
    user = world.user()
    first, second, third = (design(world, user) for _ in range(3))
    opened = open_cart(world, user)
    picks = Picks((first, second, third), {first: "ten", second: "ten", third: "3"})
    review = return_cart(world.c, opened, picks, empty_confirmed=False)
    assert isinstance(review, Review) and set(review.line_errors) == {first, second}
    picks = Picks((first, second, third), {first: "3", second: "3"})
    lines = items_of(return_cart(world.c, opened, picks, empty_confirmed=False))
    assert [q for q, _, _ in lines] == ["3", "3", "1"]


def test_an_empty_cart_is_confirmed_first_and_then_sent_without_offers(world: World) -> None:
    user = world.user()
    design(world, user)
    opened = open_cart(world, user)
    first = return_cart(world.c, opened, Picks(()), empty_confirmed=False)
    assert isinstance(first, Review) and first.confirm_empty and first.status == 200
    assert [p.external_id for p in first.projects] == ["BC-STD-85x55"]
    assert world.c.sessions.load(opened.session.id) is not None  # nothing sent yet
    assert items_of(return_cart(world.c, opened, Picks(()), empty_confirmed=True)) == []
    assert world.c.store.keys("offer", "acme") == []
    assert world.c.sessions.load(opened.session.id) is None


def test_a_wrong_quantity_is_named_on_its_line_and_nothing_is_sent(world: World) -> None:
    user = world.user()
    cards, letters = design(world, user), design(world, user, "LH-A4-120")
    opened = open_cart(world, user)
    picks = Picks((cards, letters), {cards: "2.5", letters: "ten"})
    review = return_cart(world.c, opened, picks, empty_confirmed=False)
    assert isinstance(review, Review) and review.status == 400 and review.keep_typed
    assert set(review.line_errors) == {cards, letters}
    assert review.line_errors[letters] == "“ten” is not a quantity: enter a whole number."
    assert review.error.startswith("Please correct the quantity of ")
    assert world.c.sessions.load(opened.session.id) is not None
    assert world.c.store.keys("offer", "acme") == []


def test_a_design_deleted_meanwhile_is_reported_and_nothing_is_sent(world: World) -> None:
    user = world.user()
    cards = design(world, user)
    opened = open_cart(world, user)
    review = return_cart(world.c, opened, Picks((cards, cards + 1000)), empty_confirmed=False)
    assert isinstance(review, Review)
    assert (review.status, review.error) == (409, DESIGNS_GONE)
    assert world.c.sessions.load(opened.session.id) is not None


def test_a_cart_the_price_book_cannot_price_is_refused_not_sent(world: World) -> None:
    user = world.user()
    cards = design(world, user)
    opened = open_cart(world, user)
    opened.buyer = dataclasses.replace(opened.buyer, price_book="no-such-list")
    review = return_cart(world.c, opened, Picks((cards,)), empty_confirmed=False)
    assert isinstance(review, Review)
    assert (review.status, review.error, review.keep_typed) == (422, CART_REFUSED, False)
    assert world.c.sessions.load(opened.session.id) is not None
    assert world.c.store.keys("offer", "acme") == []


def test_an_expired_pipo_token_is_renewed_once_and_kept(world: World) -> None:
    user = world.user()
    cards = design(world, user)
    opened = open_cart(world, user, pipo_token="expired-token")
    assert [p.id for p in list_projects(world.c, opened)] == [cards]
    renewed = opened.session.pipo_token
    assert renewed != "expired-token"
    saved = world.c.sessions.load(opened.session.id)
    assert saved is not None and saved.pipo_token == renewed


def test_a_temporary_account_is_settled_before_its_designs_are_returned(world: World) -> None:
    if world.sandbox.documented:
        pytest.skip("the documented createtemp answers no password, so no temporary user is made")
    newcomer = ProcurementUser("new@buyer.example", "new@buyer.example")
    login = world.c.accounts.start(world.buyer, newcomer)
    assert login.is_temp
    saved = design(world, login.user_id)
    opened = open_cart(
        world, login.user_id, user_key=newcomer.key, user_email=newcomer.email, is_temp=True
    )
    opened.session = dataclasses.replace(opened.session, pipo_token=login.token)
    ((_, _, reference),) = items_of(
        return_cart(world.c, opened, Picks((saved,)), empty_confirmed=False)
    )
    owner = read_reference(world.c.reference_key, "acme", reference).pipo_user_id
    assert not opened.session.is_temp and owner == opened.session.customer_id
    assert world.c.accounts.owns(world.buyer, newcomer, owner)


def test_cancel_returns_the_cart_as_the_buyer_sent_it_without_new_offers(world: World) -> None:
    user = world.user()
    kept, gone = design(world, user), design(world, user, "LH-A4-120")
    restored = (RestoredItem(kept, "3", "BC-STD-85x55", "r1"), RestoredItem(gone, "1", "x", "r2"))
    opened = open_cart(world, user, operation="edit", restored_items=restored)
    world.c.client.delete_project(opened.session.pipo_token, gone)
    lines = items_of(return_original(world.c, opened))
    assert [(q, part) for q, part, _ in lines] == [
        ("3", "BC-STD-85x55")
    ]  # the deleted one left out
    assert world.c.store.keys("offer", "acme") == []
    assert world.c.sessions.load(opened.session.id) is None


def test_a_cancel_without_restored_lines_sends_an_empty_cart(world: World) -> None:
    opened = open_cart(world, world.user())
    assert items_of(return_original(world.c, opened)) == []


def test_a_return_url_no_longer_allowed_gets_no_cart_and_the_session_ends(world: World) -> None:
    user = world.user()
    cards = design(world, user)
    opened = open_cart(world, user, return_url="https://elsewhere.example/return")
    outcome = return_cart(world.c, opened, Picks((cards,)), empty_confirmed=False)
    assert outcome == Delivery(form=None)
    assert world.c.sessions.load(opened.session.id) is None


def test_an_oci_cart_goes_as_new_item_fields_to_the_hook_url(world: World) -> None:
    user = world.user()
    cards = design(world, user)
    opened = open_cart(
        world,
        user,
        protocol="oci",
        return_url="https://buyer.example/hook?sap-client=100",
        extra={"charset": "utf-8"},
    )
    outcome = return_cart(world.c, opened, Picks((cards,), {cards: "50"}), empty_confirmed=False)
    assert isinstance(outcome, Delivery) and outcome.form is not None
    assert (outcome.form.action, outcome.form.target) == ("https://buyer.example/hook", "_top")
    fields = dict(outcome.form.fields)
    assert fields["sap-client"] == "100"
    (item,) = oci.read_new_items(fields)
    assert (item["QUANTITY"], item["PRICE"], item["CUST_FIELD1"]) == ("50", "39.00", str(cards))
    offer = Offers(world.c.store).find("acme", item["EXT_PRODUCT_ID"])
    assert offer is not None and offer.quantity == Decimal(50)


def test_designs_that_exist_at_the_start_are_noted_except_the_restored_ones(world: World) -> None:
    user = world.user()
    earlier, restored = design(world, user), design(world, user)
    opened = open_cart(
        world,
        user,
        operation="edit",
        pipo_token="expired-token",  # the StartPage may come hours after the setup
        restored_items=(RestoredItem(restored, "2", "BC-STD-85x55", "r"),),
    )
    note_existing_designs(world.c, opened)
    saved = world.c.sessions.load(opened.session.id)
    assert saved is not None and saved == opened.session
    assert (saved.known_project_ids, saved.projects_seen) == ((earlier,), True)
    assert saved.pipo_token != "expired-token"
