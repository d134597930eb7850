"""The error tree rendered once per protocol: a cXML Status on /cxml, a readable page elsewhere.

A real connector app (real Redis, the templates it ships) gets two extra routes that raise
the error named in the URL, one under /cxml and one not; every answer is checked for its
status, its text, the absence of a traceback, and the one log line the operator gets.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from flask import Flask, abort

from punchout.domain.buyers import RegistryError
from punchout.domain.identity import IdentityError
from punchout.domain.orders import Postponed, Refused, Uncertain
from punchout.domain.orders.errors import RETRY_LATER
from punchout.domain.pricebook import PriceBookError
from punchout.domain.setup_flow import SetupRefused
from punchout.errors import (
    MISCONFIGURED,
    UNEXPECTED_CXML,
    ConnectorError,
    Refusal,
    http_status_of,
)
from punchout.printnow import PrintNowError
from punchout.printnow.errors import NotFound, PrintNowTimeout, ServerError
from punchout.protocol.cxml.parse import MalformedDocument, PayloadTooLarge
from punchout.protocol.cxml.read import InvalidRequest
from punchout.web.app import create_app
from punchout.web.error_answers import StoreUnavailable
from punchout.web.multipart import AttachmentTooLarge, BadMultipart
from punchout.web.refusals import LoginRefused, TooManyFailedLogins
from tests.buyer_side import status_of
from tests.conftest import make_settings

#: A detail only the operator's log may carry.
DETAIL = "token=not-for-the-buyer"

RAISES: dict[str, Callable[[], BaseException]] = {
    "setup": lambda: SetupRefused(403, "The operation 'edit' is not enabled.", f"op {DETAIL}"),
    "identity": lambda: IdentityError("Ask the supplier to link your account.", DETAIL),
    "outage": lambda: ServerError(503, DETAIL, endpoint="GET /project"),
    "timeout": lambda: PrintNowTimeout(None, DETAIL),
    "misconfigured": lambda: NotFound(404, DETAIL, endpoint="GET /storefront/9"),
    "too-many": lambda: TooManyFailedLogins(7, f"from 10.0.0.1 {DETAIL}"),
    "login": lambda: LoginRefused(f"unknown credentials {DETAIL}"),
    "postponed": lambda: Postponed(DETAIL),
    "unexpected": lambda: RuntimeError(DETAIL),
    "redis": lambda: redis.exceptions.ConnectionError(DETAIL),
}


@pytest.fixture
def app(tmp_path: Path, redis_client: redis.Redis) -> Flask:
    connector_app = create_app(
        make_settings(tmp_path, printnow_url="http://127.0.0.1:9"), redis_client=redis_client
    )

    def raising(kind: str) -> str:
        if kind == "missing":
            abort(404)
        raise RAISES[kind]()

    connector_app.add_url_rule("/cxml/raise/<kind>", "cxml_raise", raising)
    connector_app.add_url_rule("/raise/<kind>", "page_raise", raising)
    return connector_app


@pytest.mark.parametrize(
    ("kind", "http", "code", "text"),
    [
        ("setup", 403, 403, "The operation 'edit' is not enabled."),
        ("identity", 409, 409, "Ask the supplier to link your account."),
        (
            "outage",
            503,
            503,
            "The print storefront is not answering right now; please try again in a few minutes.",
        ),
        ("misconfigured", 500, 500, MISCONFIGURED),
        ("too-many", 429, 429, "Too many failed logins; try again later."),
        ("login", 401, 401, "The credentials were not recognised."),
        ("postponed", 503, 560, RETRY_LATER),
        ("unexpected", 500, 500, UNEXPECTED_CXML),
        ("redis", 503, 560, StoreUnavailable.cxml_public_text),
        ("missing", 404, 404, "Not Found"),
    ],
)  # fmt: skip
def test_cxml_routes_answer_a_status_with_the_errors_code_and_text(
    app: Flask, kind: str, http: int, code: int, text: str
) -> None:
    response = app.test_client().get(f"/cxml/raise/{kind}")
    assert response.status_code == http
    assert response.content_type.startswith("text/xml")
    assert status_of(response.data) == (code, text)
    assert DETAIL.encode() not in response.data and b"Traceback" not in response.data


@pytest.mark.parametrize(
    ("kind", "status", "title", "text"),
    [
        ("setup", 403, "The punch-out could not start", "The operation 'edit' is not enabled."),
        ("identity", 409, "Your storefront account needs the supplier",
         "Ask the supplier to link your account."),
        ("outage", 503, "The storefront is unavailable",
         "The print storefront is not answering right now. Your designs are safe; please try "
         "again in a few minutes."),
        ("timeout", 503, "The storefront is unavailable", "Your designs are safe"),
        ("misconfigured", 502, "The storefront cannot be opened", MISCONFIGURED),
        ("too-many", 429, "Too many failed logins", "paused for a while"),
        ("login", 401, "Catalog login not accepted", "The catalog login was not accepted."),
        ("unexpected", 500, "Something went wrong", "The punch-out could not continue."),
        ("redis", 503, "Temporarily unavailable", "The punch-out service is briefly unavailable."),
        ("missing", 404, "Not Found", "There is nothing at this address."),
    ],
)  # fmt: skip
def test_other_routes_answer_a_readable_page(
    app: Flask, kind: str, status: int, title: str, text: str
) -> None:
    response = app.test_client().get(f"/raise/{kind}")
    assert response.status_code == status
    assert response.content_type.startswith("text/html")
    page = html.unescape(response.text)
    assert title in page and text in page
    assert response.headers["X-Request-ID"] in page  # the reference to quote to the supplier
    assert DETAIL not in page and "Traceback" not in page


def test_retry_after_is_said_in_both_protocols(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/cxml/raise/too-many").headers["Retry-After"] == "7"
    assert client.get("/raise/too-many").headers["Retry-After"] == "7"


def test_each_error_is_logged_once_with_its_detail(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="punchout")
    client = app.test_client()

    client.get("/raise/setup")
    (line,) = [r for r in caplog.records if r.name == "punchout.web.error_answers"]
    assert line.levelno == logging.WARNING  # the buyer's side: a refusal
    assert line.getMessage() == f"GET /raise/setup refused (403): op {DETAIL}"

    caplog.clear()
    client.get("/cxml/raise/misconfigured")
    (line,) = [r for r in caplog.records if r.name == "punchout.web.error_answers"]
    assert line.levelno == logging.ERROR  # the supplier's side
    assert f"PrintNow HTTP 404 on GET /storefront/9: {DETAIL}" in line.getMessage()

    caplog.clear()
    client.get("/cxml/raise/unexpected")
    (line,) = [r for r in caplog.records if r.name == "punchout.web.error_answers"]
    assert line.levelno == logging.ERROR and line.exc_info is not None  # the traceback: log only


def test_the_tree_holds_every_answered_error() -> None:
    answered = [
        SetupRefused, Refused, LoginRefused, TooManyFailedLogins, MalformedDocument,
        PayloadTooLarge, InvalidRequest, BadMultipart, AttachmentTooLarge,
    ]  # fmt: skip
    assert all(issubclass(kind, Refusal) for kind in answered)
    others = [IdentityError, Postponed, Uncertain, PrintNowError, RegistryError, PriceBookError]
    assert all(issubclass(kind, ConnectorError) for kind in others)
    # Parse errors stay ValueErrors for the callers that catch them as such.
    assert issubclass(MalformedDocument, ValueError) and issubclass(RegistryError, ValueError)


def test_texts_each_error_carries() -> None:
    refused = SetupRefused(400, "Send a return URL.", "buyer acme: no BrowserFormPost")
    assert (refused.status, refused.code, refused.http_status) == (400, 400, 400)
    assert (refused.buyer_text, refused.cxml_text) == ("Send a return URL.", "Send a return URL.")
    assert refused.log_text == refused.reason == "buyer acme: no BrowserFormPost"
    assert SetupRefused(403, "No.").reason == "No."  # the message, when no reason is given

    down = PrintNowTimeout(None, "read timed out")
    assert down.is_outage and (down.code, down.http_status, down.next_step) == (503, 503, "retry")
    assert "read timed out" in down.log_text and "read timed out" not in down.buyer_text
    wrong = NotFound(404, "no such storefront")
    assert not wrong.is_outage and (wrong.code, wrong.http_status) == (500, 502)
    assert wrong.buyer_text == wrong.cxml_text == MISCONFIGURED

    assert Postponed("Redis lock lost").log_text == "Redis lock lost"
    assert (Postponed("x").code, Postponed("x").http_status) == (560, 503)
    too_large = AttachmentTooLarge("the attachment Plan-A.PDF is 11 bytes; at most 10 are accepted")
    assert too_large.code == 413
    assert too_large.buyer_text == "The attachment Plan-A.PDF is 11 bytes; at most 10 are accepted."
    assert [http_status_of(c) for c in (200, 404, 560, 999)] == [200, 404, 503, 503]
