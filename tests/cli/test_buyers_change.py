"""`punchout buyers set/edit/rotate-secret/enable/disable/test`: changing a buyer after
`buyers add`, and checking its link, against the running connector and the sandbox over HTTP."""

from __future__ import annotations

import json
import shlex
import sys
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from punchout.domain.buyer_checks import authenticate
from punchout.domain.buyers import BuyerRegistry
from punchout.domain.registry_keys import KEYS
from tests.buyer_side import BuyerIdentity, setup_request, status_of
from tests.cli.helpers import run, secret_in
from tests.cli.runner import PunchoutRunner
from tests.support import BUYER_SECRET, LiveSandbox
from tests.web.conftest import LiveConnector

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
    result = PunchoutRunner(connector.app).invoke(
        args=["buyers", "edit", "acme"], env={"EDITOR": good, "VISUAL": good}
    )
    assert result.exit_code == 0, result.output
    assert table(connector)["user_policy"] == "guest"
    before = connector.buyers_file.read_bytes()
    bad = _editor("p.write_text(t.replace('guest', 'nobody'))")
    refused = PunchoutRunner(connector.app).invoke(
        args=["buyers", "edit", "acme"], env={"EDITOR": bad, "VISUAL": bad}
    )
    assert refused.exit_code == 1 and "user_policy must be one of" in refused.output
    assert connector.buyers_file.read_bytes() == before


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
