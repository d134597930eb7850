"""Redaction works on the parsed tree: no prefix, case, nesting or encoding hides a secret."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import etree

from punchout.domain.orders import redact
from punchout.domain.orders.audit import REDACTED, SECRET_ELEMENTS, keep_attachments
from punchout.domain.orders.errors import Attachment
from punchout.protocol.cxml.parse import parse_xml

SECRET = "s3cret-VALUE"


@pytest.mark.parametrize(
    "credential",
    [
        f"<SharedSecret>{SECRET}</SharedSecret>",
        f'<c:SharedSecret xmlns:c="urn:c">{SECRET}</c:SharedSecret>',
        f"<sharedsecret>{SECRET}</sharedsecret>",
        f'<SharedSecret kind="x"><b>{SECRET[:4]}</b>{SECRET[4:]}</SharedSecret>',
        f"<SharedSecret><![CDATA[{SECRET}]]></SharedSecret>",
        f'<CredentialMac type="FromSenderCredentials">{SECRET}</CredentialMac>',
    ],
)
@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "ISO-8859-1"])
def test_every_form_of_secret_is_redacted(credential: str, encoding: str) -> None:
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?><cXML><Header><Sender><Credential>'
        f"<Identity>AN01</Identity>{credential}</Credential></Sender></Header></cXML>"
    ).encode(encoding.lower())
    kept = redact(parse_xml(document, max_bytes=len(document)))
    assert SECRET not in kept and SECRET[4:] not in kept
    assert "[redacted]" in kept and "<Identity>AN01</Identity>" in kept


def _walked(document: bytes) -> str:
    """Redaction by definition: every element whose lower-cased local name is a secret's."""
    root = parse_xml(document, max_bytes=len(document))
    for node in root.iter(etree.Element):
        if etree.QName(node).localname.lower() in SECRET_ELEMENTS:
            for child in list(node):
                node.remove(child)
            node.attrib.clear()
            node.text = REDACTED
    return str(etree.tostring(root, encoding="unicode"))


@pytest.mark.parametrize(
    "inside",
    [
        "<SharedSecret>a</SharedSecret><sharedSECRET>b</sharedSECRET>",
        '<x:credentialMAC xmlns:x="urn:x" a="1">c</x:credentialMAC><CredentialMac/>',
        '<SharedSecret><SharedSecret k="v">d</SharedSecret>e</SharedSecret>',
        "<DigitalSignature>\n<SignedInfo>f</SignedInfo></DigitalSignature>",
        '<s xmlns="urn:d"><SharedSecret\n>g</SharedSecret\n></s>',
        "<SharedSecretHint>kept</SharedSecretHint><MySharedSecret>kept</MySharedSecret>",
        '<Comment a="&lt;SharedSecret>">&lt;SharedSecret>kept&lt;/SharedSecret></Comment>',
        "<Note><![CDATA[<SharedSecret>kept</SharedSecret>]]></Note>",
        "<Identity>no secret at all</Identity>",
    ],
)
def test_redaction_matches_a_walk_over_every_element(inside: str) -> None:
    document = f"<cXML><Header>{inside}</Header></cXML>".encode()
    assert redact(parse_xml(document, max_bytes=len(document))) == _walked(document)


def test_the_root_itself_can_be_a_secret() -> None:
    document = b"<SharedSecret><a>x</a></SharedSecret>"
    assert redact(parse_xml(document, max_bytes=100)) == "<SharedSecret>[redacted]</SharedSecret>"


# ---------------------------------------------------------------- attachments kept on disk


def _digest(buyer_id: str, order_id: str) -> str:
    return hashlib.sha256(f"{buyer_id}\0{order_id}".encode()).hexdigest()[:24]


def test_no_attachments_keep_nothing_and_make_no_folder(tmp_path: Path) -> None:
    assert keep_attachments(tmp_path, "acme", "PO-1", []) == []
    assert not (tmp_path / "attachments").exists()


