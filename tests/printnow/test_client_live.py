"""The client against the PrintNow sandbox over real HTTP: every endpoint, the documented
errors, token expiry with one re-login, and the fault switch.

They run in both sandbox profiles (``PUNCHOUT_SANDBOX_PROFILE``). In the ``documented`` one
createtemp answers no password, so a temporary user's session comes from the sandbox's test
control instead of a login, and projects carry no ``fields``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest

from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app
from punchout.printnow import (
    ApiCredentialsRejected,
    AuthenticationFailed,
    BadRequest,
    DuplicateEmail,
    DuplicateUserName,
    LoginCredentials,
    NotFound,
    NotReady,
    NotTemporary,
    PrintNowClient,
    PrintNowConnectionError,
    PrintNowTimeout,
    ServerError,
    TempUser,
    TokenInvalid,
    UnknownUsername,
    UserIsTemporary,
    UserSession,
    WrongPassword,
)
from tests.support import LiveSandbox, serve

pytestmark = pytest.mark.sandbox
SF = 1


@pytest.fixture
def client(live_sandbox: LiveSandbox) -> PrintNowClient:
    return PrintNowClient(
        live_sandbox.api_url, live_sandbox.api_token, live_sandbox.api_key, backoff=0.01
    )


def add_project(sandbox: LiveSandbox, user_id: int, template: str = "BC-STD-85x55") -> int:
    fields = {
        "BC-STD-85x55": {"name_on_card": "Ada Lovelace"},
        "LH-A4-120": {"company_name": "Analytical Engines Ltd"},
        "BN-RU-850": {"headline": "Meet us at stand 12"},
    }[template]
    project = sandbox.control(
        "POST", "/projects", user_id=user_id, template=template, fields=fields
    )
    return int(project["id"])


def is_documented(sandbox: LiveSandbox) -> bool:
    return bool(sandbox.app.extensions["punchout.devtools.sandbox.state"].config.documented)


def temp_session(client: PrintNowClient, sandbox: LiveSandbox) -> tuple[TempUser, str]:
    """A new temporary user and a session token for it: by login when createtemp told its
    password, else from the sandbox's test control."""
    temp = client.create_temp_user(SF)
    assert (temp.password is None) is is_documented(sandbox)
    if temp.password is not None:
        return temp, client.login(temp.username, temp.password, SF)
    return temp, str(sandbox.control("POST", "/sessions", user_id=temp.id))


def test_temp_user_lifecycle_convert_and_projects(
    client: PrintNowClient, live_sandbox: LiveSandbox
) -> None:
    temp, token = temp_session(client, live_sandbox)
    assert temp.username and temp.storefront_id == SF
    assert "password" not in repr(temp)
    assert client.is_logged_in(token) is True
    assert client.is_temp_user(token) is True
    assert client.user_info(token).id == temp.id
    with pytest.raises(UserIsTemporary):
        client.update_user_info(token, first_name="Ada")

    project_id = add_project(live_sandbox, temp.id)
    (project,) = client.list_projects(token)
    assert (project.id, project.external_id) == (project_id, "BC-STD-85x55")
    fields = None if is_documented(live_sandbox) else {"name_on_card": "Ada Lovelace"}
    assert project.fields == fields
    assert client.get_project(token, project_id) == project

    client.convert_user(
        token,
        username="ada.lovelace",
        password="Engine-1843!",
        email="ada@example.com",
        first_name="Ada",
        last_name="Lovelace",
    )
    assert client.is_temp_user(token) is False
    with pytest.raises(NotTemporary):
        client.convert_user(
            token,
            username="x.y",
            password="Engine-1843!",
            email="x@example.com",
            first_name="X",
            last_name="Y",
        )
    client.update_user_info(token, first_name="Augusta")
    assert client.user_info(token).first_name == "Augusta"
    client.delete_project(token, project_id)
    assert client.list_projects(token) == []
    client.logout(token)
    with pytest.raises(TokenInvalid):
        client.user_info(token)
    assert client.is_logged_in(token) is False


def test_create_user_duplicates_and_login_errors(client: PrintNowClient) -> None:
    client.create_user(
        SF,
        username="grace",
        password="Cobol-1959!",
        email="grace@example.com",
        first_name="Grace",
        last_name="Hopper",
    )
    with pytest.raises(DuplicateUserName):
        client.create_user(
            SF,
            username="grace",
            password="Cobol-1959!",
            email="other@example.com",
            first_name="G",
            last_name="H",
        )
    with pytest.raises(DuplicateEmail):
        client.create_user(
            SF,
            username="grace2",
            password="Cobol-1959!",
            email="grace@example.com",
            first_name="G",
            last_name="H",
        )
    with pytest.raises(AuthenticationFailed) as caught:
        client.login("grace", "wrong-password", SF)
    assert not isinstance(caught.value, ApiCredentialsRejected)
    assert "wrong-password" not in str(caught.value)


