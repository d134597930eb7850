"""What the audit trail keeps of a received PO: its document without secrets, its attachments.

The SharedSecret is found on the parsed tree, by local name in any case (as the reader finds
it), so a namespace prefix (``<c:SharedSecret>``), attributes, nested markup or another
encoding (UTF-16) cannot hide it from a byte pattern. A document that cannot be parsed is
not kept at all.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from punchout.protocol.cxml.parse import MalformedDocument, parse_xml

from .errors import Attachment

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
    for node in root.iter(etree.Element):  # elements only: no comments, no PIs
        tag = node.tag  # "{namespace}LocalName" or "LocalName"; sliced, not parsed per node
        if tag[tag.rfind("}") + 1 :].lower() in SECRET_ELEMENTS:
            for child in list(node):
                node.remove(child)
            node.attrib.clear()
            node.text = REDACTED
    return str(etree.tostring(root, encoding="unicode"))


def keep_attachments(
    instance_path: Path, buyer_id: str, order_id: str, attachments: Sequence[Attachment]
) -> list[dict[str, Any]]:
    """Save a PO's attachments under ``<instance>/attachments/`` and describe each."""
    if not attachments:
        return []
    digest = hashlib.sha256(f"{buyer_id}\0{order_id}".encode()).hexdigest()[:24]
    folder = instance_path / "attachments" / buyer_id / digest
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for n, attachment in enumerate(attachments, start=1):
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", attachment.filename or "attachment")[:80]
        path = folder / f"{n:02d}-{safe}"
        path.write_bytes(attachment.data)
        kept.append(
            {
                "content_id": attachment.content_id,
                "content_type": attachment.content_type,
                "filename": attachment.filename,
                "size": len(attachment.data),
                "sha256": hashlib.sha256(attachment.data).hexdigest(),
                "path": str(path),
            }
        )
    return kept
