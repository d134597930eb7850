"""The benchmark's tables: CPU per request and counts per revision, targets, and ratios."""

from __future__ import annotations

import statistics
from typing import Any

import redis

from bench.targets import verdicts


def show(results: dict[str, Any]) -> None:
    revisions = results["revisions"]
    base = revisions["baseline"]["scenarios"]["baseline"]
    floors = {k: v for k, v in revisions["baseline"]["scenarios"].items() if k != "baseline"}
    print(f"\nMachine: {results['cpus']} CPUs, load average {_load(results['loadavg_start'])} at "
          f"the start, {_load(results['loadavg_end'])} at the end; {results['repeats']} "
          "batch(es) per scenario, figures are medians, CPU range over the batches")  # fmt: skip
    for label, revision in revisions.items():
        if label == "baseline":
            continue
        print(f"\n### {label}\n")
        print("| scenario | CPU ms/request | range | × bare Flask | × its floor | Redis round "
              "trips | Redis commands | PrintNow calls | req/s | bare Flask req/s | p50 ms | "
              "p95 ms | errors |")  # fmt: skip
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows = [("baseline", base), *floors.items(), *revision["scenarios"].items()]
        for key, row in rows:
            cpus = [b["cpu_ms"] for b in row["batches"]]
            floor = floors.get(f"floor_{key}")
            above = f"{row['cpu_ms'] / floor['cpu_ms']:.1f}" if floor else "–"
            print(f"| {row['label']} | {row['cpu_ms']:.2f} | {min(cpus):.2f}–{max(cpus):.2f} | "
                  f"{row['cpu_ms'] / base['cpu_ms']:.1f} | {above} | "
                  f"{row['redis_round_trips']:.1f} | "
                  f"{row['redis_commands']:.1f} | {row['printnow_calls']:.1f} | "
                  f"{row['rate']:.0f} | {base['rate']:.0f} | {row['p50']:.1f} | "
                  f"{row['p95']:.1f} | {row['errors']} |")  # fmt: skip
        print("\n| target | result |\n|---|---|")
        for verdict in verdicts(revision["scenarios"]):
            print(f"| {verdict.target} | {verdict.result} |")
        revision["targets"] = [v.__dict__ for v in verdicts(revision["scenarios"])]
        above_floor(floors, revision["scenarios"])
    spread(revisions)
    if len(revisions) == 3:
        ratios(revisions)
    memory = results["redis_memory"]
    print(
        f"\nRedis: {memory['bytes_per_session']:.0f} bytes per session "
        f"({memory['sessions_measured']:,} measured), {memory['bytes_per_start_token']:.0f} "
        f"per start token, {memory['bytes_per_resend_record']:.0f} per resend record"
    )
    if "rss" in results:
        print(f"Worker RSS growth over {results['rss']['requests']:,} setup requests: "
              f"{results['rss']['growth_percent']:.2f}%")  # fmt: skip


def all_met(results: dict[str, Any]) -> bool:
    """No target missed on any revision (not measured is not missed)."""
    return all(
        verdict.met is not False
        for label, revision in results["revisions"].items()
        if label != "baseline"
        for verdict in verdicts(revision["scenarios"])
    )


def above_floor(floors: dict[str, Any], scenarios: dict[str, Any]) -> None:
    """What a hot path costs above the floor of its I/O (:mod:`bench.floor`): its own work."""
    for key, row in scenarios.items():
        floor = floors.get(f"floor_{key}")
        if floor:
            print(f"{row['label']}: {row['cpu_ms']:.2f} ms, of which {floor['cpu_ms']:.2f} ms is "
                  f"its floor (gunicorn, Flask, its body, PrintNow calls and Redis round trips "
                  f"at their cheapest) and {row['cpu_ms'] - floor['cpu_ms']:.2f} ms its own "
                  "work")  # fmt: skip


def spread(revisions: dict[str, Any]) -> None:
    """How noisy the machine was: batch-to-batch spread of throughput against that of CPU."""
    rates, cpus = [], []
    for revision in revisions.values():
        for row in revision["scenarios"].values():
            if len(row["batches"]) > 1:
                rates.append(_range_percent([b["rate"] for b in row["batches"]]))
                cpus.append(_range_percent([b["cpu_ms"] for b in row["batches"]]))
    if rates:
        print(f"\nNoise: across the batches of a scenario, throughput varied by a median of "
              f"{statistics.median(rates):.0f}% (max {max(rates):.0f}%), CPU per request by "
              f"{statistics.median(cpus):.0f}% (max {max(cpus):.0f}%)")  # fmt: skip


def ratios(revisions: dict[str, Any]) -> None:
    old, new = (label for label in revisions if label != "baseline")
    print(f"\n### {new} / {old}\n")
    figures = ("cpu_ms", "redis_round_trips", "printnow_calls", "rate", "p50")
    print("| scenario | CPU | Redis round trips | PrintNow calls | req/s | p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, row in revisions[new]["scenarios"].items():
        before = revisions[old]["scenarios"][key]
        cells = [f"{row[f] / before[f]:.2f}" if before[f] else "–" for f in figures]
        print(f"| {row['label']} | {' | '.join(cells)} |")


def redis_memory(client: redis.Redis) -> dict[str, Any]:
    """Bytes per session, start token and setup resend record (MEMORY USAGE, up to 10,000 each)."""
    sizes: dict[str, list[int]] = {}
    for kind in ("session", "start", "resend"):
        keys = [k for k in client.scan_iter(match=f"punchout:{kind}:*", count=1000)][:10_000]
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.memory_usage(key, samples=0)
        sizes[kind] = [x for x in pipe.execute() if x is not None]  # expired meanwhile
    return {
        "sessions_measured": len(sizes["session"]),
        "bytes_per_session": statistics.mean(sizes["session"]) if sizes["session"] else 0,
        "bytes_per_start_token": statistics.mean(sizes["start"]) if sizes["start"] else 0,
        "bytes_per_resend_record": statistics.mean(sizes["resend"]) if sizes["resend"] else 0,
    }


def _range_percent(values: list[float]) -> float:
    low = min(values)
    return (max(values) - low) / low * 100 if low else 0.0


def _load(loadavg: list[float] | tuple[float, ...]) -> str:
    return "/".join(f"{x:.1f}" for x in loadavg)