def test_transfer_and_its_four_refusals(client: PrintNowClient, live_sandbox: LiveSandbox) -> None:
    client.create_user(
        SF,
        username="alan",
        password="Enigma-1912!",
        email="alan@example.com",
        first_name="Alan",
        last_name="Turing",
    )
    temp, token = temp_session(client, live_sandbox)
    project_id = add_project(live_sandbox, temp.id, "LH-A4-120")
    with pytest.raises(UnknownUsername):
        client.transfer_user(token, username="nobody", password="x")
    with pytest.raises(WrongPassword):
        client.transfer_user(token, username="alan", password="wrong")
    client.transfer_user(token, username="alan", password="Enigma-1912!")
    assert client.user_info(token).username == "alan"
    assert [p.id for p in client.list_projects(token)] == [project_id]
    with pytest.raises(NotTemporary):
        client.transfer_user(token, username="alan", password="Enigma-1912!")
    with pytest.raises(TokenInvalid):
        client.transfer_user("not-a-token", username="alan", password="Enigma-1912!")


def test_someone_elses_project_is_not_found(
    client: PrintNowClient, live_sandbox: LiveSandbox
) -> None:
    owner = client.create_temp_user(SF)
    _, token = temp_session(client, live_sandbox)
    project_id = add_project(live_sandbox, owner.id)
    with pytest.raises(NotFound):
        client.get_project(token, project_id)


def test_order_create_process_download_ship_and_status(
    client: PrintNowClient, live_sandbox: LiveSandbox
) -> None:
    temp, token = temp_session(client, live_sandbox)
    first, second = (
        add_project(live_sandbox, temp.id),
        add_project(live_sandbox, temp.id, "BN-RU-850"),
    )
    with pytest.raises(BadRequest):
        client.create_order(token, [999_999], "PO-0")
    order_id = client.create_order(token, [first, second, 999_999], "PO-1001")
    order = client.get_order(order_id)
    assert order.external_id == "PO-1001"
    assert {i.integration_id for i in order.items} == {"BC-STD-85x55", "BN-RU-850"}
    assert order.status == "New Order"

    client.process_order(token, order_id)
    with pytest.raises(NotReady) as caught:
        client.download_order(order_id)
    assert caught.value.retry_after > 0
    item = order.items[0]
    data = client.wait_for_download(lambda: client.download_order(order_id), max_delay=0.2)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert zipfile.ZipFile(io.BytesIO(client.download_item(order_id, item.id))).namelist()
    assert zipfile.ZipFile(io.BytesIO(client.download_assets(order_id, item.id))).namelist()

    client.update_item_status(order_id, item.id, "In Production", comments="on press")
    assert client.get_order(order_id).items[0].status == "In Production"
    client.mark_item_shipped(order_id, item.id, "1Z999")
    client.mark_order_shipped(order_id, "1Z1000")
    shipped = client.get_order(order_id)
    assert shipped.status == "Order Shipped"
    # The Orders API reports no tracking numbers; the sandbox's own state shows them.
    (recorded,) = live_sandbox.control("GET", "/state")["orders"]
    assert recorded["tracking_numbers"] == ["1Z999", "1Z1000"]
    client.update_order_status(order_id, "Cancelled")
    assert client.get_order(order_id).status == "Cancelled"
    with pytest.raises(BadRequest):
        client.update_order_status(order_id, "No Such Status")
    with pytest.raises(NotFound):
        client.get_order(123_456)


def test_customers_create_update_transfer_delete(client: PrintNowClient) -> None:
    customer = client.create_customer(
        SF,
        username="edsger",
        password="Shortest-1930!",
        email="edsger@example.com",
        first_name="Edsger",
        last_name="Dijkstra",
        company="TH Eindhoven",
    )
    assert client.get_customer(customer.id) == customer
    assert client.update_customer(customer.id, company="UT Austin").company == "UT Austin"
    temp = client.create_customer(SF, is_temporary=True)
    assert temp.is_temporary
    destination = client.transfer_customer(temp.id, customer.id)
    assert destination.id == customer.id
    with pytest.raises(BadRequest):
        client.create_customer(
            SF,
            username="edsger",
            password="Shortest-1930!",
            email="e2@example.com",
            first_name="E",
            last_name="D",
        )
    client.delete_customer(customer.id)
    with pytest.raises(NotFound):
        client.get_customer(customer.id)


