"""Check branch coverage per module against the floors in tests/coverage_floors.toml.

    python -m tests.coverage_floors test-artifacts/coverage.json

Run by ``python3 tasks.py test`` after the whole suite (coverage.py's JSON report). Prints each
floored module's branch coverage and exits 1 when one is below its floor or matches no file.
"""

from __future__ import annotations

import fnmatch
import json
import sys
import tomllib
from pathlib import Path

FLOORS = Path(__file__).resolve().parent / "coverage_floors.toml"


def branch_percent(summary: dict[str, float]) -> float:
    """Covered branches in percent (100 for a module without branches)."""
    branches = summary.get("num_branches", 0)
    return 100.0 if not branches else 100.0 * summary["covered_branches"] / branches


def check(report: dict[str, object], floors: dict[str, float]) -> list[str]:
    """One line per floored module, and the problems (below floor, pattern matching nothing)."""
    files: dict[str, dict[str, dict[str, float]]] = report["files"]  # type: ignore[assignment]
    problems = []
    print(f"{'module':40} {'branches':>9} {'floor':>6}")
    for pattern, floor in floors.items():
        matched = sorted(name for name in files if fnmatch.fnmatch(name, pattern))
        if not matched:
            problems.append(f"{pattern}: no measured module matches (update {FLOORS.name})")
        for name in matched:
            percent = branch_percent(files[name]["summary"])
            print(f"{name:40} {percent:8.1f}% {floor:5.1f}%")
            if percent + 1e-9 < floor:
                problems.append(f"{name}: branch coverage {percent:.1f}% is below {floor:.1f}%")
    return problems


def main(argv: list[str]) -> int:
    report = json.loads(Path(argv[0]).read_text())
    floors = tomllib.loads(FLOORS.read_text())["floors"]
    problems = check(report, floors)
    for problem in problems:
        print("coverage floor:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
