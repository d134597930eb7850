"""The `punchout` command itself (``punchout.cli:main``), and ``python -m punchout`` as the
same command.

The registry commands need no secret, no Redis and no PrintNow: they run through the real
entry point (click's runner) with no PUNCHOUT_* secret in the environment and REDIS_URL
naming a port nothing listens on, so any command that built the connector would stop on the
missing secrets or the dead Redis. A fresh clone's README line (`. .venv/bin/activate`) puts
`punchout` on PATH. Every command answers `--help`, with whole lines in each listing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from punchout import __version__
from punchout.cli import main
from punchout.runtime.settings import ENV_PREFIX, SECRET_NAMES

ROOT = Path(__file__).resolve().parents[2]
ADD = [
    "buyers", "add", "--id", "acme", "--name", "Acme", "--profile", "coupa", "--storefront", "1",
    "--user-policy", "per_user", "--price-book", "standard", "--domain", "DUNS",
    "--identity", "ACME-1", "--return-host", "acme.coupahost.com",
]  # fmt: skip


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    for name in SECRET_NAMES:
        monkeypatch.delenv(f"{ENV_PREFIX}{name.upper()}", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:9/0")  # the discard port: nothing
    monkeypatch.setenv(f"{ENV_PREFIX}BUYERS_FILE", str(tmp_path / "buyers.toml"))
    monkeypatch.setenv(f"{ENV_PREFIX}INSTANCE_PATH", str(tmp_path / "instance"))

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=input)

    return run


def test_onboarding_runs_with_no_secret_and_no_redis(invoke: object, tmp_path: Path) -> None:
    run = invoke
    assert callable(run)
    added = run(*ADD)
    assert added.exit_code == 0, added.output
    assert "cXML SharedSecret (shown only now" in added.output
    for args in (
        ["buyers", "list"],
        ["buyers", "show", "acme"],
        ["buyers", "show", "acme", "--for-buyer", "--json"],
        ["buyers", "set", "acme", "user_policy=shared", "cart_transport=urlencoded"],
        ["buyers", "rotate-secret", "acme", "--overlap-days", "1"],
        ["buyers", "disable", "acme", "--yes"],
        ["buyers", "enable", "acme"],
        ["pricebook", "check"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "not set" not in result.output and "Redis" not in result.output
    table = tomllib.loads((tmp_path / "buyers.toml").read_text())["buyers"]["acme"]
    assert table["user_policy"] == "shared" and len(table["secrets"]) == 2
    listed = json.loads(run("buyers", "list", "--json").output)
    assert listed[0]["enabled"] is True and listed[0]["profile"] == "coupa"
    assert not (tmp_path / "instance").exists()  # no embedded Redis was started


def test_a_command_that_needs_the_connector_still_names_the_missing_secrets(
    invoke: object,
) -> None:
    run = invoke
    assert callable(run)
    result = run("orders", "list")
    assert result.exit_code == 2 and "PUNCHOUT_MASTER_KEY is not set" in result.output


def test_version_and_completion(invoke: object) -> None:
    run = invoke
    assert callable(run)
    assert run("--version").output.strip() == f"punchout, version {__version__}"
    complete = {"_PUNCHOUT_COMPLETE": "bash_source"}
    script = CliRunner().invoke(main, [], env=complete, prog_name="punchout")
    assert "_punchout_completion" in script.output


def test_a_fresh_clone_puts_punchout_on_path_as_the_readme_says(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=60)
    readme = (clone / "README.md").read_text()
    assert ". .venv/bin/activate" in readme
    # The quickstart's .venv, as `python3 tasks.py demo` leaves it: this test's own.
    (clone / ".venv").symlink_to(Path(sys.prefix))
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = "/usr/bin:/bin"
    env["REDIS_URL"] = "redis://127.0.0.1:9/0"
    shell = ". .venv/bin/activate && punchout --version && punchout buyers list"
    done = subprocess.run(
        ["sh", "-c", shell], cwd=clone, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f"version {__version__}" in done.stdout and "No buyers yet" in done.stdout


def test_users_import_without_a_printnow_url_is_one_line(
    invoke: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = invoke
    assert callable(run)
    assert run(*ADD).exit_code == 0
    for name in SECRET_NAMES:
        monkeypatch.setenv(f"{ENV_PREFIX}{name.upper()}", "x" * 40)
    monkeypatch.delenv("REDIS_URL")  # an embedded Redis under the test's instance folder
    monkeypatch.delenv(f"{ENV_PREFIX}PRINTNOW_URL", raising=False)  # as `serve` runs by default
    rows = tmp_path / "users.csv"
    rows.write_text("email,first_name,last_name\nann@acme.example,Ann,Lee\n")
    result = run("users", "import", "acme", str(rows))
    # The connector refuses to be built without a PrintNow (only the demo plays one), and
    # says which setting to change, without a traceback.
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "PUNCHOUT_PRINTNOW_URL is not set" in result.output


@pytest.mark.parametrize(
    "group", [[], ["buyers"], ["users"], ["orders"], ["keys"], ["printnow"], ["pricebook"]]
)
def test_help_lines_are_whole(invoke: object, group: list[str]) -> None:
    run = invoke
    assert callable(run)
    listing = run(*group, "--help").output.split("Commands:", 1)[1]
    assert "..." not in listing and "…" not in listing, listing


@pytest.mark.parametrize(
    "command",
    [
        [], ["buyers"], ["buyers", "add"], ["buyers", "list"], ["buyers", "show"],
        ["buyers", "rotate-secret"], ["buyers", "disable"], ["buyers", "enable"],
        ["buyers", "set"], ["buyers", "edit"],
        ["buyers", "test"], ["users"], ["users", "list"], ["users", "link"],
        ["users", "import"], ["pricebook", "check"], ["orders", "list"], ["orders", "show"],
        ["orders", "resolve"], ["orders", "export"], ["orders", "import"], ["keys", "status"],
        ["keys", "migrate"], ["printnow", "check"], ["serve"], ["demo"],
    ],
)  # fmt: skip
def test_every_command_has_help(invoke: object, command: list[str]) -> None:
    run = invoke
    assert callable(run)
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) >= 4


def _python_m_punchout(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "punchout", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_python_m_punchout_is_the_punchout_command(invoke: object, tmp_path: Path) -> None:
    """The same commands, listed alike; `serve` refuses the same settings (here before
    gunicorn starts) and `demo` is there, as the README runs them."""
    run = invoke
    assert callable(run)
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env["PUNCHOUT_INSTANCE_PATH"] = str(tmp_path / "instance")
    listed = _python_m_punchout("--help", env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("Usage: python -m punchout [OPTIONS] COMMAND")
    commands = listed.stdout.split("Commands:", 1)[1]
    assert commands == run("--help").output.split("Commands:", 1)[1]
    assert "demo " in commands and "serve " in commands
    for name in SECRET_NAMES:
        env[f"{ENV_PREFIX}{name.upper()}"] = "x" * 40
    refused = _python_m_punchout("serve", "--workers", "3", env=env)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "punchout serve: refused: PUNCHOUT_PRINTNOW_URL is not set" in refused.stderr
    assert "Traceback" not in refused.stderr
    demo = _python_m_punchout("demo", "--help", env=env)
    assert demo.returncode == 0 and "--sandbox-port" in demo.stdout, demo.stderr
