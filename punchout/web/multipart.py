"""``multipart/related`` OrderRequests: the cXML part and the attachments it points to.

cXML attachments travel as MIME parts referenced from the document by ``cid:`` URLs; the
``start`` parameter names the cXML part (the first part when absent). Python's ``email``
package does the MIME parsing.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from punchout.orders import Attachment


class BadMultipart(ValueError):
    """The multipart body cannot be used; the text says why."""


class AttachmentTooLarge(ValueError):
    """An attachment is larger than the connector accepts."""


def is_related(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "multipart/related"


def split_related(
    content_type: str, body: bytes, *, max_attachment_bytes: int
) -> tuple[bytes, list[Attachment]]:
    """The cXML document and the attachments of a multipart/related body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.default).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise BadMultipart("the multipart/related body has no parts (check the boundary)")
    parts = [p for p in message.iter_parts() if isinstance(p, EmailMessage)]
    if not parts:
        raise BadMultipart("the multipart/related body has no parts (check the boundary)")
    raw_start = message.get_param("start")
    start = raw_start.strip().strip("<>") if isinstance(raw_start, str) else ""
    document = next((p for p in parts if _cid(p) == start), None) if start else parts[0]
    if document is None:
        raise BadMultipart(f"no part has the Content-ID <{start}> named by start")
    attachments = []
    for part in parts:
        if part is document:
            continue
        data = part.get_payload(decode=True) or b""
        if not isinstance(data, bytes):
            raise BadMultipart("an attachment could not be decoded")
        if len(data) > max_attachment_bytes:
            raise AttachmentTooLarge(
                f"the attachment {part.get_filename() or _cid(part)} is {len(data)} bytes; "
                f"at most {max_attachment_bytes} are accepted"
            )
        attachments.append(
            Attachment(
                content_id=_cid(part),
                content_type=part.get_content_type(),
                filename=part.get_filename() or "",
                data=data,
            )
        )
    payload = document.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        raise BadMultipart("the cXML part is empty")
    return payload, attachments


def _cid(part: EmailMessage) -> str:
    return str(part.get("Content-ID", "")).strip().strip("<>")
