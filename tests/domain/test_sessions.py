"""Sessions, one-time start tokens and re-sent setups, against a real Redis."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from punchout.domain.keys import Encryptor
from punchout.domain.sessions import (
    SETUP_RESEND_TTL,
    PunchoutSession,
    Resend,
    RestoredItem,
    SessionStore,
    new_session_id,
)
from punchout.runtime.store import Store

BOX = Encryptor("session-test-" + "k" * 32)


def make_session(**changes: object) -> PunchoutSession:
    values: dict[str, object] = {
        "id": new_session_id(),
        "buyer_id": "acme",
        "protocol": "cxml",
        "operation": "edit",
        "user_key": "pat@acme.example",
        "customer_id": 7,
        "is_temp": False,
        "pipo_token": "pipo-token-1",
        "buyer_cookie": "<b>cookie</b>  with space",
        "restored_items": (RestoredItem(3, "2", "BC-STD-85x55", "ref"),),
        "known_project_ids": (1, 2),
    }
    values.update(changes)
    return PunchoutSession(**values)  # type: ignore[arg-type]


def test_session_round_trips_and_slides(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    session = make_session()
    sessions.save(session)
    key = store.key("session", session.id)
    store.redis.expire(key, 5)
    assert sessions.load(session.id) == session
    assert store.redis.ttl(key) > 5  # loading slid the TTL forward
    assert "pipo-token-1" not in repr(session)


def test_the_pipo_token_is_encrypted_at_rest(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    session = make_session(pipo_token="pipo-token-CLEAR")
    sessions.save(session)
    raw = store.redis.get(store.key("session", session.id))
    assert raw is not None and "pipo-token-CLEAR" not in raw
    opened = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    token = opened.open(make_session(id=new_session_id(), pipo_token="pipo-token-OPEN"))
    assert token
    assert not any("pipo-token-OPEN" in (store.redis.get(k) or "") for k in store.redis.scan_iter())
    assert sessions.load(session.id) == session
    # Under a key that cannot decrypt it, the session is gone, never half-read.
    other = Encryptor("another-key-" + "o" * 32)
    stranger = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=other)
    assert stranger.load(session.id) is None


def test_start_token_is_single_use_and_stored_hashed(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    token = sessions.open(make_session(id="session-1"))
    stored = store.redis.keys("punchout:start:*")  # the session itself is under :session:
    assert len(stored) == 1 and token not in stored[0]
    assert 0 < store.redis.ttl(stored[0]) <= 10
    assert sessions.redeem_start_token(token) == "session-1"
    assert sessions.redeem_start_token(token) is None
    assert sessions.redeem_start_token("") is None


def test_start_token_redeemed_once_under_concurrency(store: Store) -> None:
    # Many threads released together take the same token, over many rounds: exactly one wins.
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    threads_per_token, rounds = 16, 25
    for n in range(rounds):
        token = sessions.open(make_session(id=f"session-{n}"))
        results: list[str | None] = []
        gate = threading.Barrier(threads_per_token)

        def take(
            token: str = token, gate: threading.Barrier = gate, results: list[str | None] = results
        ) -> None:
            gate.wait()
            results.append(sessions.redeem_start_token(token))

        threads = [threading.Thread(target=take) for _ in range(threads_per_token)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count(f"session-{n}") == 1, (n, results)
        assert results.count(None) == threads_per_token - 1


def test_start_token_take_is_one_atomic_step(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two takers are made to interleave command by command on the real Redis: a take done as
    a read and then a delete lets both read the token; one atomic command cannot."""
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    token = sessions.open(make_session(id="session-atomic"))
    client = store.redis
    send = client.execute_command
    lockstep = threading.Barrier(2)

    def in_lockstep(*args: Any, **options: Any) -> Any:
        if any(":start:" in str(a) for a in args[1:2]):
            with contextlib.suppress(threading.BrokenBarrierError):
                lockstep.wait(timeout=10)  # only waits long if the other taker has stopped
        return send(*args, **options)

    monkeypatch.setattr(client, "execute_command", in_lockstep)
    results: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(sessions.redeem_start_token(token)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("session-atomic") == 1 and results.count(None) == 1


def test_resent_setup_same_body_same_session_other_body_new(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    assert not sessions.resent_setup("acme", "p-1", b"<cXML/>").seen
    sessions.remember_setup("acme", "p-1", b"<cXML/>", "session-1")
    resend = sessions.resent_setup("acme", "p-1", b"<cXML/>")
    assert resend.session_id == "session-1" and resend.same_document
    other = sessions.resent_setup("acme", "p-1", b"<cXML x='1'/>")
    assert other.seen and not other.same_document
    assert not sessions.resent_setup("other-buyer", "p-1", b"<cXML/>").seen


def test_a_session_opened_with_its_setup_is_reopened_by_a_resend_one_round_trip(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redis.connection import AbstractConnection

    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    writes: list[object] = []
    original = AbstractConnection.send_packed_command

    def counted(self: Any, command: Any, check_health: bool = True) -> None:
        writes.append(command)
        original(self, command, check_health)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    token = sessions.open(make_session(id="session-s"), setup=("p-9", b"<cXML/>"))
    assert len(writes) == 1  # session, start token and the setup's note: one round trip
    monkeypatch.undo()
    assert sessions.resent_setup("acme", "p-9", b"<cXML/>").session_id == "session-s"
    assert 0 < store.redis.ttl(store.key("resend", "acme", "p-9")) <= SETUP_RESEND_TTL
    assert sessions.redeem_start_token(token) == "session-s"
    sessions.open(make_session(id="session-t"))  # no setup given: nothing noted
    assert sessions.resent_setup("acme", "p-9", b"<cXML/>").session_id == "session-s"


def test_a_reissued_start_token_opens_the_session_once(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    assert sessions.reissue_start_token("no-such-session") is None
    first = sessions.open(make_session(id="session-r"))
    assert sessions.redeem_start_token(first) == "session-r"
    again = sessions.reissue_start_token("session-r")
    assert again is not None and again != first
    assert sessions.redeem_start_token(again) == "session-r"
    assert sessions.redeem_start_token(again) is None
    assert store.redis.ttl(store.key("session", "session-r")) > 90  # slid, as a load does
    sessions.end("session-r")
    assert sessions.reissue_start_token("session-r") is None
    assert store.keys("start") == []  # no token left for an ended session


def test_an_opened_session_loads_whole_and_ends(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    session = make_session()
    token = sessions.open(session)
    assert len(token) == 43  # 32 random bytes, URL-safe base64: 256 bits
    assert sessions.load(session.id) == session
    assert 0 < store.redis.ttl(store.key("session", session.id)) <= 100
    sessions.end(session.id)
    assert sessions.load(session.id) is None
    assert store.redis.exists(store.key("session", session.id)) == 0
    assert sessions.load("no-such-session") is None


def test_a_start_token_carries_256_random_bits(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    session = make_session()
    first = sessions.open(session)
    again = sessions.reissue_start_token(session.id)
    # secrets.token_urlsafe(32): 32 bytes, 43 URL-safe base64 characters
    assert len(first) == 43 and again is not None and len(again) == 43 and again != first


def test_an_unknown_setup_is_not_seen(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    assert sessions.resent_setup("acme", "payload-1", b"<cXML/>") == Resend(seen=False)


def test_an_unreadable_token_is_logged_by_session_prefix_only(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=BOX)
    session = make_session(pipo_token="pipo-token-SECRET")
    sessions.save(session)
    other = Encryptor("another-key-" + "o" * 32)
    stranger = SessionStore(store, session_ttl=100, start_token_ttl=10, encryptor=other)
    with caplog.at_level("WARNING", logger="punchout.domain.sessions"):
        assert stranger.load(session.id) is None
    assert [r.getMessage() for r in caplog.records] == [
        f"session {session.id[:8]}: PIPO token unreadable (master key retired?)"
    ]
    assert "SECRET" not in caplog.text


def test_a_session_id_carries_128_random_bits() -> None:
    # secrets.token_urlsafe(16): 16 bytes, 22 URL-safe base64 characters
    assert len(new_session_id()) == 22 and new_session_id() != new_session_id()


def test_a_stored_session_without_its_optional_lists_reads_with_empty_ones() -> None:
    session = make_session(
        known_project_ids=(), restored_items=(), buyer_credentials=(("NetworkID", "AN01"),)
    )
    data = session.to_json()
    for optional in ("known_project_ids", "restored_items", "supplier_credentials"):
        del data[optional]
    assert PunchoutSession.from_json(data) == session
    # credentials stored as JSON lists come back as (domain, identity) pairs of text
    data["buyer_credentials"] = [["NetworkID", 1]]
    assert PunchoutSession.from_json(data).buyer_credentials == (("NetworkID", "1"),)
