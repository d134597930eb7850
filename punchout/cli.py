"""The ``punchout`` command for the supplier's operations staff (click; also Flask's CLI).

``buyers``, ``pricebook`` (:mod:`punchout.cli_buyers`, :mod:`punchout.cli_buyers_change`)
and ``users`` (:mod:`punchout.cli_users`) onboard buyers; ``orders``
(:mod:`punchout.cli_orders`) reads and settles the order ledger; ``keys`` rotates the master
key (:mod:`punchout.cli_keys`); ``printnow`` checks a PrintNow (:mod:`punchout.cli_printnow`);
``serve`` runs the connector under gunicorn (:mod:`punchout.serve`).
Each group's module is imported only when the group runs, so a command that reads the
registry does not load Redis, PrintNow or the order desk.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from punchout import __version__

if TYPE_CHECKING:
    from flask import Flask


def _buyers() -> click.Command:
    from punchout import cli_buyers_change
    from punchout.cli_buyers import buyers

    for command in cli_buyers_change.COMMANDS:
        buyers.add_command(command)
    return buyers


def _attribute(module: str, name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    return load


#: Each command group and how to load it.
GROUPS: dict[str, Callable[[], click.Command]] = {
    "buyers": _buyers,
    "users": _attribute("punchout.cli_users", "users"),
    "pricebook": _attribute("punchout.cli_buyers", "pricebook"),
    "orders": _attribute("punchout.cli_orders", "orders"),
    "keys": _attribute("punchout.cli_keys", "keys"),
    "printnow": _attribute("punchout.cli_printnow", "printnow"),
    "documents": _attribute("punchout.backchannel.commands", "documents"),
}

#: Commands of the ``punchout`` command only (not the app's ``flask`` CLI): running the
#: connector itself under gunicorn (:mod:`punchout.serve`).
SERVER_COMMANDS: dict[str, Callable[[], click.Command]] = {
    "serve": _attribute("punchout.serve", "serve"),
    "worker": _attribute("punchout.backchannel.commands", "worker"),
}


def _whole_short_help(command: click.Command) -> click.Command:
    """Give each subcommand its help's first sentence as the line in its group's listing,
    wrapped rather than cut with "..." (click's default cuts it to fit one line)."""
    for sub in getattr(command, "commands", {}).values():
        if not sub.short_help and sub.help:
            paragraph = sub.help.split("\n\n", 1)[0]
            sentence = " ".join(paragraph.split()).split(". ", 1)[0].rstrip(".")
            sub.short_help = sentence + "."
        _whole_short_help(sub)
    return command


class _Groups(click.Group):
    """A group whose subgroups are imported on first use (click's lazy loading)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *GROUPS, *SERVER_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = GROUPS.get(cmd_name) or SERVER_COMMANDS.get(cmd_name)
        if load is not None and cmd_name not in self.commands:
            self.add_command(_whole_short_help(load()), cmd_name)
        return super().get_command(ctx, cmd_name)


def register(app: Flask) -> None:
    """Add the command groups to the app's ``flask`` CLI."""
    for name, load in GROUPS.items():
        app.cli.add_command(_whole_short_help(load()), name)


@click.group(cls=_Groups, context_settings={"max_content_width": 100})
@click.version_option(__version__, prog_name="punchout")
def main() -> None:
    """Punch-out connector administration. Settings come from PUNCHOUT_* variables.

    Shell completion (click's): add `eval "$(_PUNCHOUT_COMPLETE=bash_source punchout)"` to
    ~/.bashrc (zsh: zsh_source, fish: fish_source).
    """
