"""What a batch of requests cost the servers, from their own accounting, not wall time.

- CPU: user + system time of the gunicorn workers, from ``/proc/<pid>/stat`` (utime and
  stime, in clock ticks), before and after the batch. A busy machine makes each request take
  longer but costs it no more CPU, so this figure holds on a noisy machine.
- Requests, Redis round trips and Redis commands: counted inside each worker
  (:mod:`bench.gunicorn_counting`).
- PrintNow calls: counted by the PrintNow stub (:mod:`bench.stub_server`).
"""

from __future__ import annotations

import os
import struct
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.gunicorn_counting import FORMAT, SLOTS

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes used so far (threads included)."""
    ticks = 0
    for pid in pids:
        # Fields after the command name (which may hold spaces) start at the 3rd: state.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / TICKS_PER_SECOND


def read_counters(folder: Path) -> dict[str, int]:
    totals = dict.fromkeys(SLOTS, 0)
    for path in folder.glob("*.counts"):
        for name, value in zip(SLOTS, struct.unpack(FORMAT, path.read_bytes()), strict=True):
            totals[name] += value
    return totals


def stub_calls(port: int | None) -> int:
    """PrintNow calls the stub answered so far (0 without a stub)."""
    if port is None:
        return 0
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench/calls", timeout=5) as answer:
        return int(answer.read())


@dataclass(frozen=True)
class Snapshot:
    cpu: float
    counters: dict[str, int]
    printnow_calls: int


@dataclass(frozen=True)
class Cost:
    """What one request cost on average over a batch."""

    requests: int
    cpu_ms: float
    redis_round_trips: float
    redis_commands: float
    printnow_calls: float
    errors: int


class Meter:
    """Snapshots of one gunicorn server's workers (and the PrintNow stub)."""

    def __init__(self, master: int, counters: Path, stub_port: int | None) -> None:
        self.master, self.counters, self.stub_port = master, counters, stub_port

    def snapshot(self) -> Snapshot:
        return Snapshot(cpu_seconds(workers(self.master)), read_counters(self.counters),
                        stub_calls(self.stub_port))  # fmt: skip

    def cost(self, before: Snapshot, after: Snapshot) -> Cost:
        served = after.counters["requests"] - before.counters["requests"]
        per = 1 / served if served else 0.0
        return Cost(
            requests=served,
            cpu_ms=(after.cpu - before.cpu) * 1000 * per,
            redis_round_trips=(after.counters["redis_round_trips"]
                               - before.counters["redis_round_trips"]) * per,
            redis_commands=(after.counters["redis_commands"]
                            - before.counters["redis_commands"]) * per,
            printnow_calls=(after.printnow_calls - before.printnow_calls) * per,
            errors=after.counters["errors"] - before.counters["errors"],
        )  # fmt: skip
