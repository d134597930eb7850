"""Delivery by a real `punchout worker` process: retries with backoff until the buyer
answers 2xx, exactly once; dead letters after the last attempt, shown and redriven by the
`punchout documents` commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from punchout.domain.backchannel.records import DocumentRecord
from punchout.protocol.cxml.parse import parse_xml
from punchout.runtime.connector import Connector
from tests.cli.runner import PunchoutRunner
from tests.domain.backchannel.conftest import (
    DOCUMENT_SECRET,
    Receiver,
    WorkerProcess,
    backchannel,
    documents_table,
    place_order,
    wait_until,
)
from tests.domain.backchannel.dtd import assert_dtd_valid
from tests.domain.orders.conftest import World

pytestmark = pytest.mark.sandbox


def only_document(world: World) -> DocumentRecord:
    records = list(backchannel(world).book.all())
    assert len(records) == 1, records
    return records[0]


def test_a_document_refused_twice_is_delivered_once_on_the_third_attempt(
    doc_world: Callable[..., World],
    receiver: Receiver,
    start_worker: Callable[[Connector], WorkerProcess],
) -> None:
    world = doc_world(kinds=["confirm"])
    place_order(world)
    receiver.fail_next = 2
    assert backchannel(world).poller().poll_all() == 1
    record = only_document(world)
    assert record.state == "queued" and record.attempts == 0
    worker = start_worker(world.c)
    book = backchannel(world).book
    wait_until(lambda: book.get(record.id).state == "delivered", worker, "the delivery")  # type: ignore[union-attr]
    delivered = book.get(record.id)
    assert delivered is not None and delivered.attempts == 3 and delivered.last_error == ""
    assert [code for _, code in receiver.posts] == [500, 500, 200]
    bodies = {body for body, _ in receiver.posts}
    assert len(bodies) == 1  # the same document each time: built once
    sent = parse_xml(receiver.accepted()[0], max_bytes=1_000_000)
    assert sent.get("payloadID") == record.payload_id
    assert sent.findtext("Header/Sender/Credential/SharedSecret") == DOCUMENT_SECRET
    assert_dtd_valid(receiver.accepted()[0])
    # Seen again (a poll, a webhook): nothing new is made, nothing is sent again.
    assert backchannel(world).poller().poll_all() == 0
    backchannel(world).send(record.id)
    wait_until(lambda: not backchannel(world).documents.count, worker, "the queue to empty")
    assert len(receiver.posts) == 3
    stored = book.xml(record.id)
    assert DOCUMENT_SECRET.encode() not in stored and b"SharedSecret" not in stored


def test_a_document_failing_every_attempt_is_dead_lettered_and_redriven_by_the_cli(
    doc_world: Callable[..., World],
    receiver: Receiver,
    start_worker: Callable[[Connector], WorkerProcess],
) -> None:
    world = doc_world(kinds=["confirm"])
    place_order(world, "PO-DEAD")
    receiver.fail_next = 3
    backchannel(world).poller().poll_all()
    record = only_document(world)
    worker = start_worker(world.c)
    book = backchannel(world).book
    wait_until(lambda: book.get(record.id).state == "dead", worker, "the dead letter")  # type: ignore[union-attr]
    dead = book.get(record.id)
    assert dead is not None and dead.attempts == 3
    assert dead.last_error.startswith("HTTP 500")
    runner = PunchoutRunner(world.app)
    listed = runner.invoke(args=["documents", "list", "--state", "dead"])
    assert listed.exit_code == 0 and record.id in listed.output and "dead" in listed.output
    assert runner.invoke(args=["documents", "list", "--state", "delivered"]).output.strip() == (
        "No documents."
    )
    shown = runner.invoke(args=["documents", "show", record.id[:8]])
    assert shown.exit_code == 0 and "<ConfirmationRequest>" in shown.output
    assert DOCUMENT_SECRET not in shown.output and "SharedSecret" not in shown.output
    retried = runner.invoke(args=["documents", "retry", "--all-dead"])
    assert retried.exit_code == 0 and f"Document {record.id}" in retried.output
    wait_until(lambda: book.get(record.id).state == "delivered", worker, "the redrive")  # type: ignore[union-attr]
    assert [code for _, code in receiver.posts] == [500, 500, 500, 200]
    again = runner.invoke(args=["documents", "retry", record.id])
    assert again.exit_code == 1 and "is not sent again" in again.output


def test_the_worker_shares_the_apps_embedded_redis_under_the_instance_folder(
    tmp_path: Path,
    receiver: Receiver,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    from punchout.domain.backchannel.queue import Backchannel
    from punchout.runtime.connector import make_printnow_client
    from punchout.runtime.store import Store, connect_redis
    from tests.conftest import _stop_at_once, make_settings
    from tests.support import buyers_toml

    buyers = tmp_path / "buyers.toml"
    buyers.write_text(buyers_toml(documents=documents_table(receiver.url)), encoding="utf-8")
    settings = make_settings(tmp_path, buyers_file=str(buyers), redis_url="")
    client = connect_redis("", settings.instance_path)  # as the app starts it: no REDIS_URL
    try:
        c = Connector(settings, Store(client), make_printnow_client(settings))
        backchannel = Backchannel(c)
        record = DocumentRecord("embedded-1", "confirm", "acme", "PO-EMB", "p-1@here", "test")
        xml = Path(__file__).parents[2] / "fixtures/cxml/documents/confirmation-accept.xml"
        assert backchannel.book.create(record, xml.read_bytes())
        backchannel.send(record.id)
        worker = start_worker(c, embedded=True)
        wait_until(
            lambda: backchannel.book.get(record.id).state == "delivered",  # type: ignore[union-attr]
            worker,
            "the delivery through the embedded Redis",
        )
        assert len(receiver.accepted()) == 1
        worker.process.terminate()
        worker.process.wait(20)
    finally:
        _stop_at_once(client)
