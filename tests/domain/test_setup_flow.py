"""The setup flow's decisions through its public functions, without a browser or an endpoint:
a real Redis, the PrintNow sandbox over real HTTP, and the connector wired around them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from punchout.domain.buyers import Buyer
from punchout.domain.identity import ProcurementUser
from punchout.domain.references import make_reference
from punchout.domain.sessions import PunchoutSession, RestoredItem
from punchout.domain.setup_flow import (
    SetupIntent,
    SetupRefused,
    reopen_punchout,
    start_punchout,
)
from punchout.errors import MISCONFIGURED
from punchout.printnow import PrintNowClient
from punchout.protocol.cxml.model import SetupItem
from punchout.runtime.connector import Connector
from punchout.runtime.store import Store
from tests.conftest import make_settings
from tests.support import LiveSandbox, buyers_toml

pytestmark = pytest.mark.sandbox
ADA = ProcurementUser("ada@buyer.example", "ada@buyer.example", "Ada", "Lovelace")
BOB = ProcurementUser("bob@buyer.example", "bob@buyer.example", "Bob", "Babbage")
RETURN_URL = "https://buyer.example/cart?x=1"


@pytest.fixture
def make_connector(
    tmp_path: Path, live_sandbox: LiveSandbox, store: Store
) -> Callable[..., Connector]:
    def make(**buyer: Any) -> Connector:
        buyers_file = tmp_path / "buyers.toml"
        buyers_file.write_text(buyers_toml(**buyer), encoding="utf-8")
        settings = make_settings(
            tmp_path, printnow_url=live_sandbox.url, buyers_file=str(buyers_file)
        )
        client = PrintNowClient(
            live_sandbox.api_url, live_sandbox.api_token, live_sandbox.api_key, retries=0
        )
        return Connector(settings, store, client)

    return make


@pytest.fixture
def c(make_connector: Callable[..., Connector]) -> Connector:
    return make_connector()


def acme(c: Connector) -> Buyer:
    buyer = c.buyer("acme")
    assert buyer is not None
    return buyer


def intent(operation: str = "create", user: ProcurementUser = ADA, **fields: Any) -> SetupIntent:
    return SetupIntent(
        **{"protocol": "cxml", "operation": operation, "user": user, "return_url": RETURN_URL,
           **fields}
    )  # fmt: skip


def opened(c: Connector, url: str) -> PunchoutSession:
    """The session a StartPage URL opens (its one-time token redeemed)."""
    prefix = c.url("/start/")
    assert url.startswith(prefix)
    session_id = c.sessions.redeem_start_token(url.removeprefix(prefix))
    assert session_id is not None
    session = c.sessions.load(session_id)
    assert session is not None
    return session


def refusal(c: Connector, setup: SetupIntent) -> SetupRefused:
    with pytest.raises(SetupRefused) as refused:
        start_punchout(c, acme(c), setup)
    return refused.value


def account_with_design(c: Connector, sandbox: LiveSandbox, user: ProcurementUser) -> str:
    """A reference to a new design in ``user``'s permanent account."""
    user_id, _ = c.accounts.provision(acme(c), user)
    fields = {"name_on_card": "A. Lovelace"}
    project = sandbox.control(
        "POST", "/projects", user_id=user_id, template="BC-STD-85x55", fields=fields
    )
    return make_reference(c.reference_key, "acme", user_id, int(project["id"]))


def line(reference: str, number: int = 1) -> SetupItem:
    return SetupItem(number, "BC-STD-85x55", reference, Decimal("250"))


# -- answers ---------------------------------------------------------------------------


def test_a_create_setup_opens_a_session_for_the_user_behind_a_one_time_link(c: Connector) -> None:
    setup = intent(
        buyer_cookie="cookie-1",
        return_target="_top",
        buyer_credentials=(("NetworkID", "AN01000000001"),),
        supplier_credentials=(("DUNS", "123"),),
        extra={"charset": "utf-8"},
    )
    url = start_punchout(c, acme(c), setup)
    session = opened(c, url)
    assert (session.buyer_id, session.protocol, session.operation) == ("acme", "cxml", "create")
    assert (session.user_key, session.user_email, session.user_first_name) == (
        ADA.key, ADA.email, "Ada")  # fmt: skip
    assert session.return_url == RETURN_URL and session.return_target == "_top"
    assert session.buyer_cookie == "cookie-1" and session.extra == {"charset": "utf-8"}
    assert session.buyer_credentials == (("NetworkID", "AN01000000001"),)
    assert session.supplier_credentials == (("DUNS", "123"),)
    assert session.storefront_id == 1 and session.form_token and session.restored_items == ()
    assert c.accounts.owns(acme(c), ADA, session.customer_id)
    token = url.removeprefix(c.url("/start/"))
    assert c.sessions.redeem_start_token(token) is None  # one time only


def test_the_setup_given_is_noted_with_the_session_it_opened(c: Connector) -> None:
    session = opened(c, start_punchout(c, acme(c), intent(), setup=("p-1", b"<cXML/>")))
    assert c.sessions.resent_setup("acme", "p-1", b"<cXML/>").session_id == session.id
    assert c.sessions.resent_setup("acme", "p-1", b"<cXML x='1'/>").session_id is None


