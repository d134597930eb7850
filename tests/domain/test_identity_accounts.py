"""Which storefront account a procurement user gets, per policy, against the PrintNow sandbox
over real HTTP and a real Redis, without a browser: per_user, shared and guest punch-outs,
convert, transfer and link, a duplicate e-mail, and records the previous version wrote."""

from __future__ import annotations

from typing import Any

import pytest

from punchout.domain.accounts import Accounts
from punchout.domain.buyers import Buyer
from punchout.domain.identity import SHARED_USER_KEY, IdentityError, PipoLogin, ProcurementUser
from punchout.domain.keys import Encryptor, KeyRing, derive_username, key_id
from punchout.domain.user_directory import DirectoryRecord
from punchout.printnow import BadRequest, PrintNowClient
from punchout.runtime.store import Store
from tests.support import TEST_SECRETS, LiveSandbox

pytestmark = pytest.mark.sandbox
MASTER = TEST_SECRETS["master_key"]
RETIRED = "r" * 40
ADA = ProcurementUser("ada@buyer.example", "ada@buyer.example", "Ada", "Lovelace")
BOB = ProcurementUser("bob@buyer.example", "bob@buyer.example", "Bob", "Babbage")


def make_accounts(sandbox: LiveSandbox, store: Store, master: str = MASTER) -> Accounts:
    client = PrintNowClient(sandbox.api_url, sandbox.api_token, sandbox.api_key, retries=0)
    return Accounts(client, store, KeyRing(master), Encryptor(master))


@pytest.fixture
def accounts(live_sandbox: LiveSandbox, store: Store) -> Accounts:
    return make_accounts(live_sandbox, store)


def buyer(policy: str = "per_user") -> Buyer:
    return Buyer(id="acme", name="Acme", storefront_id=1, user_policy=policy)


def users(sandbox: LiveSandbox) -> dict[int, dict[str, Any]]:
    return {int(u["id"]): u for u in sandbox.control("GET", "/state")["users"]}


def design(sandbox: LiveSandbox, user_id: int) -> int:
    fields = {"name_on_card": "A. Lovelace"}
    project = sandbox.control(
        "POST", "/projects", user_id=user_id, template="BC-STD-85x55", fields=fields
    )
    return int(project["id"])


def owner(sandbox: LiveSandbox, project_id: int) -> int:
    projects = sandbox.control("GET", "/state")["projects"]
    return int(next(p["owner_id"] for p in projects if p["id"] == project_id))


def temp_login(sandbox: LiveSandbox, accounts: Accounts) -> PipoLogin:
    """A temporary user's session, whether or not createtemp tells its password."""
    temp = accounts.client.create_temp_user(1)
    token = str(sandbox.control("POST", "/sessions", user_id=temp.id))
    return PipoLogin(token=token, user_id=temp.id, is_temp=True)


def own_account(accounts: Accounts, email: str = ADA.email) -> None:
    accounts.client.create_user(1, username="ada.own", password="Her-own-1!", email=email,
                                first_name="Ada", last_name="L")  # fmt: skip


# -- the three policies -----------------------------------------------------------------


