"""The cXML endpoint's answers: every one a well-formed cXML Response with a Status."""

from __future__ import annotations

import logging

import pytest
import requests

from punchout.web.context import connector_of
from tests.buyer_side import Browser, BuyerIdentity, setup_request, start_url_of, status_of
from tests.support import BUYER_SECRET, corpus_samples, fixture_documents
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()


@pytest.mark.parametrize(
    "secret",
    ["bad-SECRET-9", "none", "", BUYER_SECRET.upper()],
    ids=["wrong", "none", "empty", "case"],
)
def test_wrong_or_missing_secret_is_401_without_saying_which_part(
    connector: LiveConnector, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = connector.post_cxml(setup_request(BUYER, secret=secret))
    assert response.status_code == 401
    assert status_of(response.content) == (401, "The credentials were not recognised.")
    assert BUYER_SECRET not in caplog.text
    if secret != "none":
        assert not secret or secret not in caplog.text


def test_unknown_credentials_get_the_same_401(connector: LiveConnector) -> None:
    stranger = BuyerIdentity(identity="AN09999999999")
    response = connector.post_cxml(setup_request(stranger))
    assert status_of(response.content) == (401, "The credentials were not recognised.")


def test_credential_domain_matches_in_any_case(connector: LiveConnector) -> None:
    response = connector.post_cxml(setup_request(BuyerIdentity(domain="networkid")))
    assert status_of(response.content)[0] == 200


def test_a_disabled_buyer_is_refused(connector: LiveConnector) -> None:
    connector.set_buyer(enabled=False)
    assert status_of(connector.post_cxml(setup_request(BUYER)).content)[0] == 401


def test_return_host_not_allowed_is_403(connector: LiveConnector) -> None:
    body = setup_request(BUYER, return_url="https://evil.example/steal")
    response = connector.post_cxml(body)
    code, text = status_of(response.content)
    assert (response.status_code, code) == (403, 403)
    assert "return URL" in text


def test_operation_not_enabled_is_403(connector: LiveConnector) -> None:
    connector.set_buyer(operations=["create"])
    response = connector.post_cxml(setup_request(BUYER, operation="edit", items=[]))
    assert status_of(response.content)[0] == 403


def test_a_request_without_a_user_is_400_saying_what_to_send(connector: LiveConnector) -> None:
    body = setup_request(BUYER, email="", extrinsics={"FirstName": "", "LastName": ""})
    body = body.replace(b"<Email></Email>", b"").replace(
        b'<Name xml:lang="en-US">Jane Doe</Name>', b""
    )
    code, text = status_of(connector.post_cxml(body).content)
    assert code == 400 and "UserEmail" in text


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"", 400, "empty"),
        (b"<cXML><Header>", 400, "not well-formed"),
        (b"<Invoice/>", 400, "root element"),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><cXML>&e;</cXML>',
            400,
            "entities",
        ),
    ],
)
def test_bad_bodies_get_a_cxml_status_naming_the_problem(
    connector: LiveConnector, body: bytes, code: int, words: str
) -> None:
    response = connector.post_cxml(body)
    assert response.status_code == code
    assert response.headers["Content-Type"].startswith("text/xml")
    got, text = status_of(response.content)
    assert got == code and words in text


def test_an_oversized_body_is_413_as_cxml(make_connector) -> None:  # type: ignore[no-untyped-def]
    connector = make_connector(max_body_bytes=10_000)
    response = connector.post_cxml(setup_request(BUYER) + b"<!--" + b"x" * 20_000 + b"-->")
    assert response.status_code == 413
    assert status_of(response.content)[0] == 413


def test_get_is_405_as_cxml(connector: LiveConnector) -> None:
    response = requests.get(connector.url + "/cxml", timeout=10)
    assert response.status_code == 405
    assert status_of(response.content)[0] == 405


def test_profile_request_lists_transactions(connector: LiveConnector) -> None:
    body = (
        setup_request(BUYER).split(b"<Request")[0] + b"<Request><ProfileRequest/></Request></cXML>"
    )
    response = connector.post_cxml(body)
    assert status_of(response.content)[0] == 200
    assert b'requestName="PunchOutSetupRequest"' in response.content
    assert (connector.url + "/cxml").encode() in response.content


def test_unsupported_request_is_501(connector: LiveConnector) -> None:
    body = setup_request(BUYER).split(b"<Request")[0] + (
        b"<Request><StatusUpdateRequest><Status code='200' text='OK'/></StatusUpdateRequest>"
        b"</Request></cXML>"
    )
    code, text = status_of(connector.post_cxml(body).content)
    assert code == 501 and "StatusUpdateRequest" in text


