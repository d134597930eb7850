"""`punchout buyers set/edit/rotate-secret/test` and `show --for-buyer` through Flask's CLI
runner, against the running connector and the sandbox over HTTP."""

from __future__ import annotations

import json
import shlex
import sys
import tomllib
from datetime import UTC, datetime

import pytest

from punchout.domain.buyer_checks import authenticate
from punchout.domain.buyers import BuyerRegistry
from punchout.domain.registry_keys import KEYS
from tests.buyer_side import BuyerIdentity, setup_request, status_of
from tests.support import BUYER_SECRET
from tests.web.conftest import LiveConnector
from tests.web.test_cli import run, secret_in

pytestmark = pytest.mark.sandbox


def table(connector: LiveConnector) -> dict[str, object]:
    data = tomllib.loads(connector.buyers_file.read_text())
    acme: dict[str, object] = data["buyers"]["acme"]
    return acme


def test_set_changes_every_kind_of_key_keeps_comments_and_the_connector_uses_it(
    connector: LiveConnector,
) -> None:
    original = "# Keep me.\n" + connector.buyers_file.read_text()
    connector.buyers_file.write_text(original)
    result = run(connector, "buyers", "set", "acme", "user_policy=shared",
                 "cart_transport=both", "credentials=NetworkID:AN01000000001,DUNS:98765",
                 "oci.hook_field=MM_HOOK_URL", "unit_map.C62=EA", "allow_http_return=true",
                 "return_hosts=buyer.example,*.acme.example",
                 "description_max_length=80")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert connector.buyers_file.read_text().startswith("# Keep me.")
    buyer = BuyerRegistry.load(connector.buyers_file).get("acme")
    assert buyer is not None
    assert (buyer.user_policy, buyer.cart_transport) == ("shared", "both")
    assert buyer.credentials == (("NetworkID", "AN01000000001"), ("DUNS", "98765"))
    assert buyer.oci.hook_field == "MM_HOOK_URL" and buyer.allow_http_return
    assert buyer.return_hosts == ("buyer.example", "*.acme.example")
    # The second From credential opens a punch-out at the running connector.
    body = setup_request(
        BuyerIdentity(domain="DUNS", identity="98765"), payload_id="second-credential"
    )
    assert status_of(connector.post_cxml(body).content)[0] == 200
    # An empty value removes the key: the profile's default applies again.
    assert run(connector, "buyers", "set", "acme", "cart_transport=").exit_code == 0
    assert "cart_transport" not in table(connector)


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("user_policy=everyone", "user_policy must be one of"),
        ("return_hosts=https://x.example/path", "not a host"),
        ("return_hosts=x.example:8443", "not a host"),
        ("storefront_id=two", "storefront_id"),
        ("colour=blue", "not a buyer setting"),
        ("secrets=abc", "not a buyer setting"),
        ("price_book=gold", "no price list"),
        ("enabled=maybe", "true or false"),
        ("credentials=AN0100", "DOMAIN:IDENTITY"),
        ("no-equals-sign", "KEY=VALUE"),
    ],
)
def test_set_refuses_in_one_line_and_writes_nothing(
    connector: LiveConnector, assignment: str, words: str
) -> None:
    before = connector.buyers_file.read_bytes()
    result = run(connector, "buyers", "set", "acme", "name=Changed", assignment)
    assert result.exit_code == 1, result.output
    assert words in result.output and "Nothing was written" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert connector.buyers_file.read_bytes() == before


def test_set_help_names_every_key(connector: LiveConnector) -> None:
    shown = run(connector, "buyers", "set", "--help").output
    assert all(key.split(".")[-1] in shown for key in KEYS)


def _editor(script: str) -> str:
    """An $EDITOR that rewrites the file with a Python one-liner (as a person would)."""
    program = f"import sys,pathlib; p=pathlib.Path(sys.argv[1]); t=p.read_text(); {script}"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(program)}"


