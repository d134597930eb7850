"""The benchmark's own accounting: Redis round trips counted in a worker, and its targets."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.connection import AbstractConnection

from bench import gunicorn_counting
from bench.accounting import cpu_seconds, read_counters
from bench.targets import verdicts


@pytest.fixture
def counting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The worker hook installed in this process, as gunicorn would after a fork."""
    monkeypatch.setenv("BENCH_COUNTERS", str(tmp_path))
    monkeypatch.setattr(AbstractConnection, "send_packed_command",
                        AbstractConnection.send_packed_command)  # fmt: skip
    monkeypatch.setattr(gunicorn_counting, "_counters", None)
    gunicorn_counting.post_fork(None, None)
    return tmp_path


def test_a_pipeline_is_one_round_trip_of_several_commands(
    counting: Path, redis_client: redis.Redis
) -> None:
    redis_client.ping()  # the connection is open: its handshake is not counted below
    before = read_counters(counting)
    redis_client.set("bench:a", "1")
    pipe = redis_client.pipeline(transaction=False)
    pipe.get("bench:a").set("bench:b", "2").get("bench:b")
    pipe.execute()
    after = read_counters(counting)
    assert after["redis_round_trips"] - before["redis_round_trips"] == 2
    assert after["redis_commands"] - before["redis_commands"] == 4


def test_requests_and_error_answers_are_counted(counting: Path) -> None:
    class Answer:
        def __init__(self, status: int) -> None:
            self.status_code = status

    for status in (200, 404, 500):
        gunicorn_counting.pre_request(None, None)
        gunicorn_counting.post_request(None, None, None, Answer(status))
    gunicorn_counting.pre_request(None, None)  # one still being served
    assert read_counters(counting) | {"redis_round_trips": 0, "redis_commands": 0} == {
        "requests": 3, "redis_round_trips": 0, "redis_commands": 0, "errors": 2, "started": 4,
    }  # fmt: skip


def test_cpu_of_this_process_grows_with_work() -> None:
    before = cpu_seconds([os.getpid()])
    sum(i * i for i in range(3_000_000))
    assert cpu_seconds([os.getpid()]) > before


def _scenario(cpu: list[float], trips: float = 2, errors: int = 0) -> dict[str, Any]:
    batches = [{"cpu_ms": c, "redis_round_trips": trips} for c in cpu]
    return {"batches": batches, "cpu_ms": sorted(cpu)[len(cpu) // 2], "errors": errors,
            "redis_round_trips": trips, "printnow_calls": 1.0}  # fmt: skip


def test_a_target_is_met_only_when_every_batch_meets_it() -> None:
    results = {v.name: v for v in verdicts({"setup": _scenario([1.2, 1.3, 1.6])})}
    assert results["setup_cpu"].met is False
    assert results["setup_round_trips"].met is True
    assert results["cart_100_cpu"].met is None  # not run: not measured, not met
    results = {v.name: v for v in verdicts({"setup": _scenario([1.2, 1.3, 1.4], trips=4)})}
    assert results["setup_cpu"].met is True
    assert results["setup_round_trips"].met is False


def test_failed_requests_miss_the_target_and_flatness_uses_marginal_cost() -> None:
    scenarios = {"setup": _scenario([1.0], errors=3), "order_1": _scenario([2.0]),
                 "order_10": _scenario([2.3]), "order_100": _scenario([5.0]),
                 "order_1000": _scenario([32.0])}  # fmt: skip
    results = {v.name: v for v in verdicts(scenarios)}
    assert results["setup_cpu"].met is False
    assert results["per_line_flat"].met is True  # 30 µs per added line, then 30 µs
    assert results["order_10_vs_1"].met is True
    scenarios["order_1000"] = _scenario([95.0])  # 100 µs per added line past 100 lines
    assert {v.name: v for v in verdicts(scenarios)}["per_line_flat"].met is False


def test_check_fails_when_any_revision_misses_a_target() -> None:
    from bench.report import all_met

    met = {"setup": _scenario([1.2, 1.4], trips=3)}
    missed = {"setup": _scenario([1.2, 1.6], trips=3)}
    results: dict[str, Any] = {"revisions": {"baseline": {"scenarios": {}},
                                             "old": {"scenarios": met}}}  # fmt: skip
    assert all_met(results)  # the targets not measured in this run are not missed
    results["revisions"]["new"] = {"scenarios": missed}
    assert not all_met(results)


@pytest.mark.parametrize(
    ("path", "calls", "trips"),
    [("/floor/setup", 1, 2), ("/floor/cart", 2, 2), ("/floor/order", 7, 12)],
)
def test_a_floor_makes_the_io_of_its_hot_path_and_nothing_else(
    counting: Path, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch,
    path: str, calls: int, trips: int,
) -> None:  # fmt: skip
    import json
    import subprocess
    import sys
    import urllib.request
    from urllib.parse import urlsplit

    from bench import floor
    from bench.load import free_port, wait_for

    port = free_port()
    stub = subprocess.Popen([sys.executable, "bench/stub_server.py", str(port)],
                            cwd=Path(__file__).resolve().parents[1])  # fmt: skip
    try:
        wait_for(port)
        monkeypatch.setattr(floor, "_redis", redis_client)
        monkeypatch.setattr(floor, "_stub", urlsplit(f"http://127.0.0.1:{port}"))
        monkeypatch.setattr(floor, "_local", type(floor._local)())
        redis_client.ping()
        before = read_counters(counting)
        answer = floor.app.test_client().post(path, data=b"x" * 300)
        after = read_counters(counting)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench/calls") as seen:
            made = json.loads(seen.read())
    finally:
        connection = getattr(floor._local, "connection", None)
        if connection is not None:
            connection.close()
        stub.terminate()
        stub.wait(10)
    assert answer.status_code == 200 and answer.get_data() == b"read 300 bytes"
    assert after["redis_round_trips"] - before["redis_round_trips"] == trips
    assert made == calls
