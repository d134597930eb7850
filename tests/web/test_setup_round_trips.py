"""What one cXML setup costs in Redis round trips, counted on the connector's own connections.

The connector is served over real HTTP on a real Redis, with the PrintNow sandbox as
PrintNow. Its Redis client is the test Redis's, through connections that note every write:
one write of a packed command or of a whole pipeline is one request to Redis and one wait
for its answer (redis-py's ``send_packed_command``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
import requests
from limits import parse_many

from punchout.domain.identity import ProcurementUser
from punchout.runtime.connector import Connector
from punchout.web.context import connector_of
from tests.buyer_side import BuyerIdentity, setup_request, start_url_of, status_of
from tests.support import OCI_PASSWORD
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox
BUYER = BuyerIdentity()
EMAIL = "jane.doe@buyer.example"  # the user of tests.buyer_side.setup_request
MOST_ROUND_TRIPS = 2

#: The name of each command in a packed RESP write: ``*<n>`` then ``$<len>`` then the name.
COMMAND_NAME = re.compile(rb"\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n")


class Writes:
    """The writes to Redis since the last :meth:`clear`, each as its commands' names."""

    def __init__(self) -> None:
        self.round_trips: list[list[str]] = []

    def note(self, command: bytes | str | list[Any]) -> None:
        chunks = [command] if isinstance(command, bytes | str) else command
        data = b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in chunks)
        self.round_trips.append([name.decode().upper() for name in COMMAND_NAME.findall(data)])

    def clear(self) -> None:
        self.round_trips.clear()


@pytest.fixture
def writes() -> Writes:
    return Writes()


@pytest.fixture
def redis_client(redis_client: redis.Redis, writes: Writes) -> Iterator[redis.Redis]:
    """The test Redis, its every write to the server noted in ``writes``."""
    pool = redis_client.connection_pool
    base = pool.connection_class

    def send_packed_command(self: Any, command: Any, check_health: bool = True) -> None:
        writes.note(command)
        base.send_packed_command(self, command, check_health)

    counting = type(
        "Counting" + base.__name__, (base,), {"send_packed_command": send_packed_command}
    )
    client = redis.Redis(
        connection_pool=redis.ConnectionPool(connection_class=counting, **pool.connection_kwargs)
    )
    yield client
    client.connection_pool.disconnect()


def returning_user(connector: LiveConnector) -> tuple[Connector, int]:
    """The connector, and the PrintNow account of the setups' user, provisioned beforehand:
    a returning user, whose setup logs in without creating anything."""
    c = connector_of(connector.app)
    buyer = c.registry.get("acme")
    assert buyer is not None
    user_id, _ = c.accounts.provision(buyer, ProcurementUser(key=EMAIL, email=EMAIL))
    return c, user_id


def test_a_returning_users_setup_and_its_resend_take_at_most_two_round_trips(
    connector: LiveConnector, writes: Writes
) -> None:
    c, user_id = returning_user(connector)
    # The first setup loads the scripts a fresh Redis does not have yet.
    assert status_of(connector.post_cxml(setup_request(BUYER, payload_id="warm")).content)[0] == 200

    body = setup_request(BUYER, payload_id="counted")
    writes.clear()
    response = connector.post_cxml(body)
    setup = list(writes.round_trips)
    assert status_of(response.content)[0] == 200
    assert len(setup) <= MOST_ROUND_TRIPS, setup
    # The failed-login limiter's windows, the resend record, the account and its record, all
    # before the secret is checked; then the session with its start token and resend note.
    limits = len(parse_many(c.settings.auth_failure_limits))
    assert sorted(setup[0]) == sorted(["EVALSHA"] * limits + ["GET", "EVALSHA"]), setup
    assert sorted(name for names in setup for name in names) == sorted(
        ["EVALSHA"] * limits + ["GET", "EVALSHA", "SET", "SET", "SET"]
    ), setup

    writes.clear()
    resent = connector.post_cxml(body)  # the same document: the same session, a new link
    assert len(writes.round_trips) <= MOST_ROUND_TRIPS, writes.round_trips
    assert start_url_of(resent.content) != start_url_of(response.content)

    token = urlsplit(start_url_of(response.content)).path.rsplit("/", 1)[1]
    session_id = c.sessions.redeem_start_token(token)
    session = c.sessions.load(session_id or "")
    assert session is not None and session.customer_id == user_id  # the provisioned account


def test_a_setup_on_a_redis_that_forgot_its_scripts_reads_the_account_again(
    connector: LiveConnector, redis_client: redis.Redis, writes: Writes
) -> None:
    c, user_id = returning_user(connector)
    assert status_of(connector.post_cxml(setup_request(BUYER, payload_id="warm")).content)[0] == 200
    redis_client.script_flush()  # a restarted Redis: the queued EVALSHAs are refused

    writes.clear()
    response = connector.post_cxml(setup_request(BUYER, payload_id="after-restart"))
    assert status_of(response.content)[0] == 200
    # The directory's read is sent again with its script whole, and no account is made anew.
    assert ["EVAL"] in writes.round_trips, writes.round_trips
    token = urlsplit(start_url_of(response.content)).path.rsplit("/", 1)[1]
    session = c.sessions.load(c.sessions.redeem_start_token(token) or "")
    assert session is not None and session.customer_id == user_id
    assert not session.is_temp


def test_a_returning_users_oci_login_takes_at_most_two_round_trips(
    connector: LiveConnector, writes: Writes
) -> None:
    c, user_id = returning_user(connector)
    callup = {
        "USERNAME": "ACME-SAP",
        "PASSWORD": OCI_PASSWORD,
        "HOOK_URL": "http://127.0.0.1:9/sap/bc/srm/hook",
        "USER_EMAIL": EMAIL,
    }

    def login() -> requests.Response:
        return requests.post(
            f"{connector.url}/oci/acme", data=callup, allow_redirects=False, timeout=30
        )

    assert login().status_code == 303  # loads the scripts a fresh Redis does not have yet
    writes.clear()
    response = login()
    assert response.status_code == 303
    limits = len(parse_many(c.settings.auth_failure_limits))
    # The limiter's windows and the account with its record; then the session and its token.
    assert [sorted(names) for names in writes.round_trips] == [
        sorted(["EVALSHA"] * limits + ["EVALSHA"]),
        ["SET", "SET"],
    ], writes.round_trips
    token = urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1]
    session = c.sessions.load(c.sessions.redeem_start_token(token) or "")
    assert session is not None and session.customer_id == user_id


def test_a_cart_return_reads_its_session_and_writes_offers_and_its_end_in_one_transaction(
    connector: LiveConnector, writes: Writes
) -> None:
    from tests.buyer_side import Browser

    returning_user(connector)  # a returning user
    response = connector.post_cxml(setup_request(BUYER, payload_id="cart-return"))
    assert status_of(response.content)[0] == 200
    browser = Browser()
    browser.get(start_url_of(response.content))
    browser.design(name_on_card="Jane Doe")
    browser.get(browser.storefront_return_url())
    writes.clear()
    browser.submit_cart("return")
    returned = list(writes.round_trips)
    assert len(browser.returned_cart().items) == 1
    # The session read (and its idle time renewed), then the line's offer and the session's
    # end together: one MULTI/EXEC, so a cart is never sent with its offers unsaved.
    assert len(returned) == 2, returned
    assert returned[1][0] == "MULTI" and returned[1][-1] == "EXEC", returned
    assert "DEL" in returned[1] and "EVAL" in returned[1], returned
