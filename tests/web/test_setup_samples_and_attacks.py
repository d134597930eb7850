"""Public buyer documents end to end, the attack corpus at the endpoint, and stale cookies."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from punchout.protocol.cxml.parse import parse_xml
from punchout.protocol.cxml.read import read_request
from tests.buyer_side import Browser, BuyerIdentity, setup_request, start_url_of, status_of
from tests.protocol.cxml.test_parse import ATTACKS
from tests.support import corpus_valid_samples, fixture_documents
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox


@pytest.mark.parametrize(
    "path", fixture_documents("setup-") + corpus_valid_samples("PunchOutSetupRequest")
)
def test_each_dtd_valid_sample_is_accepted_with_its_own_credentials(
    connector: LiveConnector, path: Path
) -> None:
    body = path.read_bytes()
    request = read_request(parse_xml(body, max_bytes=1_000_000))
    setup = request.body
    assert setup is not None and hasattr(setup, "browser_form_post")
    sender = request.header.sender_credentials
    secret = next((c.shared_secret for c in sender if c.shared_secret), "")
    host = urlsplit(setup.browser_form_post).hostname or "buyer.example"
    names_a_user = bool(setup.contact_email or setup.contact_name) or any(
        name in setup.extrinsics for name in ("UserEmail", "UniqueName", "User")
    )
    connector.set_buyer(
        # A buyer whose system names no user is onboarded with one shared account.
        user_policy="per_user" if names_a_user else "shared",
        credentials=tuple((c.domain, c.identity) for c in request.header.from_credentials),
        secret=secret,
        return_hosts=[host],
        allow_http_return=True,
    )
    response = connector.post_cxml(body)
    code, text = status_of(response.content)
    if setup.items and setup.operation == "edit":
        # Its lines carry another supplier's SupplierPartAuxiliaryID: refused, naming the line.
        assert code == 400 and "Line 1" in text
        return
    if not setup.browser_form_post:
        assert code == 400 and "return URL" in text
        return
    assert code == 200, text
    browser = Browser()
    page = browser.get(start_url_of(response.content))
    assert page.status_code == 200 and "/storefront/1" in page.url


QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY a "' + b"x" * 50_000 + b'">]><cXML>'
    + b"&a;" * 5_000 + b"</cXML>"
)  # fmt: skip
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE cXML SYSTEM "http://127.0.0.1:9/evil.dtd"><cXML/>'


@pytest.mark.parametrize(
    "body",
    [*ATTACKS.values(), QUADRATIC, EXTERNAL_DTD, b"<cXML>" + b"x" * 3_000_000 + b"</cXML>"],
    ids=[*ATTACKS, "quadratic blow-up", "external DTD", "oversized"],
)
def test_attack_corpus_gets_a_cxml_4xx(connector: LiveConnector, body: bytes) -> None:
    response = connector.post_cxml(body)
    assert 400 <= response.status_code < 500
    code, _ = status_of(response.content)
    assert 400 <= code < 500


def test_a_stale_cookie_does_not_break_the_next_punch_out(connector: LiveConnector) -> None:
    buyer = BuyerIdentity()
    browser = Browser()
    first = connector.post_cxml(setup_request(buyer, payload_id="s1"))
    browser.get(start_url_of(first.content))
    browser.design()
    browser.get(browser.storefront_return_url())
    browser.submit_cart("cancel")  # session ended; its id stays in the cookie
    for n in range(7):  # more punch-outs than the cookie remembers
        answer = connector.post_cxml(setup_request(buyer, payload_id=f"s2-{n}", cookie=f"c{n}"))
        browser.get(start_url_of(answer.content))
    browser.get(browser.storefront_return_url())
    assert browser.last is not None and browser.last.status_code == 200
    browser.submit_cart("return-empty")  # nothing ticked: returned empty on purpose
    assert browser.returned_cart().buyer_cookie == "c6"
    tampered = Browser(cookies={"punchout_sessions": "garbage"})
    answer = connector.post_cxml(setup_request(buyer, payload_id="s3", cookie="c7"))
    page = tampered.get(start_url_of(answer.content))
    assert page.status_code == 200
