"""`punchout pricebook check` against the running connector's registry and price book."""

from __future__ import annotations

import pytest

from tests.cli.helpers import run
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox


def test_pricebook_check(connector: LiveConnector) -> None:
    ok = run(connector, "pricebook", "check")
    assert ok.exit_code == 0 and "complete" in ok.output
    missing = run(connector, "pricebook", "check", "--template", "MUG-11OZ")
    assert missing.exit_code == 1 and "has no price for MUG-11OZ" in missing.output
    connector.set_buyer(price_book="gold")
    wrong = run(connector, "pricebook", "check")
    assert wrong.exit_code == 1 and "no price list 'gold'" in wrong.output
