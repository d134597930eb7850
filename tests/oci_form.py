"""A plain reader of SAP OCI NEW_ITEM forms, for tests: independent of the product's reader.

It takes the form's fields as (name, value) pairs in document order, as the browser would send
them, and refuses what an SAP system could not read unambiguously: a field name sent twice, a
name that is not ``NEW_ITEM-<FIELD>[n]`` or ``NEW_ITEM-LONGTEXT_n:132[]``, or item numbers that
do not run 1, 2, 3, ... (OCI 4.0/5.0, outbound NEW_ITEM section).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

FIELD = re.compile(r"^NEW_ITEM-([A-Z][A-Z0-9_]*)\[(\d+)\]$")
LONGTEXT = re.compile(r"^NEW_ITEM-LONGTEXT_(\d+):132\[\]$")


def new_items(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """The form's items in order, each a dict of field name to value."""
    names = [name for name, _ in pairs if name.upper().startswith("NEW_ITEM-")]
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    assert not repeated, f"fields sent more than once: {repeated}"
    items: dict[int, dict[str, str]] = {}
    for name, value in pairs:
        if not name.upper().startswith("NEW_ITEM-"):
            continue
        field, longtext = FIELD.match(name), LONGTEXT.match(name)
        assert field or longtext, f"not an OCI NEW_ITEM field name: {name!r}"
        if longtext:
            items.setdefault(int(longtext[1]), {})["LONGTEXT"] = value
        else:
            assert field is not None
            items.setdefault(int(field[2]), {})[field[1]] = value
    assert sorted(items) == list(range(1, len(items) + 1)), f"item numbers {sorted(items)}"
    return [items[n] for n in sorted(items)]