def test_wrong_api_credentials_are_an_operator_error(live_sandbox: LiveSandbox) -> None:
    client = PrintNowClient(live_sandbox.api_url, "wrong", "wrong")
    with pytest.raises(ApiCredentialsRejected) as caught:
        client.create_temp_user(SF)
    assert caught.value.status == 401


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["extended", "documented"])
def idle_sandbox(request: pytest.FixtureRequest) -> Iterator[tuple[str, Clock]]:
    """A sandbox on a clock the test moves, in each profile: the documented one words the
    expired-token 403 differently, and the client must not depend on the wording."""
    clock = Clock()
    config = SandboxConfig(
        api_token="t", api_key="k", token_idle_seconds=100, profile=request.param
    )
    with serve(create_sandbox_app(config, clock=clock)) as url:
        yield url + "/api/v2", clock


def permanent_user(client: PrintNowClient, username: str) -> LoginCredentials:
    client.create_user(
        SF,
        username=username,
        password="Idle-pass-1!",
        email=f"{username}@example.com",
        first_name="Idle",
        last_name="User",
    )
    return LoginCredentials(username, "Idle-pass-1!", SF)


def test_tokens_expire_after_inactivity_and_every_call_refreshes_them(
    idle_sandbox: tuple[str, Clock],
) -> None:
    url, clock = idle_sandbox
    client = PrintNowClient(url, "t", "k")
    user = permanent_user(client, "idle.one")
    token = client.login(user.username, user.password, SF)
    clock.now += 90
    assert client.is_logged_in(token)
    clock.now += 90
    assert client.is_temp_user(token) is False
    clock.now += 101
    with pytest.raises(TokenInvalid):
        client.list_projects(token)


def test_user_session_logs_in_again_once_on_an_expired_token(
    idle_sandbox: tuple[str, Clock],
) -> None:
    url, clock = idle_sandbox
    client = PrintNowClient(url, "t", "k")
    user = permanent_user(client, "idle.two")
    token = client.login(user.username, user.password, SF)
    user_id = client.user_info(token).id
    stored: list[str] = []
    session = UserSession(client, token, lambda: user, stored.append)
    clock.now += 500
    assert session.call(client.user_info).id == user_id
    assert stored == [session.token] and session.token != token

    clock.now += 500
    without_credentials = UserSession(client, session.token, lambda: None)
    with pytest.raises(TokenInvalid):
        without_credentials.call(client.user_info)


def test_fault_switch_5xx_is_retried_for_gets(
    client: PrintNowClient, live_sandbox: LiveSandbox
) -> None:
    _, token = temp_session(client, live_sandbox)
    live_sandbox.fault(
        "pipo_project_all",
        mode="error",
        status=503,
        times=2,
    )
    assert client.list_projects(token) == []
    live_sandbox.fault(
        "pipo_order_create",
        mode="error",
        status=500,
        times=1,
    )
    with pytest.raises(ServerError):
        client.create_order(token, [1], "PO-X")


def test_fault_switch_drop_and_slow(client: PrintNowClient, live_sandbox: LiveSandbox) -> None:
    live_sandbox.fault("pipo_user_createtemp", mode="drop", times=1)
    with pytest.raises(PrintNowConnectionError):
        client.create_temp_user(SF)
    live_sandbox.fault(
        "pipo_user_createtemp",
        mode="slow",
        delay=1.0,
        times=1,
    )
    impatient = PrintNowClient(
        live_sandbox.api_url, live_sandbox.api_token, live_sandbox.api_key, timeout=(1, 0.3)
    )
    with pytest.raises(PrintNowTimeout):
        impatient.create_temp_user(SF)


def test_seed_workflow_with_a_design_saved_in_the_storefront(
    client: PrintNowClient, live_sandbox: LiveSandbox
) -> None:
    """The seeds' PIPO workflow: temp user, storefront design, order, process, convert."""
    from urllib.parse import quote

    from tests.buyer_side import Browser

    temp, token = temp_session(client, live_sandbox)
    browser = Browser()
    browser.get(
        f"{live_sandbox.url}/storefront/{SF}?token={quote(token)}"
        f"&return_url={quote('https://buyer.example/back')}"
    )
    assert browser.design(name_on_card="Jane Smith").status_code == 200
    (project,) = client.list_projects(token)
    fields = None if is_documented(live_sandbox) else {"name_on_card": "Jane Smith"}
    assert project.fields == fields
    order_id = client.create_order(token, [project.id], "PO-77")
    client.process_order(token, order_id)
    client.convert_user(
        token, username="jane.smith", password="Seed-flow-1!", email="jane.smith@example.com",
        first_name="Jane", last_name="Smith",
    )  # fmt: skip
    assert client.get_order(order_id).customer_id == temp.id
    client.logout(token)
    assert client.is_logged_in(token) is False
