"""`punchout buyers add/list/show`: onboarding a buyer and the two views of it (the
operator's, and the block for the buyer's procurement admin), against the running connector
and the sandbox over HTTP."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from punchout.domain.buyers import BuyerRegistry
from punchout.domain.profiles import get_profile
from tests.cli.helpers import run, secret_in
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox


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


def test_add_refuses_a_url_as_return_host(connector: LiveConnector) -> None:
    before = connector.buyers_file.read_bytes()
    result = run(connector, "buyers", "add", "--id", "hooli", "--name", "Hooli",
                 "--profile", "coupa", "--storefront", "1", "--user-policy", "per_user",
                 "--price-book", "standard", "--domain", "DUNS", "--identity", "H-1",
                 "--return-host", "https://hooli.example/path")  # fmt: skip
    assert result.exit_code == 1 and "not a host" in result.output
    assert connector.buyers_file.read_bytes() == before


def test_add_asks_printnow_whether_the_storefront_exists(connector: LiveConnector) -> None:
    before = connector.buyers_file.read_bytes()
    args = ["buyers", "add", "--id", "hooli", "--name", "Hooli", "--profile", "coupa",
            "--user-policy", "per_user", "--price-book", "standard", "--domain", "DUNS",
            "--identity", "H-1", "--return-host", "hooli.coupahost.com"]  # fmt: skip
    missing = run(connector, *args, "--storefront", "999")
    assert missing.exit_code == 1
    assert "Nothing was written: PrintNow refused storefront 999" in missing.output
    assert len(missing.output.strip().splitlines()) == 1
    assert connector.buyers_file.read_bytes() == before
    added = run(connector, *args, "--storefront", "1")
    assert added.exit_code == 0, added.output
    assert "storefront 1 exists" in added.output and "left" not in added.output


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


def test_show_for_the_buyer_is_copy_ready_and_flags_a_loopback_url(
    connector: LiveConnector,
) -> None:
    full = run(connector, "buyers", "show", "acme")
    assert "For you (the operator)" in full.output and "cXML secrets: 1 work now" in full.output
    only = run(connector, "buyers", "show", "acme", "--for-buyer")
    assert only.exit_code == 0
    assert "For you" not in only.output and "secrets:" not in only.output
    assert f"{connector.url}/cxml" in only.output
    assert "WARNING: public_url" in only.output and "loopback" in only.output
    data = json.loads(run(connector, "buyers", "show", "acme", "--for-buyer", "--json").output)
    assert set(data) == {"for_buyer"} and "loopback" in data["for_buyer"]["warnings"][0]
    assert f"{connector.url}/cxml" in data["for_buyer"]["fields"].values()
    listed = json.loads(run(connector, "buyers", "list", "--json").output)
    assert [b["id"] for b in listed] == ["acme"]


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
