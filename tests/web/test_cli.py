"""The `punchout` admin commands through Flask's CLI runner, against the sandbox over HTTP."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from punchout.domain.buyers import BuyerRegistry, authenticate
from punchout.domain.keys import derive_username
from punchout.domain.profiles import get_profile
from punchout.web.context import connector_of
from tests.buyer_side import Browser, BuyerIdentity, setup_request, start_url_of, status_of
from tests.support import BUYER_SECRET, LiveSandbox
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox


def run(connector: LiveConnector, *args: str, input: str | None = None) -> Result:
    return connector.app.test_cli_runner().invoke(args=list(args), input=input)


def secret_in(output: str, kind: str = "cXML SharedSecret") -> str:
    match = re.search(re.escape(kind) + r" \(shown only now.*:\n\s+(\S+)", output)
    assert match, output
    return match.group(1)


ADD = [
    "buyers", "add", "--id", "globex", "--name", "Globex Inc", "--protocol", "cxml,oci",
    "--domain", "DUNS", "--identity", "123456789", "--oci-username", "GLOBEX-SAP",
    "--storefront", "1", "--user-policy", "shared", "--return-host", "127.0.0.1",
    "--return-host", "*.globex.example", "--price-book", "standard", "--profile", "generic",
]  # fmt: skip


def test_add_by_flags_keeps_comments_shows_the_secret_once_and_the_link_works(
    connector: LiveConnector,
) -> None:
    original = "# Our buyers: keep this comment.\n" + connector.buyers_file.read_text()
    connector.buyers_file.write_text(original)
    result = run(connector, *ADD)
    assert result.exit_code == 0, result.output
    secret = secret_in(result.output)
    password = secret_in(result.output, "OCI PASSWORD")
    assert password != secret  # OCI has a credential of its own
    text = connector.buyers_file.read_text()
    assert text.startswith(original.rstrip("\n"))  # comments and the other buyer untouched
    assert secret not in text and password not in text and "scrypt$" in text
    assert (
        f"{connector.url}/cxml" in result.output and f"{connector.url}/oci/globex" in result.output
    )
    assert "GLOBEX-SAP" in result.output
    for protocol, credential in (("cxml", secret), ("oci", password)):
        checked = run(connector, "buyers", "test", "globex", "--url", connector.url,
                      "--secret", credential, "--protocol", protocol)  # fmt: skip
        assert checked.exit_code == 0, checked.output
        assert "StartPage opens" in checked.output and "works" in checked.output
        assert "[ok  ] storefront opens: 200" in checked.output
    # Neither credential opens the other protocol.
    for protocol, credential in (("cxml", password), ("oci", secret)):
        crossed = run(connector, "buyers", "test", "globex", "--url", connector.url,
                      "--secret", credential, "--protocol", protocol)  # fmt: skip
        assert crossed.exit_code == 1 and "401" in crossed.output


def test_add_interactively(connector: LiveConnector) -> None:
    answers = "\n".join(
        ("initech", "Initech", "", "1", "shared", "", "cxml", "NetworkID", "AN0999",
         "initech.coupahost.com")
    )  # fmt: skip
    result = run(connector, "buyers", "add", input=answers + "\n")
    assert result.exit_code == 0, result.output
    registry = BuyerRegistry.load(connector.buyers_file)
    buyer = registry.get("initech")
    assert buyer is not None and buyer.credentials == (("NetworkID", "AN0999"),)
    assert (buyer.profile, buyer.user_policy, buyer.price_book) == ("generic", "shared", "standard")
    for question in ("Procurement system (profile)", "User policy", "Price list"):
        assert question in result.output


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (["--id", "acme"], "exists already"),
        (["--id", "Bad Id"], "lower-case"),
        (["--identity", "AN01000000001", "--domain", "NetworkID"], "also used"),
        (["--price-book", "gold"], "no price list"),
        (["--protocol", "edi"], "cxml, oci or both"),
    ],
)
def test_add_errors_are_one_line_and_write_nothing(
    connector: LiveConnector, change: list[str], words: str
) -> None:
    before = connector.buyers_file.read_bytes()
    args = list(ADD)
    for flag, value in zip(change[::2], change[1::2], strict=True):
        args[args.index(flag) + 1] = value
    result = run(connector, *args)
    assert result.exit_code == 1
    assert words in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert connector.buyers_file.read_bytes() == before


def test_list_and_show(connector: LiveConnector) -> None:
    listed = run(connector, "buyers", "list")
    assert listed.exit_code == 0 and "acme" in listed.output and "enabled" in listed.output
    shown = run(connector, "buyers", "show", "acme")
    assert shown.exit_code == 0
    for words in (
        f"Punch-out URL (PunchOutSetupRequest): {connector.url}/cxml",
        f"Order URL (OrderRequest):             {connector.url}/cxml",
        "From:   domain NetworkID, identity AN01000000001",
        "To:     domain NetworkID, identity AN-PRINTSHOP-DEMO",
        "SharedSecret",
        f"Catalog URL: {connector.url}/oci/acme",
        "USERNAME = ACME-SAP",
    ):
        assert words in shown.output
    assert run(connector, "buyers", "show", "nobody").exit_code == 1


def test_rotation_both_secrets_work_inside_the_window_only_the_new_after(
    connector: LiveConnector,
) -> None:
    result = run(connector, "buyers", "rotate-secret", "acme", "--overlap-days", "2")
    assert result.exit_code == 0, result.output
    new = secret_in(result.output)
    buyer = BuyerRegistry.load(connector.buyers_file).get("acme")
    now = datetime.now(UTC)
    assert authenticate(buyer, BUYER_SECRET, now) and authenticate(buyer, new, now)
    later = now + timedelta(days=3)
    assert not authenticate(buyer, BUYER_SECRET, later) and authenticate(buyer, new, later)
    assert not authenticate(buyer, new, now, kind="oci")  # the OCI password is not rotated
    # And over HTTP, inside the window, through the running connector:
    for secret in (BUYER_SECRET, new):
        response = connector.post_cxml(
            setup_request(BuyerIdentity(), payload_id=secret, secret=secret)
        )
        assert status_of(response.content)[0] == 200


def test_disable_and_enable(connector: LiveConnector) -> None:
    before = connector.buyers_file.read_bytes()
    refused = run(connector, "buyers", "disable", "acme", input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert connector.buyers_file.read_bytes() == before
    assert run(connector, "buyers", "disable", "acme", "--yes").exit_code == 0
    assert tomllib.loads(connector.buyers_file.read_text())["buyers"]["acme"]["enabled"] is False
    body = setup_request(BuyerIdentity(), payload_id="d1")
    assert status_of(connector.post_cxml(body).content)[0] == 401
    assert run(connector, "buyers", "enable", "acme").exit_code == 0
    body = setup_request(BuyerIdentity(), payload_id="d2")
    assert status_of(connector.post_cxml(body).content)[0] == 200


def test_buyers_test_diagnoses_a_wrong_secret_and_a_wrong_url(connector: LiveConnector) -> None:
    wrong = run(connector, "buyers", "test", "acme", "--url", connector.url, "--secret", "nope")
    assert wrong.exit_code == 1
    assert "FAIL" in wrong.output and "401" in wrong.output
    assert "secret" in wrong.output.splitlines()[-1]
    nowhere = run(
        connector, "buyers", "test", "acme", "--url", "http://127.0.0.1:9", "--secret", "x"
    )
    assert nowhere.exit_code == 1 and "Nothing answers at http://127.0.0.1:9/cxml" in nowhere.output
    not_cxml = run(connector, "buyers", "test", "acme", "--url", connector.sandbox.url + "/x",
                   "--secret", BUYER_SECRET)  # fmt: skip
    assert not_cxml.exit_code == 1 and "not with cXML" in not_cxml.output
    oci = run(connector, "buyers", "test", "acme", "--url", connector.url, "--secret", "nope",
              "--protocol", "oci")  # fmt: skip
    assert oci.exit_code == 1 and "OCI user name and password" in oci.output


def test_buyers_test_opens_the_storefront_url(
    make_connector: Callable[..., LiveConnector], live_sandbox: LiveSandbox
) -> None:
    """A storefront_url_template that leads nowhere is caught before a buyer sees it."""
    template = live_sandbox.url + "/nowhere/{storefront_id}?token={token}"
    broken = make_connector(storefront_url_template=template)
    checked = run(broken, "buyers", "test", "acme", "--url", broken.url, "--secret", BUYER_SECRET)
    assert checked.exit_code == 1, checked.output
    assert "[ok  ] StartPage opens" in checked.output
    assert "storefront opens: 404" in checked.output
    assert "check storefront_url_template" in checked.output.splitlines()[-1]


def test_users_link_after_a_duplicate_email(connector: LiveConnector) -> None:
    connector.client.create_user(
        1, username="jane.own", password="Own-pass-1", email="jane.doe@buyer.example",
        first_name="Jane", last_name="Doe",
    )  # fmt: skip
    refused = run(connector, "users", "link", "acme", "jane.doe@buyer.example",
                  "--username", "jane.own", "--password", "wrong")  # fmt: skip
    assert refused.exit_code == 1 and "login failed" in refused.output
    linked = run(connector, "users", "link", "acme", "Jane.Doe@buyer.example",
                 "--username", "jane.own", "--password", "Own-pass-1")  # fmt: skip
    assert linked.exit_code == 0, linked.output
    store = connector_of(connector.app).store
    assert "Own-pass-1" not in str(store.redis.keys("*")) + str(
        [store.redis.get(k) for k in store.redis.keys("*user*")]
    )
    # Jane's next punch-out opens her own account, and her design lands there.
    response = connector.post_cxml(setup_request(BuyerIdentity()))
    browser = Browser()
    browser.get(start_url_of(response.content))
    browser.design()
    browser.get(browser.storefront_return_url())
    browser.submit_cart("return")
    assert browser.returned_cart().items
    state = connector.sandbox_state()
    own = next(u for u in state["users"] if u["username"] == "jane.own")
    assert [p["owner_id"] for p in state["projects"]] == [own["id"]]
    listed = run(connector, "users", "list", "acme")
    assert "linked to jane.own" in listed.output


def test_users_import_is_interrupted_then_resumes(
    connector: LiveConnector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_file = tmp_path / "users.csv"
    rows = [f"user{n}@buyer.example,User,Number {n}" for n in range(1, 6)]
    csv_file.write_text("email,first_name,last_name\n" + "\n".join(rows) + "\nnot-an-email,X,Y\n")
    client = connector_of(connector.app).client
    real_create = client.create_customer
    calls = {"n": 0}

    def create_then_fail(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:  # PrintNow starts failing at the third account
            connector.sandbox.fault("customer_create", mode="error", status=503)
        return real_create(*args, **kwargs)

    monkeypatch.setattr(client, "create_customer", create_then_fail)
    first = run(connector, "users", "import", "acme", str(csv_file))
    assert first.exit_code == 1
    assert "interrupted at row 4" in first.output and "again to resume" in first.output
    connector.sandbox.control("DELETE", "/faults")
    second = run(connector, "users", "import", "acme", str(csv_file))
    assert second.exit_code == 1  # the bad row is reported
    assert "3 created, 0 existed already, 2 done before, 1 failed" in second.output
    assert "row 7: no e-mail address" in second.output
    third = run(connector, "users", "import", "acme", str(csv_file), "--json")
    assert third.exit_code == 1
    assert json.loads(third.stdout) == {
        "buyer": "acme", "created": 0, "existed": 0, "done_before": 5,
        "failed": ["row 7: no e-mail address"],
    }  # fmt: skip
    usernames = {u["username"] for u in connector.sandbox_state()["users"]}
    for n in range(1, 6):
        assert derive_username("acme", f"user{n}@buyer.example") in usernames


def test_pricebook_check(connector: LiveConnector) -> None:
    ok = run(connector, "pricebook", "check")
    assert ok.exit_code == 0 and "complete" in ok.output
    missing = run(connector, "pricebook", "check", "--template", "MUG-11OZ")
    assert missing.exit_code == 1 and "has no price for MUG-11OZ" in missing.output
    connector.set_buyer(price_book="gold")
    wrong = run(connector, "pricebook", "check")
    assert wrong.exit_code == 1 and "no price list 'gold'" in wrong.output


@pytest.mark.parametrize(
    "command",
    [
        [], ["buyers"], ["buyers", "add"], ["buyers", "list"], ["buyers", "show"],
        ["buyers", "rotate-secret"], ["buyers", "disable"], ["buyers", "enable"],
        ["buyers", "set"], ["buyers", "edit"],
        ["buyers", "test"], ["users"], ["users", "list"], ["users", "link"],
        ["users", "import"], ["pricebook", "check"], ["orders", "list"], ["orders", "show"],
        ["orders", "resolve"],
    ],
)  # fmt: skip
def test_every_command_has_help(connector: LiveConnector, command: list[str]) -> None:
    result = run(connector, *command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) >= 4


def test_the_oci_password_rotates_on_its_own(connector: LiveConnector) -> None:
    from tests.support import OCI_PASSWORD

    result = run(connector, "buyers", "rotate-secret", "acme", "--oci", "--overlap-days", "1")
    assert result.exit_code == 0, result.output
    new = secret_in(result.output, "OCI PASSWORD")
    buyer = BuyerRegistry.load(connector.buyers_file).get("acme")
    now = datetime.now(UTC)
    assert authenticate(buyer, OCI_PASSWORD, now, kind="oci")
    assert authenticate(buyer, new, now, kind="oci")
    later = now + timedelta(days=2)
    assert not authenticate(buyer, OCI_PASSWORD, later, kind="oci")
    assert authenticate(buyer, new, later, kind="oci")
    assert authenticate(buyer, BUYER_SECRET, later)  # the cXML secret is untouched
    assert not authenticate(buyer, new, later)


def test_add_with_a_profile_and_show_in_the_systems_own_words(connector: LiveConnector) -> None:
    added = run(connector, "buyers", "add", "--id", "umbrella", "--name", "Umbrella",
                "--profile", "coupa", "--domain", "DUNS", "--identity", "UMB-1",
                "--storefront", "1", "--return-host", "umbrella.coupahost.com",
                "--user-policy", "per_user", "--price-book", "standard")  # fmt: skip
    assert added.exit_code == 0, added.output
    buyer = BuyerRegistry.load(connector.buyers_file).get("umbrella")
    assert buyer is not None and buyer.profile == "coupa" and buyer.protocols == ("cxml",)
    table = tomllib.loads(connector.buyers_file.read_text())["buyers"]["umbrella"]
    assert table["profile"] == "coupa" and "unit_map" not in table  # defaults stay in the profile
    shown = run(connector, "buyers", "show", "umbrella").output
    for label, value in (
        ("PunchOut URL:", f"{connector.url}/cxml"),
        ("Domain:", "DUNS"),
        ("Identity:", "UMB-1"),
        ("Shared Secret:", "the SharedSecret you were given"),
        ("PO URL:", f"{connector.url}/cxml"),
        ("Our Domain / Our Identity:", "DUNS / UMB-1"),
        ("Supplier Domain / Supplier Identity:", "NetworkID / AN-PRINTSHOP-DEMO"),
    ):
        assert re.search(rf"^\s+{re.escape(label)}\s+{re.escape(value)}", shown, re.M), shown
    assert "Coupa: in Coupa: Setup > Punchout Sites" in shown

    sap = run(connector, "buyers", "add", "--id", "initrode", "--name", "Initrode",
              "--profile", "sap-srm", "--oci-username", "INITRODE", "--storefront", "1",
              "--return-host", "srm.initrode.example", "--user-policy", "per_user",
              "--price-book", "standard")  # fmt: skip
    assert sap.exit_code == 0, sap.output
    shown = run(connector, "buyers", "show", "initrode").output
    assert re.search(rf"Call structure: URL \(Type: URL\):\s+{connector.url}/oci/initrode", shown)
    assert re.search(r"USERNAME \(Type: Fixed Value\):\s+INITRODE", shown)
    assert re.search(r"HOOK_URL \(Type: Return URL\):", shown)
    # OCI has a credential of its own: the admin screen never points at the cXML secret.
    assert re.search(r"PASSWORD \(Type: Fixed Value\):\s+the OCI password you were", shown)
    ariba = get_profile("ariba")
    assert ariba is not None and ariba.admin[0].label == "Supplier Setup URL"
