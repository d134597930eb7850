"""What the audit trail keeps of a received document: everything but its secrets.

The SharedSecret is found on the parsed tree, by local name in any case (as the reader finds
it), so a namespace prefix (``<c:SharedSecret>``), attributes, nested markup or another
encoding (UTF-16) cannot hide it from a byte pattern. A document that cannot be parsed is
not kept at all.
"""

from __future__ import annotations

from lxml import etree

from punchout.cxml.parse import MalformedDocument, parse_xml

#: cXML User's Guide, "Credential": the SharedSecret (or a CredentialMac's content) is the
#: password of the sender; both are authentication material.
SECRET_ELEMENTS = frozenset({"sharedsecret", "credentialmac", "digitalsignature"})
REDACTED = "[redacted]"
UNREADABLE = "[document not kept: it could not be parsed again for redaction]"


def redact(document: bytes) -> str:
    """The document as text with the content of every secret element replaced."""
    try:
        root = parse_xml(document, max_bytes=len(document) + 1)
    except (MalformedDocument, ValueError):
        return UNREADABLE
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname.lower() in SECRET_ELEMENTS:
            for child in list(node):
                node.remove(child)
            node.attrib.clear()
            node.text = REDACTED
    return str(etree.tostring(root, encoding="unicode"))
