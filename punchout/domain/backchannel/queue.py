"""The job queue on the connector's Redis (RQ), its jobs, and ``punchout worker``.

Two queues: ``punchout-documents`` (one job per document to send, retried by RQ with
exponential backoff: ``documents_backoff_seconds``, then twice as long each time, for
``documents_attempts`` attempts in all) and ``punchout-poll`` (polling every open order,
or the PO of one PrintNow order after its webhook). The worker runs RQ's scheduler, which
starts the retries when they are due, and polls every ``documents_poll_seconds``: each poll
schedules the next under an id naming its time slot, so workers started together keep one
chain.

RQ stores pickled jobs, so it gets its own connection to the same server without
``decode_responses``; with no ``REDIS_URL`` that server is the embedded one under the
instance folder, which every process opening it shares
(:func:`punchout.runtime.store.connect_redis`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
import requests
from redis.sentinel import SentinelConnectionPool
from rq import Queue, Retry, SimpleWorker
from rq.exceptions import DuplicateJobError

from punchout.domain.backchannel.delivery import Deliverer, Outcome
from punchout.domain.backchannel.poller import Poller
from punchout.domain.backchannel.records import DocumentBook
from punchout.runtime.connector import Connector

log = logging.getLogger(__name__)

DOCUMENTS_QUEUE = "punchout-documents"
POLL_QUEUE = "punchout-poll"


def rq_connection(client: redis.Redis) -> redis.Redis:
    """A client to the same server and database as ``client``, returning bytes (for RQ)."""
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, "decode_responses": False}
    if isinstance(pool, SentinelConnectionPool):
        new_pool: redis.ConnectionPool = SentinelConnectionPool(  # type: ignore[no-untyped-call]
            pool.service_name, pool.sentinel_manager, **kwargs
        )
    else:
        new_pool = redis.ConnectionPool(connection_class=pool.connection_class, **kwargs)
    return redis.Redis(connection_pool=new_pool)


@dataclass
class Backchannel:
    """What the jobs need: the connector, the document records and the queues."""

    c: Connector
    book: DocumentBook = field(init=False)
    connection: redis.Redis = field(init=False, repr=False)
    documents: Queue = field(init=False, repr=False)
    polls: Queue = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.book = DocumentBook(self.c.store)
        self.connection = rq_connection(self.c.store.redis)
        self.documents = Queue(DOCUMENTS_QUEUE, connection=self.connection)
        self.polls = Queue(POLL_QUEUE, connection=self.connection)

    def retry(self) -> Retry | None:
        s = self.c.settings
        intervals = [s.documents_backoff_seconds * 2**n for n in range(s.documents_attempts - 1)]
        return Retry(max=len(intervals), interval=intervals) if intervals else None

    def send(self, doc_id: str) -> None:
        """Queue a document for delivery."""
        self.documents.enqueue_call(
            deliver, args=(doc_id,), retry=self.retry(), result_ttl=3600, failure_ttl=86400 * 7
        )

    def poller(self) -> Poller:
        return Poller(self.c, self.book, self.send)

    def deliverer(self) -> Deliverer:
        return Deliverer(self.c, self.book, requests.Session())

    def request_poll(self, pipo_order_id: int | None = None) -> None:
        """Queue a poll of every open order, or of the PO of one PrintNow order."""
        if pipo_order_id is None:
            self.polls.enqueue_call(poll_all, result_ttl=600)
        else:
            self.polls.enqueue_call(poll_order, args=(pipo_order_id,), result_ttl=600)

    def schedule_next_poll(self) -> None:
        """Schedule the periodic poll of the next time slot (once, however many ask)."""
        every = self.c.settings.documents_poll_seconds
        slot = int(time.time() // every) + 1
        with contextlib.suppress(DuplicateJobError):  # another worker scheduled it
            self.polls.enqueue_at(
                _utc(slot * every),
                periodic_poll,
                job_id=f"punchout-periodic-poll-{slot}",
                unique=True,
                result_ttl=every * 2,
            )


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


# ---------------------------------------------------------------------- the worker's jobs

_current: Backchannel | None = None


def use(backchannel: Backchannel) -> None:
    """Make ``backchannel`` the one this process's jobs run with."""
    global _current
    _current = backchannel


def current() -> Backchannel:
    """This process's backchannel, built from the settings on first use."""
    global _current
    if _current is None:
        _current = Backchannel(build_connector())
    return _current


def build_connector() -> Connector:
    """The connector as the app builds it, from the same settings and Redis."""
    from punchout.runtime.connector import make_printnow_client
    from punchout.runtime.settings import load_settings
    from punchout.runtime.store import Store, connect_redis

    settings = load_settings()
    store = Store(connect_redis(settings.redis_url, settings.instance_path))
    return Connector(settings, store, make_printnow_client(settings))


def deliver(doc_id: str) -> Outcome:
    return current().deliverer().attempt(doc_id)


def poll_all() -> int:
    return current().poller().poll_all()


def poll_order(pipo_order_id: int) -> int:
    return current().poller().poll_pipo_order(pipo_order_id)


def periodic_poll() -> int:
    backchannel = current()
    try:
        return backchannel.poller().poll_all()
    finally:
        backchannel.schedule_next_poll()


def run_worker(backchannel: Backchannel, *, burst: bool = False) -> None:
    """Work both queues with RQ's scheduler (retries, the periodic poll) until stopped."""
    use(backchannel)
    backchannel.request_poll()
    backchannel.schedule_next_poll()
    worker = SimpleWorker(
        [backchannel.documents, backchannel.polls], connection=backchannel.connection
    )
    log.info("worker started: queues %s and %s", DOCUMENTS_QUEUE, POLL_QUEUE)
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
