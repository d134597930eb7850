"""``multipart/related`` OrderRequests: the cXML part and the attachments it points to.

cXML attachments travel as MIME parts (RFC 2387) referenced from the document by ``cid:``
URLs; the ``start`` parameter names the cXML part (the first part when absent).

The body arrives before anyone is authenticated, so reading it is cheap and bounded: one
linear scan for the boundary that stops after :data:`MAX_PARTS` parts, part headers read
only up to :data:`MAX_HEADER_BYTES`, no nested multipart (refused, so there is no
recursion), and only the cXML part decoded. The attachments are decoded by
:meth:`RelatedBody.attachments`, which the endpoint calls once the document's credentials
have been checked.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser

from werkzeug.http import parse_options_header

from punchout.domain.orders import Attachment
from punchout.errors import Refusal

#: Most parts one body may have: the cXML document and its attachments.
MAX_PARTS = 50
#: Largest header block of one part.
MAX_HEADER_BYTES = 8_192
_MAX_BOUNDARY = 70  # RFC 2046 section 5.1.1
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_ENCODINGS = ("", "7bit", "8bit", "binary", "base64", "quoted-printable")


class BadMultipart(Refusal, ValueError):
    """The multipart body cannot be used; the text says why: 400."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


class AttachmentTooLarge(Refusal, ValueError):
    """An attachment is larger than the connector accepts: 413."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)

    @property
    def buyer_text(self) -> str:
        """The message as a sentence, the file's name as the buyer wrote it."""
        text = str(self)
        return text[:1].upper() + text[1:] + "."


@dataclass(frozen=True)
class Part:
    """One MIME part: its headers (read) and its content (not yet decoded)."""

    headers: EmailMessage
    content: bytes

    @property
    def content_id(self) -> str:
        return str(self.headers.get("Content-ID", "")).strip().strip("<>")

    @property
    def encoding(self) -> str:
        return str(self.headers.get("Content-Transfer-Encoding", "")).strip().lower()

    def decoded(self) -> bytes:
        if self.encoding == "base64":
            try:
                return base64.b64decode(self.content)
            except (binascii.Error, ValueError):
                raise BadMultipart(f"the part <{self.content_id}> is not valid base64") from None
        if self.encoding == "quoted-printable":
            return quopri.decodestring(self.content)
        return self.content


@dataclass(frozen=True)
class RelatedBody:
    """A split multipart/related body: the cXML document and the other parts, undecoded."""

    document: bytes
    others: tuple[Part, ...]

    def attachments(self, *, max_attachment_bytes: int) -> list[Attachment]:
        """The attachments, decoded (call this only for an authenticated document)."""
        found = []
        for part in self.others:
            data = part.decoded()
            if len(data) > max_attachment_bytes:
                raise AttachmentTooLarge(
                    f"the attachment {part.headers.get_filename() or part.content_id} is "
                    f"{len(data)} bytes; at most {max_attachment_bytes} are accepted"
                )
            found.append(
                Attachment(
                    content_id=part.content_id,
                    content_type=part.headers.get_content_type(),
                    filename=part.headers.get_filename() or "",
                    data=data,
                )
            )
        return found


def is_related(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "multipart/related"


def split_related(content_type: str, body: bytes) -> RelatedBody:
    """The cXML document of a multipart/related body and its other parts (undecoded)."""
    _, params = parse_options_header(content_type)
    boundary = params.get("boundary", "")
    if not boundary or len(boundary) > _MAX_BOUNDARY:
        raise BadMultipart("the multipart/related Content-Type has no usable boundary")
    parts = [_part(raw) for raw in _raw_parts(body, boundary.encode("latin-1", "replace"))]
    if not parts:
        raise BadMultipart("the multipart/related body has no parts (check the boundary)")
    for part in parts:
        if part.headers.get_content_maintype() == "multipart":
            raise BadMultipart("nested multipart parts are not accepted; send one level")
        if part.encoding not in _ENCODINGS:
            raise BadMultipart(f"the transfer encoding {part.encoding[:40]!r} is not accepted")
    start = params.get("start", "").strip().strip("<>")
    document = next((p for p in parts if p.content_id == start), None) if start else parts[0]
    if document is None:
        raise BadMultipart(f"no part has the Content-ID <{start[:100]}> named by start")
    payload = document.decoded()
    if not payload:
        raise BadMultipart("the cXML part is empty")
    return RelatedBody(payload, tuple(p for p in parts if p is not document))


def _raw_parts(body: bytes, boundary: bytes) -> list[bytes]:
    """The parts between the delimiters (RFC 2046 section 5.1.1), at most MAX_PARTS."""
    delimiter = b"\n--" + boundary
    text = b"\n" + body  # a delimiter may open the body without a line break before it
    parts: list[bytes] = []
    found = _next_delimiter(text, delimiter, 0)
    while found is not None and found[1] >= 0:  # not the close delimiter
        _, content_start = found
        following = _next_delimiter(text, delimiter, content_start)
        end = len(text) if following is None else following[0]
        if len(parts) == MAX_PARTS:
            raise BadMultipart(f"the multipart/related body has more than {MAX_PARTS} parts")
        parts.append(text[content_start:end].removesuffix(b"\r"))
        found = following
    return parts


def _next_delimiter(text: bytes, delimiter: bytes, start: int) -> tuple[int, int] | None:
    """(where the next delimiter line starts, where its part's content starts, or -1 for
    the close delimiter); None when there is none. Boundary text that merely begins a
    longer line is content, skipped."""
    position = text.find(delimiter, start)
    while position >= 0:
        after = position + len(delimiter)
        if text.startswith(b"--", after):
            return position, -1
        line_end = text.find(b"\n", after)
        if line_end < 0:
            return None
        if not text[after:line_end].strip(b" \t\r"):
            return position, line_end + 1
        position = text.find(delimiter, after)
    return None


def _part(raw: bytes) -> Part:
    if raw.startswith((b"\r\n", b"\n")):  # no headers at all
        return Part(_headers(b""), raw.removeprefix(b"\r").removeprefix(b"\n"))
    blank = _BLANK_LINE.search(raw, 0, MAX_HEADER_BYTES + 4)
    if blank is None:
        raise BadMultipart("a part's headers are missing their end or are too long")
    return Part(_headers(raw[: blank.start()]), raw[blank.end() :])


def _headers(block: bytes) -> EmailMessage:
    message = BytesHeaderParser(policy=policy.default).parsebytes(block + b"\r\n\r\n")
    assert isinstance(message, EmailMessage)
    return message
