"""The rules under the procurement user's pages: branding settings, pack sizes, cart rows,
what an error tells the person to do next."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask, g

from punchout import resources
from punchout.domain.cart import quantity_error
from punchout.domain.pricebook import PriceBook
from punchout.domain.sessions import PunchoutSession, RestoredItem
from punchout.printnow import Project
from punchout.printnow.errors import BadRequest, NotFound, PrintNowTimeout, ServerError
from punchout.runtime.settings import SettingsError, contrast, load_settings
from punchout.web.cart_rows import Typed, cart_rows
from punchout.web.context import request_id
from tests.conftest import make_settings
from tests.support import TEST_SECRETS

EXAMPLE = resources.EXAMPLE_PRICEBOOK


def test_session_lifetime_defaults_to_hours(tmp_path: Path) -> None:
    assert make_settings(tmp_path).session_ttl_seconds >= 4 * 3600


def test_brand_colours_must_be_readable() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            environ={},
            overrides={**TEST_SECRETS, "brand_color": "#ffff00", "brand_text_color": "#ffffff"},
        )
    assert any("not readable" in p for p in caught.value.problems)
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={}, overrides={**TEST_SECRETS, "brand_color": "red;}"})
    assert any("brand_color must be a colour" in p for p in caught.value.problems)
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


def test_a_pack_size_is_shown_per_unit() -> None:
    book = PriceBook.load(EXAMPLE)
    cards = book.item("standard", "BC-STD-85x55")
    banner = book.item("standard", "BN-RU-850")
    assert cards is not None and cards.sold_per == "box of 500"
    assert banner is not None and banner.sold_per == "each"


def _session(**values: object) -> PunchoutSession:
    base: dict[str, object] = dict(
        id="s", buyer_id="b", protocol="cxml", operation="create", user_key="u",
        customer_id=1, is_temp=False, pipo_token="t",
    )  # fmt: skip
    return PunchoutSession(**{**base, **values})  # type: ignore[arg-type]


def test_rows_apply_price_breaks_and_keep_what_was_typed() -> None:
    book = PriceBook.load(EXAMPLE)
    projects = [Project(1, "Old", "BC-STD-85x55"), Project(2, "New", "BC-STD-85x55")]
    session = _session(known_project_ids=(1,))
    shown = cart_rows(book, "standard", session, projects, Typed(), {})
    assert [(r.project.id, r.selected, r.is_new) for r in shown.rows] == [
        (2, True, True),
        (1, False, False),
    ]
    assert shown.total == Decimal("45.00")
    typed = Typed(frozenset({1, 2}), {1: "50", 2: "abc"})
    shown = cart_rows(book, "standard", session, projects, typed, {2: "wrong"})
    by_id = {r.project.id: r for r in shown.rows}
    assert by_id[1].unit_price == Decimal("39.00") and by_id[1].amount == Decimal("1950.00")
    assert by_id[2].quantity == "abc" and by_id[2].error == "wrong" and by_id[2].amount is None
    assert shown.total == Decimal("1950.00")


def test_restored_designs_are_not_new() -> None:
    book = PriceBook.load(EXAMPLE)
    restored = RestoredItem(project_id=5, quantity="3", supplier_part_id="BC", reference="r")
    session = _session(operation="edit", restored_items=(restored,))
    (row,) = cart_rows(
        book, "standard", session, [Project(5, "A", "BC-STD-85x55")], Typed(), {}
    ).rows
    assert row.selected and not row.is_new and row.quantity == "3"


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "abc", "", "1e9"])
def test_quantity_errors_say_what_is_wrong(raw: str) -> None:
    assert quantity_error(raw)
    assert quantity_error("12") == ""


def test_outages_are_told_apart_from_configuration_problems() -> None:
    assert PrintNowTimeout(None, "slow").is_outage
    assert ServerError(503, "down").is_outage
    assert not BadRequest(400, "storefront_id 9 does not exist.").is_outage
    assert not NotFound(404, "no such storefront").is_outage


def test_the_reference_is_the_request_id_the_logs_carry() -> None:
    app = Flask(__name__)
    with app.test_request_context():
        g.request_id = "from-the-logging-middleware"
        assert request_id() == "from-the-logging-middleware"
    with app.test_request_context():
        made = request_id()
        assert made == request_id() and len(made) == 16