def test_an_identical_resent_setup_reopens_its_session_with_a_fresh_link(c: Connector) -> None:
    first_url = start_punchout(c, acme(c), intent())
    session = opened(c, first_url)
    again = reopen_punchout(c, acme(c), session.id)
    assert again is not None and again != first_url
    assert opened(c, again).id == session.id
    c.sessions.end(session.id)
    assert reopen_punchout(c, acme(c), session.id) is None  # ended: a new punch-out instead


def test_an_edit_restores_the_user_s_own_lines_in_their_account(
    c: Connector, live_sandbox: LiveSandbox
) -> None:
    first = account_with_design(c, live_sandbox, ADA)
    second = account_with_design(c, live_sandbox, ADA)
    url = start_punchout(c, acme(c), intent("edit", returned_lines=(line(first), line(second, 2))))
    session = opened(c, url)
    assert session.operation == "edit" and not session.is_temp
    assert c.accounts.owns(acme(c), ADA, session.customer_id)
    assert [item.reference for item in session.restored_items] == [first, second]
    assert session.restored_items[0] == RestoredItem(
        project_id=session.restored_items[0].project_id,
        quantity="250",
        supplier_part_id="BC-STD-85x55",
        reference=first,
    )


def test_an_edit_without_lines_is_a_fresh_punch_out(c: Connector) -> None:
    session = opened(c, start_punchout(c, acme(c), intent("inspect")))
    assert session.operation == "inspect" and session.restored_items == ()


# -- refusals --------------------------------------------------------------------------


def test_an_operation_the_buyer_does_not_use_is_refused(
    make_connector: Callable[..., Connector],
) -> None:
    c = make_connector(operations=["create"])
    refused = refusal(c, intent("edit"))
    assert refused.status == 403 and "'edit' is not enabled" in refused.message


def test_a_setup_without_a_return_url_is_refused(c: Connector) -> None:
    refused = refusal(c, intent(return_url=""))
    assert refused.status == 400 and "no return URL" in refused.message


def test_a_return_url_on_another_host_is_refused_and_logged_by_its_text(c: Connector) -> None:
    refused = refusal(c, intent(return_url="https://evil.example/cart"))
    assert refused.status == 403 and "not registered for your organisation" in refused.message
    assert "https://evil.example/cart" in refused.reason
    assert c.store.keys("session") == []


def test_a_user_whose_address_another_account_has_is_refused_with_the_reason(
    c: Connector,
) -> None:
    c.accounts.remember_temp_logins(1, False)  # the permanent account is made at once
    c.client.create_user(1, username="ada.own", password="Her-own-1!", email=ADA.email,
                         first_name="Ada", last_name="L")  # fmt: skip
    refused = refusal(c, intent())
    assert refused.status == 403 and "email address exists already" in refused.message
    assert "punchout users link" in refused.reason


@pytest.mark.parametrize(
    ("status", "answer", "message"),
    [
        (400, 500, MISCONFIGURED),
        (503, 503, "not answering right now; please try again in a few minutes"),
    ],
)
def test_printnow_failing_is_told_apart_from_a_configuration_to_fix(
    c: Connector, live_sandbox: LiveSandbox, status: int, answer: int, message: str
) -> None:
    live_sandbox.fault("pipo_user_createtemp", mode="error", status=status, times=1)
    refused = refusal(c, intent())
    assert refused.status == answer and message in refused.message
    assert "buyer acme: PrintNow" in refused.reason


def test_a_line_the_connector_did_not_sign_is_refused_by_its_number(c: Connector) -> None:
    refused = refusal(c, intent("edit", returned_lines=(line("forged-reference", 3),)))
    assert refused.status == 400
    assert "Line 3 (BC-STD-85x55) was not issued by this supplier" in refused.message


def test_a_colleague_s_line_is_refused_so_nobody_opens_another_s_account(
    c: Connector, live_sandbox: LiveSandbox
) -> None:
    bobs = account_with_design(c, live_sandbox, BOB)
    refused = refusal(c, intent("edit", returned_lines=(line(bobs, 2),)))
    assert refused.status == 403 and "Line 2 (BC-STD-85x55) belongs to another" in refused.message
    assert c.store.keys("session") == []


def test_lines_of_two_accounts_of_one_user_are_refused_together(
    c: Connector, live_sandbox: LiveSandbox
) -> None:
    derived = account_with_design(c, live_sandbox, ADA)
    c.client.create_user(1, username="ada.own", password="Her-own-1!", email="a2@buyer.example",
                         first_name="Ada", last_name="L")  # fmt: skip
    linked_id = c.accounts.link(acme(c), ADA.key, "ada.own", "Her-own-1!")
    fields = {"name_on_card": "A. Lovelace"}
    project = live_sandbox.control(
        "POST", "/projects", user_id=linked_id, template="BC-STD-85x55", fields=fields
    )
    linked = make_reference(c.reference_key, "acme", linked_id, int(project["id"]))
    refused = refusal(c, intent("edit", returned_lines=(line(derived), line(linked, 2))))
    assert refused.status == 400 and "belong to different storefront users" in refused.message
