"""PIPO accounts where the docs are silent, against the sandbox over real HTTP: a createtemp
answer without a password, and duplicate checks in either order (user name or e-mail
first)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app
from punchout.domain.accounts import Accounts
from punchout.domain.buyers import Buyer
from punchout.domain.identity import IdentityError, PipoLogin, ProcurementUser
from punchout.domain.keys import Encryptor, KeyRing, derive_user_password, derive_username
from punchout.printnow import PrintNowClient
from punchout.runtime.store import Store
from tests.support import TEST_SECRETS, LiveSandbox, serve

pytestmark = pytest.mark.sandbox
MASTER = TEST_SECRETS["master_key"]
JANE = ProcurementUser(key="jane@buyer.example", email="jane@buyer.example", first_name="Jane")


@pytest.fixture(params=["extended", "documented"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[LiveSandbox]:
    config = SandboxConfig(api_token="t", api_key="k", profile=request.param)
    app = create_sandbox_app(config)
    with serve(app) as url:
        yield LiveSandbox(url, app, "t", "k")


@pytest.fixture
def accounts(sandbox: LiveSandbox, store: Store) -> Accounts:
    client = PrintNowClient(sandbox.api_url, "t", "k")
    return Accounts(client, store, KeyRing(MASTER), Encryptor(MASTER))


def buyer(policy: str = "per_user") -> Buyer:
    return Buyer(id="acme", name="Acme", storefront_id=1, user_policy=policy)


def users(sandbox: LiveSandbox) -> list[dict[str, object]]:
    result: list[dict[str, object]] = sandbox.control("GET", "/state")["users"]
    return result


@pytest.mark.parametrize("policy", ["per_user", "shared", "guest"])
def test_a_first_punch_out_works_with_or_without_a_createtemp_password(
    sandbox: LiveSandbox, accounts: Accounts, policy: str
) -> None:
    login = accounts.start(buyer(policy), JANE)
    assert accounts.temp_logins(1) is not sandbox.documented  # learnt from the answer
    assert login.is_temp is not sandbox.documented
    again = accounts.login_as(buyer(policy), login.user_id)  # an order's later login
    assert again.user_id == login.user_id
    made = [u for u in users(sandbox) if not u["is_temporary"]]
    if sandbox.documented:  # the permanent account at once, through user/create
        (account,) = made
        assert account["id"] == login.user_id
        if policy == "per_user":
            assert account["email"] == "jane@buyer.example"
            assert account["username"] == derive_username("acme", "jane@buyer.example")
    else:
        assert made == []


def test_createtemp_is_asked_again_only_while_it_tells_a_password(
    sandbox: LiveSandbox, accounts: Accounts
) -> None:
    accounts.start(buyer(), JANE)
    accounts.start(buyer(), ProcurementUser(key="max@buyer.example", email="max@buyer.example"))
    temporary = [u for u in users(sandbox) if u["is_temporary"]]
    # documented: only the first punch-out asked createtemp; extended: each one did
    assert len(temporary) == (1 if sandbox.documented else 2)


def test_a_taken_email_without_temporary_users_is_refused_clearly(
    sandbox: LiveSandbox, accounts: Accounts
) -> None:
    accounts.remember_temp_logins(1, False)
    accounts.client.create_user(1, username="jane.own", password="Her-own-1!",
                                email=JANE.email, first_name="J", last_name="D")  # fmt: skip
    with pytest.raises(IdentityError) as caught:
        accounts.start(buyer(), JANE)
    assert "email address exists already" in caught.value.message


def temp_login(sandbox: LiveSandbox, accounts: Accounts) -> PipoLogin:
    """A temporary user's session, whether or not createtemp tells its password."""
    temp = accounts.client.create_temp_user(1)
    token = str(sandbox.control("POST", "/sessions", user_id=temp.id))
    return PipoLogin(token=token, user_id=temp.id, is_temp=True)


def test_convert_falls_back_to_transfer_whichever_duplicate_is_checked_first(
    sandbox: LiveSandbox, accounts: Accounts
) -> None:
    """The derived account exists with the user's e-mail: the extended profile answers
    "duplicate user name", the documented one "duplicate email"; both transfer."""
    username = derive_username("acme", JANE.key)
    password = derive_user_password(MASTER, "acme", JANE.key)
    accounts.client.create_user(1, username=username, password=password,
                                email=JANE.email, first_name="Jane", last_name="Doe")  # fmt: skip
    login = temp_login(sandbox, accounts)
    settled = accounts.settle(buyer(), JANE, login)
    assert not settled.is_temp and accounts.client.user_info(settled.token).username == username


def test_an_email_of_another_account_at_convert_is_a_clear_identity_error(
    sandbox: LiveSandbox, accounts: Accounts
) -> None:
    accounts.client.create_user(1, username="jane.own", password="Her-own-1!",
                                email=JANE.email, first_name="J", last_name="D")  # fmt: skip
    with pytest.raises(IdentityError) as caught:
        accounts.settle(buyer(), JANE, temp_login(sandbox, accounts))
    assert "email address exists already" in caught.value.message
