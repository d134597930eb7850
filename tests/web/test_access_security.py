"""Access, credentials and sessions under attack: over real HTTP, a real Redis, the sandbox.

Each test plays what an attacker (or a curious colleague) sent, and checks the connector's
answer and what it did, not only its status code.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from punchout.domain import keys
from tests.buyer_side import Browser, BuyerIdentity, setup_request, start_url_of, status_of
from tests.support import BUYER_SECRET, OCI_PASSWORD
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()
JANE, BOB = "jane.doe@buyer.example", "bob.roe@buyer.example"
HOOK = "http://127.0.0.1:9/sap/hook"


def punch_out(connector: LiveConnector, email: str = JANE, **kwargs: object) -> Browser:
    payload = f"{email}.{kwargs.get('operation', 'create')}.{id(kwargs)}@buyer.example"
    body = setup_request(BUYER, email=email, payload_id=payload, **kwargs)  # type: ignore[arg-type]
    response = connector.post_cxml(body)
    assert status_of(response.content)[0] == 200, response.text
    browser = Browser()
    browser.get(start_url_of(response.content))
    return browser


def design_and_return(browser: Browser) -> dict[str, object]:
    browser.design(name_on_card="Jane Doe")
    browser.get(browser.storefront_return_url())
    browser.submit_cart("return")
    (item,) = browser.returned_cart().items
    return item


def storefront_token(browser: Browser) -> str:
    assert browser.last is not None
    return parse_qs(urlsplit(browser.last.url).query)["token"][0]


def oci_callup(**extra: str) -> dict[str, str]:
    return {"USERNAME": "ACME-SAP", "PASSWORD": OCI_PASSWORD, "HOOK_URL": HOOK, **extra}


# ------------------------------------------------------------- 3: a colleague's account


def test_a_colleagues_reference_does_not_log_the_requester_in_as_the_colleague(
    connector: LiveConnector,
) -> None:
    item = design_and_return(punch_out(connector, JANE))
    reference = str(item["aux"])
    line = [(str(item["part"]), reference, "1")]
    body = setup_request(BUYER, email=BOB, operation="edit", items=line, payload_id="bob.edit")
    live_sessions = connector.sandbox_state()["sessions"]
    response = connector.post_cxml(body)
    code, text = status_of(response.content)
    assert code == 403 and "another user" in text
    body = setup_request(BUYER, email=BOB, operation="inspect", items=line, payload_id="bob.i")
    assert status_of(connector.post_cxml(body).content)[0] == 403
    assert connector.sandbox_state()["sessions"] == live_sessions  # nobody was logged in
    # The owner reopens her own line as before.
    own = setup_request(BUYER, email=JANE, operation="edit", items=line, payload_id="jane.edit")
    assert status_of(connector.post_cxml(own).content)[0] == 200
    # A shared buyer shares its one account on purpose: a colleague may reopen the line.
    connector.set_buyer(user_policy="shared")
    shared_item = design_and_return(punch_out(connector, "carol@buyer.example"))
    shared_line = [(str(shared_item["part"]), str(shared_item["aux"]), "1")]
    body = setup_request(BUYER, email=BOB, operation="edit", items=shared_line, payload_id="s")
    assert status_of(connector.post_cxml(body).content)[0] == 200


def test_oci_detail_shows_a_design_to_its_owner_only(connector: LiveConnector) -> None:
    browser = Browser()
    browser.post(f"{connector.url}/oci/acme", data=oci_callup(USER_EMAIL=JANE))
    browser.design(name_on_card="Jane Secret-Design")
    browser.get(browser.storefront_return_url())
    browser.submit_cart("return")
    _, _, fields, _ = browser.returned_form()
    reference = dict(fields)["NEW_ITEM-EXT_PRODUCT_ID[1]"]

    def detail(email: str) -> str:
        query = urlencode(oci_callup(FUNCTION="DETAIL", PRODUCTID=reference, USER_EMAIL=email))
        page = Browser().get(f"{connector.url}/oci/acme?{query}")
        assert page.status_code == 200
        return page.text

    if connector.sandbox.documented:
        # PIPO documents no personalisation fields: the owner is told so, nobody else is.
        assert 'id="design-not-reported"' in detail(JANE)
        assert 'id="design-not-reported"' not in detail(BOB)
        return
    assert "Jane Secret-Design" in detail(JANE)
    other = detail(BOB)
    assert "Jane Secret-Design" not in other and "Business cards" in other


# ------------------------------------------------------------------ 5: the OCI password


def test_the_cxml_secret_and_the_oci_password_are_not_interchangeable(
    connector: LiveConnector,
) -> None:
    refused = Browser().post(
        f"{connector.url}/oci/acme", data=oci_callup(PASSWORD=BUYER_SECRET, USER_EMAIL=JANE)
    )
    assert refused.status_code == 401
    body = setup_request(BUYER, secret=OCI_PASSWORD, payload_id="oci-as-cxml")
    assert status_of(connector.post_cxml(body).content)[0] == 401
    accepted = Browser().post(f"{connector.url}/oci/acme", data=oci_callup(USER_EMAIL=JANE))
    assert accepted.status_code == 200


def test_passwords_never_reach_a_log_line(
    connector: LiveConnector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    renamed = "KENNWORT"
    connector.set_buyer(oci={"password_field": renamed})
    query = urlencode({**oci_callup(USER_EMAIL=JANE), renamed: "renamed-SECRET-7"})
    query += "&PASSWORD=" + OCI_PASSWORD
    Browser().get(f"{connector.url}/oci/acme?{query}")
    Browser().get(f"{connector.url}/oci/acme?USERNAME=x&password={OCI_PASSWORD}&HOOK_URL=x")
    access_lines = [r.getMessage() for r in caplog.records if "/oci/acme" in r.getMessage()]
    assert len(access_lines) >= 2  # the access log did print the request lines
    assert OCI_PASSWORD not in caplog.text and "renamed-SECRET-7" not in caplog.text
    assert f"{renamed}=[redacted]" in caplog.text and "PASSWORD=[redacted]" in caplog.text


# ------------------------------------------------------------------------ 8: timing


def test_unknown_and_known_identities_cost_the_same_scrypt_work(
    connector: LiveConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = keys._scrypt

    def counting(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        calls.append(f"{n}/{r}/{p}")
        return real(secret, salt, n, r, p)

    monkeypatch.setattr(keys, "_scrypt", counting)
    spent = {}
    for name, identity in (("unknown", BuyerIdentity(identity="AN-NOBODY")), ("known", BUYER)):
        calls.clear()
        body = setup_request(identity, secret="wrong-secret", payload_id=name)
        assert status_of(connector.post_cxml(body).content)[0] == 401
        spent[name] = list(calls)
    assert spent["unknown"] == spent["known"] == [f"{keys.SCRYPT_N}/{keys.SCRYPT_R}/1"]


# --------------------------------------------------------------------- rate limiting


def test_failed_logins_are_rate_limited_per_credential_and_address(
    make_connector: object,
) -> None:
    connector: LiveConnector = make_connector(auth_failure_limits="3/minute")  # type: ignore[operator]
    for n in range(3):
        body = setup_request(BUYER, secret="guess", payload_id=f"guess-{n}")
        assert status_of(connector.post_cxml(body).content)[0] == 401
    blocked = connector.post_cxml(setup_request(BUYER, payload_id="right-but-blocked"))
    assert blocked.status_code == 429 and status_of(blocked.content)[0] == 429
    assert int(blocked.headers["Retry-After"]) > 0
    # Another credential from the same address is not affected.
    other = setup_request(BuyerIdentity(identity="AN-OTHER"), secret="x", payload_id="other")
    assert status_of(connector.post_cxml(other).content)[0] == 401
    # OCI: a readable page, counted separately.
    for _ in range(3):
        wrong = Browser().post(f"{connector.url}/oci/acme", data=oci_callup(PASSWORD="guess"))
        assert wrong.status_code == 401
    page = Browser().post(f"{connector.url}/oci/acme", data=oci_callup(USER_EMAIL=JANE))
    assert page.status_code == 429 and "too many" in page.text.lower()
    assert "<html" in page.text.lower()


# ------------------------------------------------------------ 10: tokens and pages


def test_every_connector_page_is_no_store_and_framed_only_by_return_hosts(
    connector: LiveConnector,
) -> None:
    browser = punch_out(connector)
    cart = browser.get(browser.storefront_return_url())
    answers = [
        cart,
        connector.post_cxml(setup_request(BUYER, payload_id="headers")),
        Browser().get(f"{connector.url}/start/not-a-token"),
        Browser().post(f"{connector.url}/oci/acme", data=oci_callup(PASSWORD="x")),
        Browser().get(f"{connector.url}/nowhere"),
    ]
    for answer in answers:
        assert answer.headers["Cache-Control"] == "no-store", answer.url
        policy = answer.headers["Content-Security-Policy"]
        assert policy.startswith("frame-ancestors "), answer.url
        sources = set(policy.removeprefix("frame-ancestors ").split())
        assert sources == {"https://buyer.example:*", "https://127.0.0.1:*", "http://127.0.0.1:*"}
        assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_the_pipo_token_stops_working_when_the_cart_is_returned(
    connector: LiveConnector,
) -> None:
    browser = punch_out(connector)
    token = storefront_token(browser)
    assert connector.client.is_logged_in(token)
    design_and_return(browser)
    assert not connector.client.is_logged_in(token)


def test_disabling_a_buyer_ends_its_sessions(connector: LiveConnector) -> None:
    browser = punch_out(connector)
    browser.design(name_on_card="Jane Doe")
    token = storefront_token(browser)
    cart = browser.get(browser.storefront_return_url())
    assert cart.status_code == 200
    url, hidden, checked = browser.cart_form()
    connector.set_buyer(enabled=False)
    returned = browser.post(url, [*hidden.items(), ("action", "return"), ("project", checked[0])])
    assert returned.status_code == 403
    assert "switched off" in returned.text and "cart-form" not in returned.text
    assert not connector.client.is_logged_in(token)
    connector.set_buyer(enabled=True)
    again = browser.get(url)
    assert again.status_code == 410  # the session ended; it does not come back


def test_behind_a_proxy_the_limit_counts_the_forwarded_client_address(
    make_connector: object,
) -> None:
    connector: LiveConnector = make_connector(auth_failure_limits="2/minute", proxy_hops=1)  # type: ignore[operator]

    def attempt(address: str, n: int) -> int:
        body = setup_request(BUYER, secret="guess", payload_id=f"{address}-{n}")
        headers = {"Content-Type": "text/xml", "X-Forwarded-For": address}
        return requests.post(
            connector.url + "/cxml", data=body, headers=headers, timeout=30
        ).status_code

    assert [attempt("203.0.113.7", n) for n in range(3)] == [401, 401, 429]
    assert attempt("198.51.100.9", 0) == 401  # another client behind the same proxy
