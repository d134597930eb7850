"""What every ``punchout`` command shares: running inside the app, and one-line errors.

Two ways to run a command: :func:`with_app` builds the whole connector (secrets, Redis,
PrintNow client) for the commands that need it; :func:`with_files` gives the commands that
only read or write the buyer registry and the price book an :class:`Office` built from the
settings alone, with no secret and no Redis, so they answer at once.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from punchout.domain.buyers import Buyer, BuyerRegistry, RegistryError
from punchout.domain.pricebook import PriceBook, PriceBookError
from punchout.runtime.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:  # the connector (Redis, PrintNow, sessions) loads only for with_app
    from punchout.runtime.connector import Connector


def _has_app_context() -> bool:
    """Whether a Flask app is active; none can be before Flask is imported, and the registry
    commands run without importing it."""
    if "flask" not in sys.modules:
        return False
    from flask import has_app_context

    return has_app_context()


F = TypeVar("F", bound=Callable[..., Any])


def with_app(command: F) -> F:
    """Run the command inside the connector app: the active one (a test's), or one built
    from the settings."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _has_app_context():
            return command(*args, **kwargs)
        from punchout.web.app import create_app

        try:
            app = create_app()
        except SettingsError as exc:
            click.echo(f"punchout: {exc}", err=True)
            sys.exit(2)
        with app.app_context():
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def connector() -> Connector:
    """The app's connector (:func:`punchout.web.context.connector`), imported on first use:
    the registry commands run without importing Flask."""
    from punchout.web.context import connector as app_connector

    return app_connector()


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON (a command's ``--json`` answer)."""
    click.echo(json.dumps(value, indent=2, default=str))


def fail(message: str) -> NoReturn:
    """Stop the command with one clear line on stderr and exit status 1."""
    click.echo(f"punchout: {message}", err=True)
    sys.exit(1)


@dataclass(frozen=True)
class Office:
    """What the registry commands need: the settings (secrets may be empty), the buyer
    registry and the price book (read on first use) as the connector loads them."""

    settings: Settings
    registry: BuyerRegistry
    book: PriceBook | None = None

    @property
    def pricebook(self) -> PriceBook:
        if self.book is not None:
            return self.book
        try:
            return PriceBook.load(pricebook_file(self.settings))
        except PriceBookError as exc:
            fail(str(exc))

    def url(self, path: str) -> str:
        """An absolute URL of the connector, as browsers and buyers reach it."""
        return self.settings.public_url + path

    def buyer(self, buyer_id: str) -> Buyer:
        """The buyer, or a one-line error naming the command that lists them."""
        buyer = self.registry.get(buyer_id)
        if buyer is None:
            fail(f"There is no buyer {buyer_id!r}; `punchout buyers list` shows them.")
        return buyer


_OFFICE_KEY = "punchout.office"


def pricebook_file(settings: Settings) -> Path:
    """The configured price book, or the shipped example (as the connector loads it)."""
    from punchout.runtime.connector import pricebook_path

    return pricebook_path(settings)


def with_files(command: F) -> F:
    """Run a command that only reads or writes the registry files: inside the app when one
    is active (a test's), otherwise from the settings alone, with no secret, no Redis and no
    PrintNow."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _has_app_context():
            return command(*args, **kwargs)
        context = click.get_current_context()
        try:
            settings = load_settings(require_secrets=False)
        except SettingsError as exc:
            click.echo(f"punchout: {exc}", err=True)
            sys.exit(2)
        context.meta[_OFFICE_KEY] = settings
        return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def office() -> Office:
    """The registry, price book and settings, read afresh (a command may have just written
    the registry)."""
    if _has_app_context():
        c = connector()
        return Office(c.settings, c.registry, c.pricebook)
    settings: Settings = click.get_current_context().meta[_OFFICE_KEY]
    try:
        path = settings.buyers_path
        registry = BuyerRegistry.load(path) if path.exists() else BuyerRegistry.empty()
    except RegistryError as exc:
        fail(str(exc))
    return Office(settings, registry)
