"""``punchout pricebook check``: whether every buyer can be priced for every template.

Reads only the registry and the price book files (no secret, no Redis, no PrintNow).
"""

from __future__ import annotations

import click

from punchout.cli.common import echo_json, fail, office, pricebook_file, with_files
from punchout.domain.pricebook import PriceBook, PriceBookError


@click.group("pricebook")
def pricebook() -> None:
    """The price book buyers are priced from."""


@pricebook.command("check")
@click.option(
    "--template",
    "templates",
    multiple=True,
    help="A storefront template every buyer must be able to order (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@with_files
def pricebook_check(templates: tuple[str, ...], as_json: bool) -> None:
    """Check that every buyer can be priced for every template, with valid UOM, UNSPSC and
    currency (a template priced in any list, or named with --template, must be in all)."""
    c = office()
    path = pricebook_file(c.settings)
    try:
        book = PriceBook.load(path)
    except PriceBookError as exc:
        if as_json:
            echo_json({"file": str(path), "ok": False, "problems": exc.problems})
            raise SystemExit(1) from None
        for problem in exc.problems:
            click.echo(f"  {problem}")
        fail(f"The price book {path} is not valid.")
    wanted = {t for lst in book.lists.values() for t in lst.items} | set(templates)
    problems = []
    for buyer in c.registry.all():
        if buyer.price_book not in book.lists:
            problems.append(f"buyer {buyer.id}: there is no price list {buyer.price_book!r}")
            continue
        missing = sorted(wanted - set(book.lists[buyer.price_book].items))
        if missing:
            problems.append(
                f"buyer {buyer.id}: list {buyer.price_book!r} has no price for "
                + ", ".join(missing)
            )
    if as_json:
        echo_json({"file": str(path), "ok": not problems, "problems": problems,
                   "templates": sorted(wanted), "lists": sorted(book.lists)})  # fmt: skip
        raise SystemExit(1 if problems else 0)
    for problem in problems:
        click.echo(f"  {problem}")
    if problems:
        fail(f"{len(problems)} problem(s) in {path}.")
    click.echo(
        f"The price book is complete: {len(wanted)} template(s), {len(book.lists)} list(s), "
        f"{len(c.registry.all())} buyer(s)."
    )
