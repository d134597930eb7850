"""`punchout serve` says each production refusal on one line and starts nothing (the
refusals themselves: tests/production/test_refusals.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from punchout.cli.serve import serve
from tests.support import TEST_SECRETS


def test_punchout_serve_prints_each_refusal_on_one_line_and_exits_2(tmp_path: Path) -> None:
    env = {f"PUNCHOUT_{k.upper()}": v for k, v in TEST_SECRETS.items()}
    env.update(PUNCHOUT_INSTANCE_PATH=str(tmp_path), PUNCHOUT_PRINTNOW_URL="", REDIS_URL="")
    env["PUNCHOUT_PUBLIC_URL"] = "http://127.0.0.1:8000"
    result = CliRunner().invoke(serve, ["--workers", "3"], env=env)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    settings = ("PUNCHOUT_PRINTNOW_URL", "PUNCHOUT_STOREFRONT_URL_TEMPLATE", "REDIS_URL")
    for line, setting in zip(lines, (*settings, "PUNCHOUT_PUBLIC_URL"), strict=True):
        assert line.startswith(f"punchout serve: refused: {setting}")


def test_punchout_serve_names_a_missing_secret_in_one_line(tmp_path: Path) -> None:
    env = {f"PUNCHOUT_{k.upper()}": v for k, v in TEST_SECRETS.items()}
    env.update(PUNCHOUT_INSTANCE_PATH=str(tmp_path), PUNCHOUT_MASTER_KEY="")
    result = CliRunner().invoke(serve, [], env=env)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("punchout serve: ") and "PUNCHOUT_MASTER_KEY" in result.stderr
    assert "Traceback" not in result.output
