"""Temporary PIPO users: one per procurement user until converted, and records that expire."""

from __future__ import annotations

import pytest

from punchout.domain.identity import ProcurementUser
from tests.domain.orders.conftest import World

pytestmark = pytest.mark.sandbox
JANE = ProcurementUser("jane@buyer.example", "jane@buyer.example", "Jane", "Doe")


def _temps(world: World) -> list[int]:
    users = world.sandbox.control("GET", "/state")["users"]
    return [u["id"] for u in users if u["is_temporary"]]


def _ttl(world: World, user_id: int) -> int:
    store = world.c.store
    return int(store.redis.ttl(store.key("user", "acme", str(user_id))))


@pytest.fixture(autouse=True)
def _temporary_users_exist(world: World) -> None:
    if world.sandbox.documented:
        pytest.skip(
            "the documented createtemp answers no password, so no temporary users are made "
            "(tests/printnow/test_identity_documented.py covers that path)"
        )


def test_a_user_who_punches_out_again_before_converting_gets_the_same_temporary_user(
    world: World,
) -> None:
    accounts, buyer = world.c.accounts, world.buyer
    first = accounts.start(buyer, JANE)
    again = [accounts.start(buyer, JANE) for _ in range(3)]
    assert first.is_temp and {a.user_id for a in again} == {first.user_id}
    assert _temps(world) == [first.user_id]
    assert 0 < _ttl(world, first.user_id) <= world.c.settings.offer_days * 86400
    other = accounts.start(buyer, ProcurementUser("joe@buyer.example", "joe@buyer.example"))
    assert other.user_id != first.user_id  # one per procurement user
    settled = accounts.settle(buyer, JANE, again[-1])
    assert not settled.is_temp
    later = accounts.start(buyer, JANE)  # converted: the permanent account, no new temp user
    assert not later.is_temp and later.user_id == settled.user_id
    assert first.user_id not in _temps(world)


def test_a_temporary_user_printnow_no_longer_knows_is_replaced_and_forgotten(
    world: World,
) -> None:
    accounts, buyer = world.c.accounts, world.buyer
    first = accounts.start(buyer, JANE)
    # PrintNow refuses its login (it dropped the temporary user): the derived account's
    # login is refused as it always is before conversion, then the temporary user's
    world.sandbox.fault("pipo_user_login", mode="error", status=401, times=2)
    second = accounts.start(buyer, JANE)
    assert second.is_temp and second.user_id != first.user_id
    assert world.c.accounts.directory.get("acme", first.user_id) is None


def test_guests_get_a_temporary_user_per_punch_out_whose_records_expire(world: World) -> None:
    world.set_buyer(user_policy="guest")
    accounts, buyer = world.c.accounts, world.buyer
    one, two = accounts.start(buyer, JANE), accounts.start(buyer, JANE)
    assert one.user_id != two.user_id
    assert all(_ttl(world, u.user_id) > 0 for u in (one, two))