def test_each_attachment_is_saved_numbered_under_the_buyer_and_described(tmp_path: Path) -> None:
    files = [
        Attachment("<a1@buyer>", "application/pdf", "proof.pdf", b"%PDF-1.4 first"),
        Attachment("<a2@buyer>", "image/png", "logo-v2_final.png", b"\x89PNG second"),
    ]
    kept = keep_attachments(tmp_path, "acme", "PO-7", files)
    folder = tmp_path / "attachments" / "acme" / _digest("acme", "PO-7")
    assert sorted(p.name for p in folder.iterdir()) == ["01-proof.pdf", "02-logo-v2_final.png"]
    assert (folder / "01-proof.pdf").read_bytes() == b"%PDF-1.4 first"
    assert (folder / "02-logo-v2_final.png").read_bytes() == b"\x89PNG second"
    assert kept == [
        {
            "content_id": "<a1@buyer>",
            "content_type": "application/pdf",
            "filename": "proof.pdf",
            "size": 14,
            "sha256": hashlib.sha256(b"%PDF-1.4 first").hexdigest(),
            "path": str(folder / "01-proof.pdf"),
        },
        {
            "content_id": "<a2@buyer>",
            "content_type": "image/png",
            "filename": "logo-v2_final.png",
            "size": 11,
            "sha256": hashlib.sha256(b"\x89PNG second").hexdigest(),
            "path": str(folder / "02-logo-v2_final.png"),
        },
    ]


def test_the_folder_depends_on_buyer_and_order_and_a_second_save_overwrites(
    tmp_path: Path,
) -> None:
    one = Attachment("<c>", "text/plain", "a.txt", b"one")
    first = keep_attachments(tmp_path, "acme", "PO-1", [one])
    other = keep_attachments(tmp_path, "acme", "PO-2", [one])
    assert Path(first[0]["path"]).parent != Path(other[0]["path"]).parent
    # the same order received again (a retry) writes into the existing folder
    again = keep_attachments(tmp_path, "acme", "PO-1", [Attachment("<c>", "t/p", "a.txt", b"2")])
    assert again[0]["path"] == first[0]["path"]
    assert Path(first[0]["path"]).read_bytes() == b"2"


def test_a_buyers_file_name_cannot_leave_the_folder_or_grow_without_bound(
    tmp_path: Path,
) -> None:
    files = [
        Attachment("<1>", "text/plain", "../../etc/passwd", b"x"),
        Attachment("<2>", "text/plain", "", b"y"),
        Attachment("<3>", "text/plain", "r\u00e9sum\u00e9 final.doc", b"z"),
        Attachment("<4>", "text/plain", "a" * 200, b"w"),
    ]
    kept = keep_attachments(tmp_path, "acme", "PO-9", files)
    names = [Path(k["path"]).name for k in kept]
    assert names == [
        "01-.._.._etc_passwd",
        "02-attachment",
        "03-r_sum__final.doc",
        "04-" + "a" * 80,
    ]
    folder = tmp_path / "attachments" / "acme" / _digest("acme", "PO-9")
    assert all(Path(k["path"]).parent == folder for k in kept)
    # the description keeps the name the buyer sent
    assert [k["filename"] for k in kept][:3] == [
        "../../etc/passwd",
        "",
        "r\u00e9sum\u00e9 final.doc",
    ]


def test_upper_case_file_names_are_kept_as_sent(tmp_path: Path) -> None:
    kept = keep_attachments(tmp_path, "acme", "PO-1", [Attachment("<c>", "t/p", "Logo.PDF", b"x")])
    assert Path(kept[0]["path"]).name == "01-Logo.PDF"


def test_the_kept_document_is_xml_text() -> None:
    kept = redact(
        parse_xml(b"<cXML><Header><SharedSecret>x</SharedSecret></Header></cXML>", max_bytes=100)
    )
    assert kept == "<cXML><Header><SharedSecret>[redacted]</SharedSecret></Header></cXML>"