def test_a_resent_setup_reopens_its_session_with_a_fresh_start_page(
    connector: LiveConnector,
) -> None:
    body = setup_request(BUYER, payload_id="retry-1")
    first = start_url_of(connector.post_cxml(body).content)
    opened = Browser()
    assert opened.get(first).status_code == 200  # the first StartPage is used up
    second = start_url_of(connector.post_cxml(body).content)
    assert second != first
    again = Browser()
    assert again.get(second).status_code == 200
    assert again.storefront_return_url() == opened.storefront_return_url()  # same session
    assert Browser().get(first).status_code == 410


def test_setups_reusing_a_payload_id_each_get_a_start_page_that_opens(
    connector: LiveConnector,
) -> None:
    # Jaggaer sends the payloadID "irrelevant" on every setup; test tools a fixed one.
    browsers = []
    for cookie in ("first", "second", "third"):
        body = setup_request(BUYER, payload_id="irrelevant", cookie=cookie)
        response = connector.post_cxml(body)
        assert status_of(response.content)[0] == 200
        browser = Browser()
        assert browser.get(start_url_of(response.content)).status_code == 200
        browsers.append(browser)
    sessions = {browser.storefront_return_url() for browser in browsers}
    assert len(sessions) == 3  # each a punch-out of its own


def test_printnow_down_during_setup_is_503_and_retryable(connector: LiveConnector) -> None:
    connector.sandbox.fault("pipo_user_createtemp", mode="error", status=500, times=1)
    failed = connector.post_cxml(setup_request(BUYER, payload_id="down-1"))
    assert failed.status_code == 503
    assert "try again" in status_of(failed.content)[1]
    retried = connector.post_cxml(setup_request(BUYER, payload_id="down-1"))
    assert status_of(retried.content)[0] == 200


@pytest.mark.parametrize(
    "path", fixture_documents("setup-") + corpus_samples("PunchOutSetupRequest")
)
def test_unregistered_buyers_setups_are_answered_401(
    connector: LiveConnector, path: object
) -> None:
    response = connector.post_cxml(path.read_bytes())  # type: ignore[attr-defined]
    code, _ = status_of(response.content)
    assert code == 401  # well read, but these buyers are not registered here


def test_an_unsupported_operation_is_501_naming_it(connector: LiveConnector) -> None:
    response = connector.post_cxml(setup_request(BUYER, operation="source"))
    assert status_of(response.content) == (501, "The operation 'source' is not supported.")


def test_a_shared_buyer_needs_no_user_in_the_request(connector: LiveConnector) -> None:
    body = setup_request(BUYER, email="", extrinsics={"FirstName": "", "LastName": ""})
    body = body.replace(b"<Email></Email>", b"").replace(
        b'<Name xml:lang="en-US">Jane Doe</Name>', b""
    )
    assert status_of(connector.post_cxml(body).content)[0] == 400  # per_user: names no user
    connector.set_buyer(user_policy="shared")
    response = connector.post_cxml(body.replace(b"1.setup@", b"2.setup@"))
    assert status_of(response.content)[0] == 200


def test_a_setup_without_payload_id_is_answered_and_not_kept(connector: LiveConnector) -> None:
    response = connector.post_cxml(setup_request(BUYER, payload_id=""))
    assert status_of(response.content)[0] == 200
    store = connector_of(connector.app).store
    assert store.keys("replay", "acme") == []


def test_an_unreadable_resend_record_is_treated_as_a_new_setup(connector: LiveConnector) -> None:
    first = connector.post_cxml(setup_request(BUYER, payload_id="resend-1"))
    store = connector_of(connector.app).store
    key = store.key("resend", "acme", "resend-1")
    assert isinstance(store.get(key), dict)
    store.put(key, {"body": "x"}, 60)  # no session: unreadable
    again = connector.post_cxml(setup_request(BUYER, payload_id="resend-1"))
    assert status_of(again.content)[0] == 200
    assert start_url_of(again.content) != start_url_of(first.content)  # a new StartPage


def test_a_resend_after_its_session_ended_is_a_new_punch_out(connector: LiveConnector) -> None:
    first = connector.post_cxml(setup_request(BUYER, payload_id="resend-2"))
    c = connector_of(connector.app)
    record = c.store.get(c.store.key("resend", "acme", "resend-2"))
    c.sessions.end(record["session"])  # e.g. the cart went back, or it timed out
    again = connector.post_cxml(setup_request(BUYER, payload_id="resend-2"))
    assert status_of(again.content)[0] == 200
    assert start_url_of(again.content) != start_url_of(first.content)
    reopened = c.store.get(c.store.key("resend", "acme", "resend-2"))
    assert reopened["session"] != record["session"]  # a new session, not the ended one
