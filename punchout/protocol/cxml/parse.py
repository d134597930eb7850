"""The one hardened entry point for every XML document the connector reads.

No entity expansion, no network, no DTD loading, no huge trees; a document that declares
entities (the "billion laughs" family) is refused outright, and the body size is capped
before parsing. Comments and processing instructions are dropped; CDATA becomes text.
"""

from __future__ import annotations

from lxml import etree

from punchout.errors import Refusal


class PayloadTooLarge(Refusal, ValueError):
    """The body is larger than the endpoint accepts: 413."""

    public_text = "The document is larger than this endpoint accepts."

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


class MalformedDocument(Refusal, ValueError):
    """The body is not a well-formed, acceptable XML document; the text names the problem: 400."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
    )


def parse_xml(body: bytes, *, max_bytes: int) -> etree._Element:
    """Parse ``body`` safely and return its root element."""
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"the document is {len(body)} bytes; at most {max_bytes} accepted")
    if not body.strip():
        raise MalformedDocument("the request body is empty; send a cXML document")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedDocument(
            f"the document is not well-formed XML: {_first_line(exc)}"
        ) from None
    if root is None:
        raise MalformedDocument("the document has no root element")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or _declares_entities(body)):
        raise MalformedDocument("the document declares entities, which are not accepted")
    if next(root.iter(etree.Entity), None) is not None:  # found in C, not node by node
        raise MalformedDocument("the document uses entity references, which are not accepted")
    return root


def _declares_entities(body: bytes) -> bool:
    return b"<!ENTITY" in body


def _first_line(exc: etree.XMLSyntaxError) -> str:
    text = str(exc.msg if getattr(exc, "msg", None) else exc).splitlines()
    return (text[0] if text else "syntax error")[:200]
