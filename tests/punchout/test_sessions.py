"""Sessions, one-time start tokens and the replay cache, against a real Redis."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from punchout.sessions import PunchoutSession, RestoredItem, SessionStore, new_session_id
from punchout.store import Store


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
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10)
    session = make_session()
    sessions.save(session)
    key = store.key("session", session.id)
    store.redis.expire(key, 5)
    assert sessions.load(session.id) == session
    assert store.redis.ttl(key) > 5  # loading slid the TTL forward
    assert "pipo-token-1" not in repr(session)


def test_start_token_is_single_use_and_stored_hashed(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10)
    token = sessions.open(make_session(id="session-1"))
    stored = store.redis.keys("punchout:start:*")  # the session itself is under :session:
    assert len(stored) == 1 and token not in stored[0]
    assert 0 < store.redis.ttl(stored[0]) <= 10
    assert sessions.redeem_start_token(token) == "session-1"
    assert sessions.redeem_start_token(token) is None
    assert sessions.redeem_start_token("") is None


def test_start_token_redeemed_once_under_concurrency(store: Store) -> None:
    # Many threads released together take the same token, over many rounds: exactly one wins.
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10)
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
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10)
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


def test_replay_same_body_same_answer_other_body_conflict(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10)
    assert not sessions.replayed_setup("acme", "p-1", b"<cXML/>").seen
    sessions.remember_setup("acme", "p-1", b"<cXML/>", b"<answer/>")
    replay = sessions.replayed_setup("acme", "p-1", b"<cXML/>")
    assert replay.answer == b"<answer/>" and not replay.conflict
    assert sessions.replayed_setup("acme", "p-1", b"<cXML x='1'/>").conflict
    assert not sessions.replayed_setup("other-buyer", "p-1", b"<cXML/>").seen


def test_an_opened_session_loads_whole_and_ends(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10)
    session = make_session()
    token = sessions.open(session)
    assert len(token) == 43  # 32 random bytes, URL-safe base64: 256 bits
    assert sessions.load(session.id) == session
    assert 0 < store.redis.ttl(store.key("session", session.id)) <= 100
    sessions.end(session.id)
    assert sessions.load(session.id) is None
    assert store.redis.exists(store.key("session", session.id)) == 0
    assert sessions.load("no-such-session") is None


def test_a_fresh_payload_id_is_not_seen_and_not_a_conflict(store: Store) -> None:
    sessions = SessionStore(store, session_ttl=100, start_token_ttl=10)
    replay = sessions.replayed_setup("acme", "never-sent", b"<cXML/>")
    assert replay.seen is False and replay.answer is None and replay.conflict is False
