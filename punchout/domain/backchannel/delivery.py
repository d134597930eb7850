"""Sends one document to its buyer, never again once the buyer answered 2xx.

The document is POSTed as ``text/xml`` to the buyer's document URL with the SharedSecret
put into its Sender at that moment. It is delivered when the answer is HTTP 2xx carrying a
cXML Response whose Status code is 200, 201 or 204 (cXML User's Guide, "Status": 2xx codes
are success); anything else is a failed attempt. Each attempt runs under the document's
lock and starts by reading its state: a ``delivered`` or ``dead`` document is not sent, and
the state and attempt count are written before the POST and after the answer. A crash
during the POST leaves it ``delivering``; ``punchout documents retry`` sends it again with
the same payloadID, by which the buyer's system recognises a repeat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import requests

from punchout.domain.backchannel.records import DocumentBook, DocumentRecord, now
from punchout.domain.keys import DecryptionError
from punchout.protocol.cxml.envelope import with_shared_secret
from punchout.protocol.cxml.parse import MalformedDocument, parse_xml
from punchout.runtime.connector import Connector

log = logging.getLogger(__name__)

#: Seconds to connect to the buyer's system and to wait for its answer.
TIMEOUT = (5.0, 30.0)
#: Seconds an attempt may hold a document's lock (the POST's timeouts and a margin).
LOCK_SECONDS = 60.0
SUCCESS_CODES = (200, 201, 204)
Outcome = Literal["delivered", "retry", "dead", "skipped"]


class AttemptFailed(Exception):
    """This attempt failed and another one will follow (raised so the job queue retries)."""


@dataclass(frozen=True)
class Answer:
    ok: bool
    error: str = ""


class Deliverer:
    """Sends documents for one connector."""

    def __init__(self, c: Connector, book: DocumentBook, session: requests.Session) -> None:
        self.c = c
        self.book = book
        self.http = session

    def attempt(self, doc_id: str) -> Outcome:
        """One attempt at ``doc_id``; raises :class:`AttemptFailed` when another follows."""
        lock = self.c.store.lock(
            self.book.lock_key(doc_id), timeout=LOCK_SECONDS, wait=LOCK_SECONDS
        )
        if not lock.acquire():
            raise AttemptFailed(f"document {doc_id} is being sent by another worker")
        try:
            outcome = self._attempt(doc_id)
        finally:
            lock.release()
        if outcome == "retry":
            raise AttemptFailed(f"document {doc_id} was not accepted; it will be retried")
        return outcome

    def _attempt(self, doc_id: str) -> Outcome:
        record = self.book.get(doc_id)
        if record is None or record.state in ("delivered", "dead"):
            return "skipped"
        record.state = "delivering"
        record.attempts += 1
        self.book.save(record)
        answer = self._post(record)
        if answer.ok:
            record.state, record.last_error, record.delivered_at = "delivered", "", now()
            self.book.save(record)
            log.info(
                "document %s (%s) delivered to buyer %s", record.id, record.title, record.buyer
            )
            return "delivered"
        record.last_error = answer.error
        last = record.attempts >= self.c.settings.documents_attempts
        record.state = "dead" if last else "queued"
        self.book.save(record)
        log.warning(
            "document %s (%s) to buyer %s: attempt %d failed: %s%s",
            record.id,
            record.title,
            record.buyer,
            record.attempts,
            answer.error,
            "; it is dead-lettered (punchout documents retry)" if last else "",
        )
        return "dead" if last else "retry"

    def _post(self, record: DocumentRecord) -> Answer:
        buyer = self.c.buyer(record.buyer)
        docs = buyer.documents if buyer is not None else None
        if docs is None or not docs.url:
            return Answer(False, f"buyer {record.buyer} has no document URL in the registry")
        if not docs.takes(record.kind):
            return Answer(False, f"buyer {record.buyer} no longer takes {record.kind} documents")
        body = self.book.xml(record.id)
        if docs.secret:
            try:
                body = with_shared_secret(body, self.c.encryptor.decrypt(docs.secret))
            except DecryptionError:
                return Answer(False, "the buyer's document secret cannot be decrypted")
        try:
            response = self.http.post(
                docs.url,
                data=body,
                headers={"Content-Type": "text/xml; charset=UTF-8"},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return Answer(False, f"{type(exc).__name__}: the buyer's system was not reached")
        return read_answer(response.status_code, response.content)


def read_answer(http_status: int, content: bytes) -> Answer:
    """Whether the buyer's answer accepts the document, and if not, why (one line)."""
    if not 200 <= http_status < 300:
        return Answer(False, f"HTTP {http_status}{_status_text(content)}")
    try:
        root = parse_xml(content, max_bytes=1_000_000)
    except (MalformedDocument, ValueError):
        return Answer(False, f"HTTP {http_status} without a cXML Response")
    status = root.find("Response/Status")
    code = status.get("code", "") if status is not None else ""
    if not code.isdigit():
        return Answer(False, f"HTTP {http_status} without a cXML Status")
    if int(code) in SUCCESS_CODES:
        return Answer(True)
    return Answer(False, f"cXML Status {code}{_status_text(content)}")


def _status_text(content: bytes) -> str:
    try:
        status = parse_xml(content, max_bytes=1_000_000).find("Response/Status")
    except (MalformedDocument, ValueError):
        return ""
    if status is None:
        return ""
    text = " ".join(((status.get("text") or "") + " " + (status.text or "")).split())
    return f" ({text[:200]})" if text else ""
