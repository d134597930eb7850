"""The two ways a PunchOutOrderMessage travels in the browser's form post (cXML User's
Guide, "cXML Basics", One-Way (Asynchronous) Model: the form post).

``cXML-base64`` carries the UTF-8 bytes as base64 (the default: any character survives).
``cXML-urlencoded`` carries the document as text, which must be pure US-ASCII: every other
character becomes a numeric character reference. The HTML form escapes the value and the
browser URL-encodes it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

from lxml import etree

from punchout.protocol.cxml.build import DOCTYPE

#: The field names as every receiver reads them (the names are case-insensitive in the
#: User's Guide, but buyers' systems and their tools compare them exactly).
BASE64_FIELD = "cxml-base64"
URLENCODED_FIELD = "cxml-urlencoded"
FIELDS = (BASE64_FIELD, URLENCODED_FIELD)


def cxml_base64(document: bytes) -> str:
    return base64.b64encode(document).decode("ascii")


def cxml_urlencoded(document: bytes) -> str:
    """The document re-serialised as US-ASCII text (non-ASCII as character references)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(document, parser)
    text: bytes = etree.tostring(root, encoding="US-ASCII", xml_declaration=False, doctype=DOCTYPE)
    return '<?xml version="1.0" encoding="US-ASCII"?>\n' + text.decode("ascii")


def decode_cart(form: Mapping[str, str]) -> bytes | None:
    """The cXML document of a cart form post (field names case-insensitive), base64 first."""
    fields = {name.lower(): value for name, value in form.items()}
    if value := fields.get("cxml-base64"):
        return base64.b64decode(value, validate=False)
    if value := fields.get("cxml-urlencoded"):
        return value.encode("ascii", "xmlcharrefreplace")
    return None
