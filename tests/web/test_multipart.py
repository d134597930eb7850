"""The multipart/related reader: bounded, linear, no recursion, attachments only on request."""

from __future__ import annotations

import base64

import pytest

from punchout.web import multipart
from punchout.web.multipart import (
    MAX_PARTS,
    AttachmentTooLarge,
    BadMultipart,
    split_related,
)

DOCUMENT = b"<?xml version='1.0'?><cXML/>"
TYPE = 'multipart/related; boundary="b1"; type="text/xml"; start="<po@buyer.example>"'


def body(*parts: bytes, boundary: bytes = b"b1") -> bytes:
    out = b"preamble\r\n"
    for part in parts:
        out += b"--" + boundary + b"\r\n" + part + b"\r\n"
    return out + b"--" + boundary + b"--\r\nepilogue"


def part(headers: str, content: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n\r\n" + content


CXML_PART = part("Content-Type: text/xml\nContent-ID: <po@buyer.example>", DOCUMENT)


def test_the_start_part_is_the_document_and_attachments_decode_on_request() -> None:
    pdf = part(
        "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
        'Content-ID: <art@buyer.example>\nContent-Disposition: attachment; filename="a.pdf"',
        base64.encodebytes(b"%PDF-1.4 artwork"),
    )
    related = split_related(TYPE, body(pdf, CXML_PART))
    assert related.document == DOCUMENT
    (attachment,) = related.attachments(max_attachment_bytes=100)
    assert (attachment.content_id, attachment.filename, attachment.data) == (
        "art@buyer.example",
        "a.pdf",
        b"%PDF-1.4 artwork",
    )
    assert attachment.content_type == "application/pdf"
    with pytest.raises(AttachmentTooLarge):
        related.attachments(max_attachment_bytes=5)


def test_without_start_the_first_part_is_the_document() -> None:
    related = split_related('multipart/related; boundary="b1"', body(CXML_PART))
    assert related.document == DOCUMENT and related.others == ()


def test_attachments_are_not_decoded_when_splitting() -> None:
    broken = part("Content-Type: image/png\nContent-Transfer-Encoding: base64", b"!!!not base64")
    related = split_related(TYPE, body(CXML_PART, broken))  # no error: not decoded yet
    with pytest.raises(BadMultipart, match="base64"):
        related.attachments(max_attachment_bytes=1000)


def test_a_body_of_many_parts_is_refused_after_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[bytes] = []
    original = multipart._part
    monkeypatch.setattr(multipart, "_part", lambda raw: read.append(raw) or original(raw))
    bomb = b"--b1\r\n\r\nx\r\n" * 100_000 + b"--b1--"
    with pytest.raises(BadMultipart, match=f"more than {MAX_PARTS} parts"):
        split_related(TYPE, bomb)
    assert read == []  # refused while scanning: no part header was even read


def test_exactly_the_cap_is_accepted() -> None:
    others = [part(f"Content-ID: <a{n}>", b"x") for n in range(MAX_PARTS - 1)]
    related = split_related(TYPE, body(CXML_PART, *others))
    assert len(related.others) == MAX_PARTS - 1


def nested(depth: int) -> bytes:
    inner = CXML_PART
    for level in range(depth):
        boundary = f"n{level}".encode()
        inner = part(
            f'Content-Type: multipart/related; boundary="{boundary.decode()}"',
            body(inner, boundary=boundary),
        )
    return body(inner)


@pytest.mark.parametrize("depth", [1, 1_500])
def test_nested_multipart_is_refused_without_recursion(depth: int) -> None:
    with pytest.raises(BadMultipart, match="nested multipart"):
        split_related('multipart/related; boundary="b1"', nested(depth))


@pytest.mark.parametrize(
    ("content_type", "data", "words"),
    [
        ("multipart/related", body(CXML_PART), "boundary"),
        ("multipart/related; boundary=" + "x" * 71, body(CXML_PART), "boundary"),
        ('multipart/related; boundary="other"', body(CXML_PART), "no parts"),
        ('multipart/related; boundary="b1"; start="<nope>"', body(CXML_PART), "<nope>"),
        ('multipart/related; boundary="b1"', body(part("Content-ID: <x>", b"")), "empty"),
        (
            'multipart/related; boundary="b1"',
            body(b"Content-Type: text/xml\r\n" + b"X-Long: " + b"a" * 10_000 + b"\r\n\r\nx"),
            "headers",
        ),
        (
            'multipart/related; boundary="b1"',
            body(part("Content-Transfer-Encoding: x-uuencode", b"x")),
            "transfer encoding",
        ),
    ],
)
def test_unusable_bodies_say_why(content_type: str, data: bytes, words: str) -> None:
    with pytest.raises(BadMultipart, match=words):
        split_related(content_type, data)


def test_a_boundary_that_merely_starts_a_line_is_content() -> None:
    document = b"<cXML>\r\n--b1x is not a delimiter</cXML>"
    related = split_related('multipart/related; boundary="b1"', body(b"\r\n" + document))
    assert related.document == document
