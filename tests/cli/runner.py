"""Running `punchout ...` against a test's own connector app, as the installed command runs
against the app it builds from the settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from click.testing import CliRunner, Result
from flask import Flask

from punchout.cli import main


class PunchoutRunner:
    """Invokes the ``punchout`` command inside ``app`` (its registry, Redis and PrintNow)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def invoke(
        self,
        args: Sequence[str],
        input: str | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> Result:
        with self.app.app_context():
            return CliRunner().invoke(main, list(args), input=input, env=env)
