"""What the audit trail keeps of a received PO: its document without secrets, its attachments.

The SharedSecret is found on the tree the endpoint parsed, by local name in any case (as the
reader finds it), so a namespace prefix (``<c:SharedSecret>``), attributes, nested markup or
another encoding (UTF-16) cannot hide it from a byte pattern.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import Attachment

#: cXML User's Guide, "Credential": the SharedSecret (or a CredentialMac's content) is the
#: password of the sender; both are authentication material.
SECRET_ELEMENTS = frozenset({"sharedsecret", "credentialmac", "digitalsignature"})
REDACTED = "[redacted]"


def redact(root: etree._Element) -> str:
    """The document as text with the content of every secret element replaced.

    ``root`` is redacted in place: give it a tree nothing reads afterwards. The spellings of
    the secret names are found in the serialised text and their elements in C ("{*}Name":
    any namespace or none), not by a walk over every node in Python.
    """
    text = str(etree.tostring(root, encoding="unicode"))
    spellings = _spellings(text)
    if not spellings:
        return text
    for node in list(root.iter(*(f"{{*}}{name}" for name in spellings))):
        for child in list(node):
            node.remove(child)
        node.attrib.clear()
        node.text = REDACTED
    return str(etree.tostring(root, encoding="unicode"))


def _spellings(text: str) -> set[str]:
    """Every spelling in ``text`` of a secret element's name, in any ASCII case: a superset
    of the local names of its secret elements, since each element's name is in its start
    tag. (str.lower() folds no other character onto a letter of these names.)"""
    raw = text.encode()
    folded = raw.lower()  # bytes.lower changes only A-Z: the offsets stay the same
    found = set()
    for name in SECRET_ELEMENTS:
        needle = name.encode()
        at = folded.find(needle)
        while at >= 0:
            found.add(raw[at : at + len(needle)].decode("ascii"))
            at = folded.find(needle, at + len(needle))
    return found


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
