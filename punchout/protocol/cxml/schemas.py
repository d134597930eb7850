"""The project's own schemas for what it emits (``xml_schemas/*.rng``).

They ship inside the package. :func:`validate_emitted` checks a document the connector is
about to send; tests run it on every emitted document, beside the official DTD.
"""

from __future__ import annotations

from functools import cache

from lxml import etree

from punchout import resources
from punchout.protocol.cxml.parse import parse_xml


class InvalidEmitted(ValueError):
    """A document the connector built does not match its schema (a bug, never sent)."""


@cache
def load_schemas() -> dict[str, etree.RelaxNG]:
    """Every schema in ``xml_schemas/``, by file stem."""
    schemas = {}
    for entry in sorted(resources.XML_SCHEMAS.glob("*.rng")):
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        schemas[entry.stem] = etree.RelaxNG(etree.fromstring(entry.read_bytes(), parser))
    return schemas


def validate_emitted(document: bytes) -> None:
    """Raise :class:`InvalidEmitted` unless ``document`` matches ``cxml-emitted.rng``."""
    schema = load_schemas()["cxml-emitted"]
    root = parse_xml(document, max_bytes=max(len(document), 1))
    if not schema.validate(root):
        raise InvalidEmitted(str(schema.error_log.last_error))
