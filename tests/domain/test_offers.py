"""Cart offers on a real Redis: the typed record, its one owner, and records of earlier versions."""

from __future__ import annotations

import json
from decimal import Decimal

from punchout.domain.cart import Cart
from punchout.domain.offers import Offer, Offers
from punchout.domain.pricebook import PricedLine
from punchout.runtime.store import Store
from tests.domain.cart_lines import cart_line


def test_a_remembered_cart_is_read_back_as_typed_offers_with_a_ttl(store: Store) -> None:
    first = cart_line(reference="ref-1", quantity=Decimal(12), unit_price=Decimal("42.50"))
    second = cart_line(reference="ref-2", template="LH-A4-120")
    Offers(store).remember("acme", Cart((first, second), Decimal("0"), "USD"), ttl=3600)
    assert Offers(store).find("acme", "ref-1") == Offer(
        template="BC-STD-85x55",
        quantity=Decimal(12),
        unit_price=Decimal("42.50"),
        currency="USD",
        unit_of_measure="BX",
    )
    found = Offers(store).find_many("acme", ["ref-2", "ref-1", "ref-2", "unknown"])
    assert sorted(found) == ["ref-1", "ref-2"]
    assert found["ref-2"].template == "LH-A4-120"
    key = store.key("offer", "acme", "ref-1")
    assert 3590 < store.redis.ttl(key) <= 3600
    # another buyer never sees them
    assert Offers(store).find("globex", "ref-1") is None
    assert Offers(store).find_many("globex", ["ref-1"]) == {}


def test_an_offer_written_by_the_previous_version_is_still_read(store: Store) -> None:
    """The previous version wrote a plain JSON object with every number as text; POs for
    those carts arrive days after an upgrade."""
    old = {
        "template": "BC-STD-85x55",
        "quantity": "10",
        "unit_price": "42.50",
        "currency": "USD",
        "unit_of_measure": "BX",
    }
    store.redis.set(store.key("offer", "acme", "old-ref"), json.dumps(old), ex=600)
    offer = Offers(store).find("acme", "old-ref")
    assert offer == Offer("BC-STD-85x55", Decimal(10), Decimal("42.50"), "USD", "BX")
    # and what this version writes is that same shape, for a process not yet upgraded
    assert offer is not None and offer.to_json() == old


def test_a_partial_or_garbled_offer_reads_as_empty_fields_that_match_nothing(
    store: Store,
) -> None:
    records = {
        "only-template": {"template": "BC-STD-85x55"},
        "junk-numbers": {"template": 7, "quantity": "ten", "unit_price": None},
        "not-an-object": ["template", "BC-STD-85x55"],
    }
    for reference, record in records.items():
        store.redis.set(store.key("offer", "acme", reference), json.dumps(record), ex=600)
    offers = Offers(store)
    assert offers.find("acme", "only-template") == Offer("BC-STD-85x55", None, None)
    assert offers.find("acme", "junk-numbers") == Offer("", None, None)
    assert offers.find("acme", "not-an-object") is None
    assert sorted(offers.find_many("acme", records)) == ["junk-numbers", "only-template"]


def test_an_offer_is_the_priced_line_it_was_made_from() -> None:
    line = cart_line(reference="r", quantity=Decimal(3), unit_price=Decimal("9.50"))
    assert isinstance(line.priced, PricedLine)
    assert Offer.of(line) == Offer("BC-STD-85x55", Decimal(3), Decimal("9.50"), "USD", "BX")
