"""Each dialect profile end to end: a buyer onboarded with ``--profile`` and nothing else
works with that system's documents (tests/fixtures/profiles/, and the public samples when
the cXML reference pack is present)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from punchout.domain.keys import hash_secret
from punchout.domain.profiles import PROFILE_NAMES
from punchout.domain.registry_file import add_buyer
from punchout.protocol.cxml.parse import parse_xml
from punchout.protocol.cxml.read import read_request
from tests.buyer_side import Browser, start_url_of, status_of
from tests.oci_form import new_items
from tests.support import SHARED_CXML
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profiles"
CXML_PROFILES = [p for p in PROFILE_NAMES if (FIXTURES / p / "setup.xml").exists()]
OCI_PROFILES = [p for p in PROFILE_NAMES if (FIXTURES / p / "callup.toml").exists()]


def expected(profile: str) -> dict[str, Any]:
    return tomllib.loads((FIXTURES / profile / "expected.toml").read_text(encoding="utf-8"))


def onboard(
    make_connector: Callable[..., LiveConnector],
    tmp_path: Path,
    profile: str,
    onboarding: dict[str, Any],
) -> LiveConnector:
    """Register the buyer as `punchout buyers add --profile` does: no other setting."""
    protocol = onboarding["protocol"]
    add_buyer(
        tmp_path / "buyers.toml",
        f"fx-{profile}",
        name=f"Fixture buyer ({profile})",
        protocols=[protocol],
        storefront_id=1,
        user_policy="per_user",
        price_book="standard",
        return_hosts=onboarding["return_hosts"],
        credentials=[(onboarding["domain"], onboarding["identity"])] if protocol == "cxml" else [],
        secret_hash=hash_secret(onboarding["secret"]) if protocol == "cxml" else "",
        # OCI has a credential of its own, as `buyers add` generates it.
        oci_secret_hash=hash_secret(onboarding["secret"]) if protocol == "oci" else "",
        oci_username=onboarding.get("oci_username", ""),
        profile=profile,
    )
    return make_connector()


def design_and_return(browser: Browser) -> None:
    assert browser.last is not None and browser.last.status_code == 200, browser.last.text
    browser.design(name_on_card="Zoë Ångström")  # the project is named "<template> – Zoë …"
    browser.get(browser.storefront_return_url())
    browser.submit_cart("return")


def test_there_is_a_fixture_for_every_profile() -> None:
    assert sorted(CXML_PROFILES + OCI_PROFILES) == sorted(PROFILE_NAMES)


@pytest.mark.parametrize("profile", CXML_PROFILES)
def test_cxml_profile_end_to_end(
    make_connector: Callable[..., LiveConnector], tmp_path: Path, profile: str
) -> None:
    want = expected(profile)
    connector = onboard(make_connector, tmp_path, profile, want["onboard"])
    body = (FIXTURES / profile / "setup.xml").read_bytes()
    response = connector.post_cxml(body)
    assert status_of(response.content)[0] == want["response"]["status"], response.text
    browser = Browser()
    browser.get(start_url_of(response.content))
    if want["response"].get("repeat"):
        again = connector.post_cxml(body)
        assert Browser().get(start_url_of(again.content)).status_code == 200
    design_and_return(browser)
    cart = browser.returned_cart()
    assert cart.field_names == tuple(want["cart"]["fields"])
    (item,) = cart.items
    assert item["uom"] == want["cart"]["unit"]
    description = item["description"]
    if want["cart"]["ascii_description"]:
        assert description.isascii() and "Zoe Angstrom" in description, description
    else:
        assert "–" in description and "Zoë Ångström" in description, description
    if want["cart"]["max_description"]:
        assert len(description) <= want["cart"]["max_description"]
    header = cart.root.find("Message/PunchOutOrderMessage/PunchOutOrderMessageHeader")
    assert header.get("operationAllowed") == want["cart"]["operation_allowed"]


@pytest.mark.parametrize("profile", OCI_PROFILES)
def test_oci_profile_end_to_end(
    make_connector: Callable[..., LiveConnector], tmp_path: Path, profile: str
) -> None:
    want = expected(profile)
    connector = onboard(make_connector, tmp_path, profile, want["onboard"])
    callup = tomllib.loads((FIXTURES / profile / "callup.toml").read_text(encoding="utf-8"))
    browser = Browser()
    browser.post(f"{connector.url}/oci/fx-{profile}", data=[tuple(f) for f in callup["fields"]])
    design_and_return(browser)
    _action, _target, fields, _charset = browser.returned_form()  # every field, in order
    for name, value in want["cart"]["hidden"]:
        assert (name, value) in fields
    (item,) = new_items(fields)
    assert item["UNIT"] == want["cart"]["unit"]
    assert item["VENDORMAT"] == "BC-STD-85x55"


#: Public samples of the reference pack, and the profile of the system that sent them.
SAMPLES = {
    "coupa": "coupa-compass-docs-2020.xml",
    "jaggaer": "kfs-to-sciquest-jaggaer-template.xml",
}


@pytest.mark.parametrize(("profile", "sample"), sorted(SAMPLES.items()))
def test_public_samples_work_with_their_profile(
    make_connector: Callable[..., LiveConnector], tmp_path: Path, profile: str, sample: str
) -> None:
    path = SHARED_CXML / "samples" / "PunchOutSetupRequest" / sample
    if not path.exists():
        pytest.skip(f"the cXML reference pack is not at {SHARED_CXML}")
    body = path.read_bytes()
    request = read_request(parse_xml(body, max_bytes=1_000_000))
    setup = request.body
    assert setup is not None and hasattr(setup, "browser_form_post")
    sender = request.header.sender_credentials
    credential = request.header.from_credentials[0]
    onboarding = {
        "protocol": "cxml",
        "domain": credential.domain,
        "identity": credential.identity,
        "secret": next(c.shared_secret for c in sender if c.shared_secret),
        "return_hosts": [urlsplit(setup.browser_form_post).hostname],
    }
    connector = onboard(make_connector, tmp_path, profile, onboarding)
    for _ in range(2):  # a repeat (JAGGAER's payloadID is always "irrelevant") opens too
        response = connector.post_cxml(body)
        assert status_of(response.content)[0] == 200, response.text
        assert Browser().get(start_url_of(response.content)).status_code == 200