def test_edit_saves_a_valid_table_and_refuses_an_invalid_one(connector: LiveConnector) -> None:
    good = _editor("p.write_text(t.replace('per_user', 'guest'))")
    result = connector.app.test_cli_runner().invoke(
        args=["buyers", "edit", "acme"], env={"EDITOR": good, "VISUAL": good}
    )
    assert result.exit_code == 0, result.output
    assert table(connector)["user_policy"] == "guest"
    before = connector.buyers_file.read_bytes()
    bad = _editor("p.write_text(t.replace('guest', 'nobody'))")
    refused = connector.app.test_cli_runner().invoke(
        args=["buyers", "edit", "acme"], env={"EDITOR": bad, "VISUAL": bad}
    )
    assert refused.exit_code == 1 and "user_policy must be one of" in refused.output
    assert connector.buyers_file.read_bytes() == before


def test_rotating_with_no_overlap_asks_first(connector: LiveConnector) -> None:
    before = connector.buyers_file.read_bytes()
    asked = run(connector, "buyers", "rotate-secret", "acme", "--overlap-days", "0", input="n\n")
    assert asked.exit_code == 1 and "stops working now" in asked.output
    assert connector.buyers_file.read_bytes() == before
    done = run(connector, "buyers", "rotate-secret", "acme", "--overlap-days", "0", "--yes")
    assert done.exit_code == 0, done.output
    buyer = BuyerRegistry.load(connector.buyers_file).get("acme")
    now = datetime.now(UTC)
    assert not authenticate(buyer, BUYER_SECRET, now)
    assert authenticate(buyer, secret_in(done.output), now)


def test_add_refuses_a_url_as_return_host(connector: LiveConnector) -> None:
    before = connector.buyers_file.read_bytes()
    result = run(connector, "buyers", "add", "--id", "hooli", "--name", "Hooli",
                 "--profile", "coupa", "--storefront", "1", "--user-policy", "per_user",
                 "--price-book", "standard", "--domain", "DUNS", "--identity", "H-1",
                 "--return-host", "https://hooli.example/path")  # fmt: skip
    assert result.exit_code == 1 and "not a host" in result.output
    assert connector.buyers_file.read_bytes() == before


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


def test_buyers_test_marks_a_refused_http_answer_as_failed(connector: LiveConnector) -> None:
    wrong = run(connector, "buyers", "test", "acme", "--url", connector.url, "--secret", "no",
                "--json")  # fmt: skip
    assert wrong.exit_code == 1
    report = json.loads(wrong.output)
    assert report["steps"][0] == {
        "name": "HTTP",
        "ok": False,
        "detail": f"401 from {connector.url}/cxml",
    }
    assert "SharedSecret" in report["diagnosis"]


def test_the_other_buyer_commands_answer_in_json(connector: LiveConnector) -> None:
    added = run(connector, "buyers", "add", "--id", "hooli", "--name", "Hooli", "--profile",
                "coupa", "--storefront", "1", "--user-policy", "guest", "--price-book",
                "standard", "--domain", "DUNS", "--identity", "H-1", "--return-host",
                "hooli.coupahost.com", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    data = json.loads(added.output)
    buyer = BuyerRegistry.load(connector.buyers_file).get("hooli")
    assert buyer is not None and authenticate(buyer, data["secret"], datetime.now(UTC))
    assert data["operator"]["user_policy"] == "guest" and data["oci_password"] == ""
    assert data["for_buyer"]["fields"]["Identity"] == "H-1"
    disabled = run(connector, "buyers", "disable", "hooli", "--yes", "--json")
    assert json.loads(disabled.output) == {"buyer": "hooli", "enabled": False}
    enabled = run(connector, "buyers", "enable", "hooli", "--json")
    assert json.loads(enabled.output) == {"buyer": "hooli", "enabled": True}
    checked = run(connector, "pricebook", "check", "--template", "NO-SUCH", "--json")
    assert checked.exit_code == 1
    report = json.loads(checked.output)
    assert report["ok"] is False and "NO-SUCH" in report["problems"][0]
    assert json.loads(run(connector, "users", "list", "acme", "--json").output) == []


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
