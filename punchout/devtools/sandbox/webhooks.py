"""The sandbox's ``order_updated`` webhooks: signed POSTs after every order change.

The Orders API (seed 003) says marking shipped and updating a status "triggers the
order_updated webhook", but documents neither the payload nor how it is signed. The sandbox's
guess, listed in ``profile.py``: a POST of the JSON body ``{"event": "order_updated",
"order_id": <id>}`` with the header ``X-PrintNow-Signature: sha256=<hex>``, the hex being
HMAC-SHA256 of the exact body bytes under the subscription's secret. A receiver should verify
the signature and then read the order through the Orders API, never trust the body alone.

Sending never holds up the request that changed the order: events go to a queue that one
background thread drains, each POST with a short timeout; a failure is logged and recorded
(``GET /_sandbox/webhooks`` and the orders page show the last deliveries), never raised.
Subscriptions come from the configuration (``SandboxConfig.webhooks``) and from
``POST /_sandbox/webhooks``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app

from punchout.devtools.sandbox.models import iso

log = logging.getLogger(__name__)

WEBHOOKS_KEY = "punchout.devtools.sandbox.webhooks"
EVENT = "order_updated"
SIGNATURE_HEADER = "X-PrintNow-Signature"
#: Connect and read timeouts of one delivery, in seconds.
TIMEOUT = (2.0, 3.0)
#: How many deliveries the sandbox remembers for its pages.
KEPT_DELIVERIES = 50


def signature(secret: str, body: bytes) -> str:
    """The ``X-PrintNow-Signature`` value of ``body``: ``sha256=`` and the hex HMAC."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def event_body(order_id: int) -> bytes:
    """The JSON body of an ``order_updated`` event, compact and in a fixed key order."""
    return json.dumps({"event": EVENT, "order_id": order_id}, separators=(",", ":")).encode()


def check_url(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks, or None when it is an absolute http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"url must be an absolute http or https URL, not {url!r}."
    return None


@dataclass(frozen=True)
class Subscription:
    """Where events go and the secret that signs them (left out of ``repr``)."""

    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver one event: the answer's status, or what went wrong."""

    order_id: int
    url: str
    at: str | None
    status: int | None
    error: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "event": EVENT,
            "order_id": self.order_id,
            "url": self.url,
            "at": self.at,
            "status": self.status,
            "error": self.error,
        }


class WebhookSender:
    """The app's subscriptions, its queue of events and the thread that sends them."""

    def __init__(
        self,
        subscriptions: tuple[tuple[str, str], ...] = (),
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._subscriptions: dict[str, Subscription] = {}
        self._deliveries: deque[Delivery] = deque(maxlen=KEPT_DELIVERIES)
        self._queue: queue.Queue[int] = queue.Queue()
        self._thread: threading.Thread | None = None
        for url, secret in subscriptions:
            self.subscribe(url, secret)

    def subscribe(self, url: str, secret: str) -> None:
        """Send events to ``url`` signed with ``secret`` (replacing that URL's secret)."""
        problem = check_url(url)
        if problem:
            raise ValueError(problem)
        with self._lock:
            self._subscriptions[url] = Subscription(url, secret)

    def clear(self) -> None:
        """Forget every subscription and delivery."""
        with self._lock:
            self._subscriptions.clear()
            self._deliveries.clear()

    def forget_deliveries(self) -> None:
        with self._lock:
            self._deliveries.clear()

    def snapshot(self) -> dict[str, Any]:
        """The subscriptions (URLs only) and the last deliveries, newest first."""
        with self._lock:
            return {
                "subscriptions": [{"url": s.url} for s in self._subscriptions.values()],
                "deliveries": [d.as_json() for d in reversed(self._deliveries)],
            }

    def order_updated(self, order_id: int) -> None:
        """Queue an ``order_updated`` event for every subscription; returns at once."""
        with self._lock:
            if not self._subscriptions:
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="sandbox-webhooks", daemon=True
                )
                self._thread.start()
        self._queue.put(order_id)

    def wait_sent(self, timeout: float) -> bool:
        """Wait until every queued event has been delivered (or given up); False on timeout."""
        done = self._queue.all_tasks_done
        with done:
            return done.wait_for(lambda: not self._queue.unfinished_tasks, timeout)

    def _run(self) -> None:
        while True:
            order_id = self._queue.get()
            try:
                with self._lock:
                    targets = list(self._subscriptions.values())
                for subscription in targets:
                    self._deliver(subscription, order_id)
            finally:
                self._queue.task_done()

    def _deliver(self, subscription: Subscription, order_id: int) -> None:
        body = event_body(order_id)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(subscription.secret, body),
        }
        status: int | None = None
        error: str | None = None
        try:
            answer = requests.post(subscription.url, data=body, headers=headers, timeout=TIMEOUT)
            status = answer.status_code
            if status >= 300:
                error = f"answered {status}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
        if error:
            log.warning(
                "order_updated webhook for order %s to %s failed: %s",
                order_id, subscription.url, error,
            )  # fmt: skip
        delivery = Delivery(order_id, subscription.url, iso(self._clock()), status, error)
        with self._lock:
            self._deliveries.append(delivery)


def sender() -> WebhookSender:
    """The app's one :class:`WebhookSender`."""
    result: WebhookSender = current_app.extensions[WEBHOOKS_KEY]
    return result
