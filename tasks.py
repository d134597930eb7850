#!/usr/bin/env python3
"""The project's two commands, needing nothing but python3.

    python3 tasks.py demo   set up .venv and run the connector on embedded defaults
                            (--printnow-profile documented: the sandbox answers with only
                            what PrintNow's documentation states)
    python3 tasks.py test   set up .venv (and Debian's Chromium for the browser tests) and run
                            ruff, mypy and the whole test suite

    python3 tasks.py bench  set up .venv (and wrk) and run the benchmarks (bench/run.py --help)
    python3 tasks.py mutate set up .venv and mutation-test the money and access modules; fails
                            when the score drops below the floor in pyproject.toml

Extra arguments after ``test`` go to pytest (``python3 tasks.py test -k sandbox``); without
them the whole suite runs with branch coverage, printed per module and checked against
tests/coverage_floors.toml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
from collections import Counter
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
CHROMIUM = os.environ.get("PUNCHOUT_CHROMIUM", "/usr/bin/chromium")


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def setup(extras: str) -> None:
    """Create .venv if needed and install the project (editable) with ``extras``."""
    if not PY.exists():
        venv.create(VENV, with_pip=True)
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "--quiet", "--editable", target)


PROFILE_FLAG = "--printnow-profile"


def demo(args: list[str]) -> None:
    setup("")
    if PROFILE_FLAG in args:  # the sandbox profile is a setting: PUNCHOUT_SANDBOX_PROFILE
        at = args.index(PROFILE_FLAG)
        if at + 1 >= len(args):
            sys.exit(f"{PROFILE_FLAG} needs a value: extended or documented")
        os.environ["PUNCHOUT_SANDBOX_PROFILE"] = args[at + 1]
        args = args[:at] + args[at + 2 :]
    os.execv(str(PY), [str(PY), "-m", "punchout", "demo", *args])


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium; install it when it is missing."""
    if Path(CHROMIUM).exists():
        return
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        sys.exit(
            f"The browser tests need Chromium at {CHROMIUM}. Install Debian's package as root:"
            " apt-get install chromium"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("+ apt-get install chromium", flush=True)
    subprocess.run([apt, "update", "-qq"], check=True, env=env)
    subprocess.run([apt, "install", "-y", "-qq", "chromium"], check=True, env=env)


def ensure_axe() -> None:
    """The browser tests check each page with axe-core (npm); install it when it is missing."""
    folder = ROOT / "tests" / "browser"
    if (folder / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("The browser tests need npm to install axe-core: apt-get install npm")
    subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=folder, check=True)


def test(args: list[str]) -> None:
    setup("test")
    ensure_chromium()
    ensure_axe()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    if args:
        run(PY, "-m", "pytest", *args)
    else:
        report = ROOT / "test-artifacts" / "coverage.json"
        run(PY, "-m", "pytest", "--cov", "--cov-report=term", f"--cov-report=json:{report}")
        run(PY, "-m", "tests.coverage_floors", report)
    # The sandbox-backed and browser tests again, with the sandbox answering only what
    # PrintNow's documentation states (empty 200 bodies, plain-text errors, no invented
    # fields).
    print("+ PUNCHOUT_SANDBOX_PROFILE=documented (sandbox and browser tests)", flush=True)
    env = {**os.environ, "PUNCHOUT_SANDBOX_PROFILE": "documented"}
    subprocess.run(
        [str(PY), "-m", "pytest", "-q", "-m", "sandbox or browser", *args],
        cwd=ROOT,
        check=True,
        env=env,
    )


def mutate(args: list[str]) -> None:
    """Mutation-test the modules named in pyproject.toml; fail below the recorded floor."""
    setup("test")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["punchout"]["mutation"]
    patterns: list[str] = config["mutants"]
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)  # no results cached from another tree
    # Each mutant's tests start their own embedded Redis: workers never share a database.
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    log = ROOT / "test-artifacts" / "mutation.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    children = str(max(os.cpu_count() or 2, 2))
    print(f"+ mutmut run --max-children {children} ({len(patterns)} patterns) > {log}", flush=True)
    with log.open("w") as out:
        done = subprocess.run(
            [BIN / "mutmut", "run", "--max-children", children, *patterns, *args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        print(log.read_text()[-3000:])
        sys.exit(f"mutmut run failed ({done.returncode}); the log is {log}")
    listing = subprocess.run(
        [BIN / "mutmut", "results", "--all", "true"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    status: dict[str, str] = {}
    for line in listing.splitlines():
        name, _, state = line.strip().rpartition(": ")
        if name and any(fnmatchcase(name, p) for p in patterns):
            status[name] = state
    counts = Counter(status.values())
    tested = sum(n for state, n in counts.items() if state not in {"not checked", "skipped"})
    score = counts["killed"] / tested if tested else 0.0
    survivors = sorted(n for n, state in status.items() if state not in {"killed", "skipped"})
    print("mutation results:", ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    for name in survivors:
        print(f"  {status[name]}: {name}")
    print(f"mutation score {score:.3f} ({counts['killed']}/{tested}), floor {config['floor']:.3f}")
    print("why each survivor is accepted: tests/mutation/survivors.md")
    if not tested or score < config["floor"]:
        sys.exit(f"mutation score {score:.3f} is below the floor {config['floor']:.3f}")


def bench(args: list[str]) -> None:
    setup("test")
    if shutil.which("wrk") is None:
        apt = shutil.which("apt-get")
        if apt is None or os.geteuid() != 0:
            sys.exit("The benchmarks need wrk: apt-get install wrk")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([apt, "install", "-y", "-qq", "wrk"], check=True, env=env)
    run(PY, ROOT / "bench" / "run.py", *args)


def main() -> None:
    commands = {"demo": demo, "test": test, "bench": bench, "mutate": mutate}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
