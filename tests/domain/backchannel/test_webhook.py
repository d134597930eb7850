"""``POST /printnow/webhook``: only a signed body is taken, and only to choose what to poll."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable

import pytest

from punchout.domain.backchannel.queue import Backchannel, poll_all, poll_order
from punchout.web.printnow_webhook import order_id_in
from tests.domain.orders.conftest import World

SECRET = "webhook-SECRET-654"


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-PrintNow-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def queued(world: World) -> list[tuple[object, tuple[object, ...]]]:
    polls = Backchannel(world.c).polls
    return [(job.func, tuple(job.args)) for job in polls.jobs]


@pytest.fixture
def hooked(make_world: Callable[..., World]) -> World:
    return make_world(printnow_webhook_secret=SECRET)


def test_a_signed_webhook_queues_a_poll_of_the_order_it_names_and_nothing_else(
    hooked: World,
) -> None:
    body = json.dumps(
        {"event": "order_updated", "order_id": 5001, "status": "Order Shipped", "items": [1]}
    ).encode()
    answer = hooked.app.test_client().post("/printnow/webhook", data=body, headers=signed(body))
    assert answer.status_code == 202 and answer.json == {"queued": "order 5001"}
    assert queued(hooked) == [(poll_order, (5001,))]


def test_a_signed_webhook_without_a_readable_order_polls_every_open_order(hooked: World) -> None:
    body = b'{"event": "order_updated", "order": {"number": "X-1"}}'
    answer = hooked.app.test_client().post("/printnow/webhook", data=body, headers=signed(body))
    assert answer.status_code == 202 and queued(hooked) == [(poll_all, ())]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-PrintNow-Signature": "sha256=" + "0" * 64},
        {"X-PrintNow-Signature": SECRET},
        signed(b'{"order_id": 1}', "another-secret"),
        signed(b'{"order_id": 9}'),  # signed for another body
    ],
    ids=["missing", "wrong", "the-secret-itself", "other-secret", "other-body"],
)
def test_an_unsigned_or_badly_signed_webhook_gets_401_and_queues_nothing(
    hooked: World, headers: dict[str, str]
) -> None:
    body = b'{"order_id": 1}'
    answer = hooked.app.test_client().post("/printnow/webhook", data=body, headers=headers)
    assert answer.status_code == 401 and queued(hooked) == []


def test_without_a_configured_secret_every_webhook_is_refused(world: World) -> None:
    body = b'{"order_id": 1}'
    answer = world.app.test_client().post("/printnow/webhook", data=body, headers=signed(body))
    assert answer.status_code == 403 and queued(world) == []


def test_the_shared_secret_mode_compares_the_header_with_the_secret(
    make_world: Callable[..., World],
) -> None:
    world = make_world(
        printnow_webhook_secret=SECRET,
        printnow_webhook_auth="secret",
        printnow_webhook_header="X-Webhook-Secret",
    )
    client = world.app.test_client()
    body = b'{"id": "42"}'
    assert (
        client.post("/printnow/webhook", data=body, headers={"X-Webhook-Secret": "no"}).status_code
        == 401
    )
    answer = client.post("/printnow/webhook", data=body, headers={"X-Webhook-Secret": SECRET})
    assert answer.status_code == 202 and queued(world) == [(poll_order, (42,))]


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b'{"order_id": 7}', 7),
        (b'{"orderId": "8"}', 8),
        (b'{"data": {"id": 9}}', 9),
        (b'{"order_id": true}', None),
        (b'{"order_id": -3}', None),
        (b'{"order_id": "1e9"}', None),
        (b'{"order_id": "99999999999999999999"}', None),
        (b"[1, 2]", None),
        (b"not json", None),
        (b"\xff\xfe", None),
    ],
)
def test_only_a_plain_positive_order_id_is_read_from_the_body(
    body: bytes, found: int | None
) -> None:
    assert order_id_in(body) == found
