"""The ``punchout`` command (also ``python -m punchout``), on click.

``buyers`` (:mod:`punchout.cli.buyers`, :mod:`punchout.cli.buyers_change`), ``pricebook``
(:mod:`punchout.cli.pricebook`) and ``users`` (:mod:`punchout.cli.users`) onboard buyers;
``orders`` (:mod:`punchout.cli.orders`) reads and settles the order ledger; ``keys`` rotates
the master key (:mod:`punchout.cli.keys`); ``printnow`` checks a PrintNow
(:mod:`punchout.cli.printnow`); ``serve`` runs the connector under gunicorn
(:mod:`punchout.cli.serve`); ``demo`` runs everything on embedded defaults
(:mod:`punchout.cli.demo`). Each command's module is imported only when the command runs, so
a command that reads the registry does not load Redis, PrintNow or the order desk. A command
that needs the connector builds it (:func:`punchout.cli.common.with_app`); the app factory
knows nothing of the command line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import click

from punchout import __version__


def _buyers() -> click.Command:
    from punchout.cli import buyers_change as cli_buyers_change
    from punchout.cli.buyers import buyers

    for command in cli_buyers_change.COMMANDS:
        buyers.add_command(command)
    return buyers


def _attribute(module: str, name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        command: click.Command = getattr(importlib.import_module(module), name)
        return command

    return load


#: Each command (or group of commands) and how to load it.
GROUPS: dict[str, Callable[[], click.Command]] = {
    "buyers": _buyers,
    "users": _attribute("punchout.cli.users", "users"),
    "pricebook": _attribute("punchout.cli.pricebook", "pricebook"),
    "orders": _attribute("punchout.cli.orders", "orders"),
    "keys": _attribute("punchout.cli.keys", "keys"),
    "printnow": _attribute("punchout.cli.printnow", "printnow"),
    "documents": _attribute("punchout.cli.documents", "documents"),
    "serve": _attribute("punchout.cli.serve", "serve"),
    "worker": _attribute("punchout.cli.documents", "worker"),
    "demo": _attribute("punchout.cli.demo", "demo"),
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
        return sorted({*super().list_commands(ctx), *GROUPS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = GROUPS.get(cmd_name)
        if load is not None and cmd_name not in self.commands:
            self.add_command(_whole_short_help(load()), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Groups, context_settings={"max_content_width": 100})
@click.version_option(__version__, prog_name="punchout")
def main() -> None:
    """The punch-out connector: run it, onboard buyers, settle orders. Settings come from
    PUNCHOUT_* variables.

    Shell completion (click's): add `eval "$(_PUNCHOUT_COMPLETE=bash_source punchout)"` to
    ~/.bashrc (zsh: zsh_source, fish: fish_source).
    """
