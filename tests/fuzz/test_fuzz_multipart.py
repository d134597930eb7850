"""The multipart/related reader: any body splits into bounded parts or is a BadMultipart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from punchout.web.multipart import MAX_PARTS, AttachmentTooLarge, BadMultipart, split_related
from tests.fuzz.profile import FUZZ

HEADERS = st.lists(
    st.sampled_from(
        ["Content-Type: text/xml", "Content-Type: multipart/related; boundary=b",
         "Content-ID: <po>", "Content-ID: <a>", "Content-Transfer-Encoding: base64",
         "Content-Transfer-Encoding: quoted-printable", "Content-Transfer-Encoding: x",
         'Content-Disposition: attachment; filename="a.pdf"', "Content-Type: ; =", "X: \x00",
         "Content-Type: text/plain; charset=utf_16_be", "no colon"]
    ),
    max_size=4,
)  # fmt: skip
CONTENT = st.one_of(st.binary(max_size=60), st.sampled_from([b"<cXML/>", b"PGNYTUwvPg==", b""]))
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        ['multipart/related; boundary="b"; start="<po>"', "multipart/related; boundary=b",
         "multipart/related", 'multipart/related; boundary=""; start=<a>']
    ),
    st.text(max_size=60).map(lambda t: "multipart/related; " + t),
)  # fmt: skip


def build(parts: list[tuple[list[str], bytes]], newline: bytes, close: bool) -> bytes:
    out = b"preamble" + newline
    for headers, content in parts:
        head = newline.join(h.encode("utf-8") for h in headers)
        out += b"--b" + newline + head + newline + newline + content + newline
    return out + (b"--b--" + newline if close else b"")


def split(content_type: str, body: bytes) -> None:
    try:
        related = split_related(content_type, body)
        related.attachments(max_attachment_bytes=40)
    except (BadMultipart, AttachmentTooLarge):
        return
    assert len(related.others) < MAX_PARTS and related.document


@FUZZ
@given(CONTENT_TYPES, st.binary(max_size=2_000))
def test_random_bodies(content_type: str, body: bytes) -> None:
    split(content_type, body)


@FUZZ
@given(
    CONTENT_TYPES,
    st.lists(st.tuples(HEADERS, CONTENT), max_size=8),
    st.sampled_from([b"\r\n", b"\n"]),
    st.booleans(),
)
def test_structured_bodies(
    content_type: str, parts: list[tuple[list[str], bytes]], newline: bytes, close: bool
) -> None:
    split(content_type, build(parts, newline, close))


@FUZZ
@given(st.integers(0, 3 * MAX_PARTS))
def test_many_parts_are_capped(count: int) -> None:
    body = build([(["Content-ID: <po>"], b"<cXML/>")] * count, b"\r\n", True)
    try:
        related = split_related('multipart/related; boundary="b"', body)
    except BadMultipart:
        assert count == 0 or count > MAX_PARTS
        return
    assert 1 <= count <= MAX_PARTS and len(related.others) == count - 1
