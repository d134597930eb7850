"""DTD validation of the documents sent after an order: against the vendored copy of the
official cXML 1.2.071 DTDs, and against the external corpus's copy when it is present."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from punchout.protocol.cxml.parse import parse_xml
from tests.support import CXML_DTD, SHARED_CXML

VENDORED = CXML_DTD.parent
EXTERNAL = SHARED_CXML / "dtd" / "1.2.071"


@cache
def _dtd(path: str) -> etree.DTD:
    return etree.DTD(path)


def declared_dtd(document: bytes) -> str:
    """The DTD file the document's DOCTYPE names (Fulfill.dtd, InvoiceDetail.dtd, ...)."""
    root = parse_xml(document, max_bytes=10_000_000)
    system_url = root.getroottree().docinfo.system_url or ""
    return system_url.rsplit("/", 1)[-1]


def assert_dtd_valid(document: bytes, folder: Path = VENDORED) -> etree._Element:
    """``document`` is valid against the DTD its DOCTYPE names, from ``folder``."""
    root = parse_xml(document, max_bytes=10_000_000)
    dtd = _dtd(str(folder / declared_dtd(document)))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    return root


def external_folder() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip(f"the external cXML DTDs are not at {EXTERNAL} (optional)")
    return EXTERNAL
