"""What every ``punchout`` command shares: running inside the app, and one-line errors."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from flask import current_app, has_app_context
from flask.cli import ScriptInfo

from punchout.connector import Connector
from punchout.settings import SettingsError

F = TypeVar("F", bound=Callable[..., Any])


def with_app(command: F) -> F:
    """Run the command inside the connector app (built from the settings when needed)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return command(*args, **kwargs)
        info = click.get_current_context().find_object(ScriptInfo)
        try:
            if info is not None:  # under `flask` or Flask's test runner
                app = info.load_app()
            else:
                from punchout.app import create_app

                app = create_app()
        except SettingsError as exc:
            click.echo(f"punchout: {exc}", err=True)
            sys.exit(2)
        with app.app_context():
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def connector() -> Connector:
    value: Connector = current_app.extensions["punchout.connector"]
    return value


def fail(message: str) -> NoReturn:
    """Stop the command with one clear line on stderr and exit status 1."""
    click.echo(f"punchout: {message}", err=True)
    sys.exit(1)
