"""What counts as delivered, and the periodic poll scheduled once however many ask."""

from __future__ import annotations

import pytest
from rq.registry import ScheduledJobRegistry

from punchout.domain.backchannel.delivery import read_answer
from punchout.domain.backchannel.queue import Backchannel, periodic_poll
from punchout.protocol.cxml import build
from tests.domain.orders.conftest import World


@pytest.mark.parametrize(
    ("http", "body", "ok", "error"),
    [
        (200, build.response(200), True, ""),
        (200, build.response(201), True, ""),
        (201, build.response(204), True, ""),
        (200, build.response(400, "no such PO"), False, "cXML Status 400 (Bad Request no such PO)"),
        (200, b"<html>ok</html>", False, "HTTP 200 without a cXML Status"),
        (200, b"", False, "HTTP 200 without a cXML Response"),
        (500, build.response(500, "down"), False, "HTTP 500 (Internal Server Error down)"),
        (302, b"", False, "HTTP 302"),
    ],
)
def test_only_2xx_with_a_cxml_success_status_is_delivered(
    http: int, body: bytes, ok: bool, error: str
) -> None:
    answer = read_answer(http, body)
    assert (answer.ok, answer.error) == (ok, error)


def test_the_periodic_poll_is_scheduled_once_per_time_slot(world: World) -> None:
    first, second = Backchannel(world.c), Backchannel(world.c)
    first.schedule_next_poll()
    second.schedule_next_poll()  # another worker starting at the same time
    registry = ScheduledJobRegistry(queue=first.polls)
    jobs = [first.polls.fetch_job(job_id) for job_id in registry.get_job_ids()]
    assert [job.func for job in jobs if job is not None] == [periodic_poll]
