"""Redaction works on the parsed tree: no prefix, case, nesting or encoding hides a secret."""

from __future__ import annotations

import pytest

from punchout.orders import redact
from punchout.orders.audit import UNREADABLE

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
    kept = redact(document)
    assert SECRET not in kept and SECRET[4:] not in kept
    assert "[redacted]" in kept and "<Identity>AN01</Identity>" in kept


def test_a_document_that_cannot_be_parsed_is_not_kept() -> None:
    assert redact(b"<cXML><SharedSecret>" + SECRET.encode()) == UNREADABLE
