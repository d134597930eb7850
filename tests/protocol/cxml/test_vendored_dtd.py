"""The official cXML 1.2.071 DTD ships in the repository unmodified, with its licence, and
the project's own fixtures are valid against it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import etree

from tests.support import CXML_DTD, fixture_documents

# SHA-256 of cXML.dtd as published in the 1.2.071 DTD archive. The licence allows
# redistributing the specification only unmodified, with the licence attached.
CXML_DTD_SHA256 = "d267ad7b19cbd6608b972821daacab0f4d94a8ec78610b7127dba23222198a64"


def test_the_vendored_dtd_is_unmodified_and_carries_its_licence() -> None:
    assert hashlib.sha256(CXML_DTD.read_bytes()).hexdigest() == CXML_DTD_SHA256
    licence = (CXML_DTD.parent / "LICENSE-cXML.txt").read_text()
    assert "cXML LICENSE AGREEMENT" in licence and "unmodified Specification" in licence
    assert '<!ENTITY cxml.version "1.2.071" >' in CXML_DTD.read_text()


@pytest.mark.parametrize("path", fixture_documents(""))
def test_every_project_fixture_is_valid_against_the_official_dtd(path: Path) -> None:
    dtd = etree.DTD(str(CXML_DTD))
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    root = etree.parse(str(path), parser).getroot()
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