def test_a_per_user_user_ends_in_their_own_derived_account_and_returns_to_it(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    first = accounts.start(buyer(), ADA)
    project = design(live_sandbox, first.user_id)
    settled = accounts.settle(buyer(), ADA, first)
    assert not settled.is_temp and owner(live_sandbox, project) == settled.user_id
    account = users(live_sandbox)[settled.user_id]
    assert account["username"] == derive_username("acme", ADA.key)
    assert not account["is_temporary"] and account["email"] == ADA.email
    record = accounts.directory.get("acme", settled.user_id)
    assert record == DirectoryRecord.derived(ADA.key, key_id(MASTER))
    again = accounts.start(buyer(), ADA)
    assert (again.user_id, again.is_temp) == (settled.user_id, False)
    assert accounts.owns(buyer(), ADA, settled.user_id)
    assert not accounts.owns(buyer(), BOB, settled.user_id)
    other = accounts.settle(buyer(), BOB, accounts.start(buyer(), BOB))
    assert other.user_id != settled.user_id


def test_a_shared_buyer_s_users_all_work_in_its_one_account(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    shared = buyer("shared")
    ada = accounts.settle(shared, ADA, accounts.start(shared, ADA))
    bob = accounts.start(shared, BOB)
    assert (bob.user_id, bob.is_temp) == (ada.user_id, False)
    assert users(live_sandbox)[ada.user_id]["username"] == derive_username("acme", SHARED_USER_KEY)
    assert accounts.owns(shared, BOB, ada.user_id) and accounts.owns(shared, ADA, ada.user_id)
    record = accounts.directory.get("acme", ada.user_id)
    assert record is not None and record.user_key == SHARED_USER_KEY


def test_a_guest_gets_a_user_per_punch_out_and_an_account_only_to_order(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    guest = buyer("guest")
    one, two = accounts.start(guest, ADA), accounts.start(guest, ADA)
    assert one.user_id != two.user_id
    assert accounts.settle(guest, ADA, one) is one  # guests stay as they are in the cart
    later = accounts.login_as(guest, one.user_id)  # the purchase order's login
    assert (later.user_id, later.is_temp) == (one.user_id, one.is_temp)
    ordered = accounts.settle_for_order(guest, later)
    assert not ordered.is_temp
    if one.is_temp:  # the temporary user became an account of its own for the order
        expected = derive_username("acme", f"guest-order:{one.user_id}")
        assert users(live_sandbox)[ordered.user_id]["username"] == expected
    else:  # no temporary users (createtemp tells no password): it was an account already
        assert ordered is later


# -- convert, transfer, link ----------------------------------------------------------


def test_designs_move_into_an_account_made_meanwhile(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    login = temp_login(live_sandbox, accounts)
    project = design(live_sandbox, login.user_id)
    user_id, created = accounts.provision(buyer(), ADA)  # e.g. `punchout users import`
    assert created and accounts.provision(buyer(), ADA) == (user_id, False)
    settled = accounts.settle(buyer(), ADA, login)  # convert refused: transferred instead
    assert (settled.user_id, settled.is_temp) == (user_id, False)
    assert owner(live_sandbox, project) == user_id


def test_a_derived_account_on_a_retired_key_is_refused_clearly_at_transfer(
    live_sandbox: LiveSandbox, store: Store, accounts: Accounts
) -> None:
    make_accounts(live_sandbox, store, RETIRED).provision(buyer(), ADA)
    login = temp_login(live_sandbox, accounts)
    with pytest.raises(IdentityError) as refused:
        accounts.settle(buyer(), ADA, login)
    assert "current keys" in refused.value.message
    assert "refused on transfer" in refused.value.reason


def test_a_duplicate_email_is_refused_clearly_then_linked_and_the_designs_follow(
    live_sandbox: LiveSandbox, store: Store, accounts: Accounts
) -> None:
    own_account(accounts)
    login = temp_login(live_sandbox, accounts)
    project = design(live_sandbox, login.user_id)
    with pytest.raises(IdentityError) as refused:
        accounts.settle(buyer(), ADA, login)
    assert "email address exists already" in refused.value.message
    assert "punchout users link" in refused.value.reason
    assert owner(live_sandbox, project) == login.user_id  # the designs are kept
    user_id = accounts.link(buyer(), "  ADA@Buyer.Example ", "ada.own", "Her-own-1!")
    record = accounts.directory.get("acme", user_id)
    assert record is not None and (record.kind, record.user_key) == ("linked", ADA.key)
    assert record.username == "ada.own" and "Her-own-1!" not in str(store.redis.keys("*"))
    assert Encryptor(MASTER).decrypt(record.sealed_password) == "Her-own-1!"
    settled = accounts.settle(buyer(), ADA, login)
    assert (settled.user_id, settled.is_temp) == (user_id, False)
    assert owner(live_sandbox, project) == user_id
    again = accounts.start(buyer(), ADA)  # later punch-outs open the linked account
    assert (again.user_id, again.is_temp) == (user_id, False)
    assert accounts.login_as(buyer(), user_id).user_id == user_id


def test_a_link_with_a_wrong_password_is_refused_and_records_nothing(
    accounts: Accounts,
) -> None:
    own_account(accounts)
    with pytest.raises(IdentityError) as refused:
        accounts.link(buyer(), ADA.key, "ada.own", "not-hers")
    assert "check the account's user name and password" in refused.value.message
    assert accounts.directory.all("acme") == []


def test_a_linked_account_whose_password_changed_is_refused_clearly(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    own_account(accounts)
    user_id = accounts.link(buyer(), ADA.key, "ada.own", "Her-own-1!")
    sealed = Encryptor(MASTER).encrypt("since-changed")
    record = DirectoryRecord.with_credentials("linked", ADA.key, "ada.own", sealed)
    accounts.directory.put("acme", user_id, record)
    with pytest.raises(IdentityError) as refused:
        accounts.start(buyer(), ADA)
    assert "linked storefront account could not be opened" in refused.value.message


# -- later logins and the records behind them ---------------------------------------


def test_a_record_the_previous_version_wrote_still_logs_in(
    store: Store, accounts: Accounts
) -> None:
    user_id, _ = accounts.provision(buyer(), ADA)
    previous_shape = {"kind": "derived", "user_key": ADA.key}  # no key_id yet
    store.put_permanent(store.key("user", "acme", str(user_id)), previous_shape)
    assert accounts.login_as(buyer(), user_id).user_id == user_id
    assert accounts.start(buyer(), ADA).user_id == user_id
    assert accounts.owns(buyer(), ADA, user_id)


def test_a_user_the_directory_does_not_know_or_cannot_read_is_refused(
    store: Store, accounts: Accounts
) -> None:
    with pytest.raises(IdentityError) as unknown:
        accounts.login_as(buyer(), 404)
    assert "does not belong to a known storefront user" in unknown.value.message
    store.put_permanent(store.key("user", "acme", "405"), {"kind": "derived"})
    with pytest.raises(IdentityError) as unreadable:
        accounts.login_as(buyer(), 405)
    assert "not in the user directory" in unreadable.value.reason
    assert not accounts.owns(buyer(), ADA, 405)


def test_stored_credentials_sealed_under_a_retired_key_are_refused_clearly(
    accounts: Accounts,
) -> None:
    sealed = Encryptor(RETIRED).encrypt("secret-1")
    record = DirectoryRecord.with_credentials("linked", ADA.key, "ada.own", sealed)
    accounts.directory.put("acme", 77, record)
    with pytest.raises(IdentityError) as refused:
        accounts.login_as(buyer(), 77)
    assert "the supplier's keys have changed" in refused.value.message
    assert "'ada.own'" in refused.value.reason


def test_an_account_printnow_no_longer_opens_is_refused_clearly(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    user_id, _ = accounts.provision(buyer(), ADA)
    live_sandbox.fault("pipo_user_login", mode="error", status=401, times=1)
    with pytest.raises(IdentityError) as refused:
        accounts.login_as(buyer(), user_id)
    assert "cannot be opened any more" in refused.value.message


def test_a_temporary_user_converted_meanwhile_in_another_tab_settles_as_it_is(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    login = temp_login(live_sandbox, accounts)
    other_tab = PipoLogin(
        token=str(live_sandbox.control("POST", "/sessions", user_id=login.user_id)),
        user_id=login.user_id,
        is_temp=True,
    )
    first = accounts.settle(buyer(), ADA, login)
    second = accounts.settle(buyer(), ADA, other_tab)  # PrintNow: not temporary any more
    assert (second.user_id, second.is_temp) == (first.user_id, False)


def test_a_retried_guest_order_moves_into_the_account_the_first_try_made(
    live_sandbox: LiveSandbox, accounts: Accounts
) -> None:
    login = temp_login(live_sandbox, accounts)
    project = design(live_sandbox, login.user_id)
    username, password = accounts.logins.derived(buyer("guest"), f"guest-order:{login.user_id}")
    accounts.client.create_user(1, username=username, password=password,
                                email=f"{username}@punchout.invalid", first_name="Procurement",
                                last_name="Guest")  # fmt: skip
    ordered = accounts.settle_for_order(buyer("guest"), login)
    assert not ordered.is_temp and users(live_sandbox)[ordered.user_id]["username"] == username
    assert owner(live_sandbox, project) == ordered.user_id


def test_an_account_the_connector_made_on_a_retired_key_is_refused_clearly_at_start(
    live_sandbox: LiveSandbox, store: Store, accounts: Accounts
) -> None:
    make_accounts(live_sandbox, store, RETIRED).provision(buyer(), ADA)
    accounts.remember_temp_logins(1, False)  # no temporary users: the account is made at once
    with pytest.raises(IdentityError) as refused:
        accounts.start(buyer(), ADA)
    assert "current keys" in refused.value.message
    assert "master key replaced or retired" in refused.value.reason


def test_provisioning_a_user_whose_address_another_account_has_fails_as_printnow_says(
    accounts: Accounts,
) -> None:
    own_account(accounts)
    with pytest.raises(BadRequest):
        accounts.provision(buyer(), ADA)
    assert accounts.directory.all("acme") == []


def test_a_reuse_pointer_to_anything_but_a_temporary_user_is_not_reused(
    accounts: Accounts,
) -> None:
    accounts.directory.remember_account("acme", 5, DirectoryRecord.derived(ADA.key, "k"))
    accounts.directory.point_temp("acme", ADA.key, 5, 60)
    assert accounts.temps.reusable("acme", ADA.key) is None
    accounts.directory.point_temp("acme", ADA.key, 6, 60)  # its record expired
    assert accounts.temps.reusable("acme", ADA.key) is None


def test_a_permanent_login_goes_to_an_order_as_it_is(accounts: Accounts) -> None:
    login = PipoLogin(token="t", user_id=5, is_temp=False)
    assert accounts.settle_for_order(buyer("guest"), login) is login
    assert accounts.settle(buyer(), ADA, login) is login
