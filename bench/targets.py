"""The performance targets, checked against CPU per request and counts, never wall time.

A target is met only when every batch of the run meets it (the worst batch, not the median),
so one lucky batch cannot claim it. A target whose scenarios were not run (``--mode sandbox``
runs only setup and OCI login) is reported as not measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Per-line cost is "flat" when the CPU per added line from 100 to 1,000 lines is within this
#: factor of the CPU per added line from 10 to 100 lines (either way).
FLAT_FACTOR = 1.5


@dataclass(frozen=True)
class Verdict:
    name: str
    target: str
    result: str
    met: bool | None  # None: not measured in this run


def worst(scenarios: dict[str, Any], key: str, figure: str = "cpu_ms") -> float:
    return float(max(batch[figure] for batch in scenarios[key]["batches"]))


def _at_most(key: str, figure: str, limit: float, unit: str) -> Callable[[dict[str, Any]], str]:
    def check(scenarios: dict[str, Any]) -> str:
        value = worst(scenarios, key, figure)
        return f"{'met' if value <= limit else 'missed'}: {value:.2f} {unit} (worst batch)"

    return check


def _flat(scenarios: dict[str, Any]) -> str:
    cpu = {n: scenarios[f"order_{n}"]["cpu_ms"] for n in (10, 100, 1000)}
    low = (cpu[100] - cpu[10]) / 90 * 1000
    high = (cpu[1000] - cpu[100]) / 900 * 1000
    ratio = high / low if low > 0 else float("inf")
    flat = 1 / FLAT_FACTOR <= ratio <= FLAT_FACTOR
    return (f"{'met' if flat else 'missed'}: {low:.0f} µs per added line from 10 to 100 lines, "
            f"{high:.0f} µs from 100 to 1,000 (ratio {ratio:.2f})")  # fmt: skip


def _ten_lines(scenarios: dict[str, Any]) -> str:
    one, ten = worst(scenarios, "order_1"), worst(scenarios, "order_10")
    calls = scenarios["order_10"]["printnow_calls"] - scenarios["order_1"]["printnow_calls"]
    trips = scenarios["order_10"]["redis_round_trips"] - scenarios["order_1"]["redis_round_trips"]
    return (f"{'met' if ten <= 2 * one else 'missed'}: {ten:.2f} ms against {one:.2f} ms "
            f"({ten / one:.2f}×); 9 more lines add {calls:+.1f} PrintNow calls and "
            f"{trips:+.1f} Redis round trips")  # fmt: skip


TARGETS: list[tuple[str, str, tuple[str, ...], Callable[[dict[str, Any]], str]]] = [
    ("setup_cpu", "setup ≤ 1.5 ms CPU", ("setup",), _at_most("setup", "cpu_ms", 1.5, "ms")),
    ("cart_100_cpu", "cart return of 100 items ≤ 5 ms CPU", ("cart_100",),
     _at_most("cart_100", "cpu_ms", 5, "ms")),
    ("order_100_cpu", "OrderRequest of 100 lines ≤ 10 ms connector CPU (PrintNow excluded)",
     ("order_100",), _at_most("order_100", "cpu_ms", 10, "ms")),
    ("setup_round_trips", "≤ 3 Redis round trips per setup", ("setup",),
     _at_most("setup", "redis_round_trips", 3, "round trips")),
    ("per_line_flat", f"per-line cost flat from 10 to 1,000 lines (within {FLAT_FACTOR}×)",
     ("order_10", "order_100", "order_1000"), _flat),
    ("order_10_vs_1", "OrderRequest of 10 lines within 2× the CPU of 1 line, explained",
     ("order_1", "order_10"), _ten_lines),
]  # fmt: skip


def verdicts(scenarios: dict[str, Any]) -> list[Verdict]:
    """Each target, met, missed or not measured; a scenario with errors misses its target."""
    out = []
    for name, target, needs, check in TARGETS:
        if not all(key in scenarios for key in needs):
            out.append(Verdict(name, target, "not measured in this mode", None))
            continue
        errors = sum(scenarios[key]["errors"] for key in needs)
        if errors:
            out.append(Verdict(name, target, f"missed: {errors} failed requests", False))
            continue
        result = check(scenarios)
        out.append(Verdict(name, target, result, result.startswith("met")))
    return out
