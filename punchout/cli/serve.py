"""``punchout serve``: the connector in production, under gunicorn.

The settings are checked first: each problem
:func:`punchout.runtime.serve.production_problems` finds is one line on stderr, and nothing
starts (exit status 2). Then this process becomes gunicorn's master
(:func:`punchout.runtime.serve.run`).
"""

from __future__ import annotations

import sys

import click

from punchout.runtime.serve import production_problems, run
from punchout.runtime.settings import SettingsError, load_settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (more than 1 needs REDIS_URL).")  # fmt: skip
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker.")  # fmt: skip
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="A gunicorn config file (Python); these options win over it.")  # fmt: skip
def serve(host: str, port: int, workers: int, threads: int, config_file: str | None) -> None:
    """Serve the connector in production (gunicorn). Settings come from PUNCHOUT_* variables."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        click.echo(f"punchout serve: {exc}", err=True)
        sys.exit(2)
    problems = production_problems(settings, workers)
    if problems:
        for problem in problems:
            click.echo(f"punchout serve: refused: {problem}", err=True)
        sys.exit(2)
    run(settings, host=host, port=port, workers=workers, threads=threads, config_file=config_file)
