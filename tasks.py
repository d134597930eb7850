#!/usr/bin/env python3
"""The project's two commands, needing nothing but python3.

    python3 tasks.py demo   set up .venv and run the connector on embedded defaults
    python3 tasks.py test   set up .venv (and Debian's Chromium for the browser tests) and run
                            ruff, mypy and the whole test suite

    python3 tasks.py bench  set up .venv (and wrk) and run the benchmarks (bench/run.py --help)

Extra arguments after ``test`` go to pytest (``python3 tasks.py test -k sandbox``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
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


def demo(args: list[str]) -> None:
    setup("")
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
    run(PY, "-m", "pytest", *args)


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
    commands = {"demo": demo, "test": test, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
