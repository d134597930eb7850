"""The StartPage and cart page answered directly (Flask's test client, no browser) when the
buyer is disabled, the storefront fails, or the user's account needs the supplier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from punchout.domain.sessions import PunchoutSession, new_session_id
from tests.domain.orders.conftest import World, make_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.sandbox


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:  # noqa: F811 (the fixture it uses)
    return make_world()


def start_link(w: World, user_id: int, **fields: Any) -> tuple[str, str]:
    """(session id, StartPage path) of a punch-out opened for PIPO user ``user_id``."""
    values: dict[str, Any] = {
        "id": new_session_id(),
        "buyer_id": "acme",
        "protocol": "cxml",
        "operation": "create",
        "user_key": "jane@buyer.example",
        "customer_id": user_id,
        "is_temp": False,
        "pipo_token": w.c.accounts.login_as(w.buyer, user_id).token,
        "return_url": "https://buyer.example/return",
        "form_token": "form-token",
    }
    values.update(fields)
    session = PunchoutSession(**values)
    return session.id, f"/start/{w.c.sessions.open(session)}"


def test_a_start_page_of_a_disabled_buyer_is_refused_and_ends_the_session(world: World) -> None:
    session_id, link = start_link(world, world.user())
    world.set_buyer(enabled=False)
    answer = world.app.test_client().get(link)
    assert answer.status_code == 403
    assert world.c.sessions.load(session_id) is None


@pytest.mark.parametrize(
    ("status", "page_status", "title"),
    [(503, 503, "The storefront is unavailable"), (400, 502, "The storefront cannot be opened")],
)
def test_a_start_page_whose_storefront_fails_says_whether_to_wait_or_ask(
    world: World, status: int, page_status: int, title: str
) -> None:
    session_id, link = start_link(world, world.user())
    world.sandbox.fault("pipo_project_all", mode="error", status=status, times=1)
    answer = world.app.test_client().get(link)
    assert answer.status_code == page_status
    assert title in answer.get_data(as_text=True)
    saved = world.c.sessions.load(session_id)
    assert saved is not None and not saved.projects_seen  # noted on the next try


def test_a_start_page_for_an_account_the_connector_lost_asks_for_the_supplier(
    world: World,
) -> None:
    # an expired token and a PrintNow user the directory does not know: no login is possible
    _, link = start_link(world, world.user(), pipo_token="expired", customer_id=999_999)
    answer = world.app.test_client().get(link)
    assert answer.status_code == 409
    assert "Your storefront account needs the supplier" in answer.get_data(as_text=True)


def test_a_cart_page_whose_storefront_is_down_asks_to_try_later(world: World) -> None:
    session_id, link = start_link(world, world.user())
    browser = world.app.test_client()
    assert browser.get(link).status_code == 303  # binds this browser to the session
    world.sandbox.fault("pipo_project_all", mode="error", status=503, times=1)
    answer = browser.get(f"/cart/{session_id}")
    assert answer.status_code == 503
    assert "The storefront is unavailable" in answer.get_data(as_text=True)
    assert browser.get(f"/cart/{session_id}").status_code == 200  # and it comes back
