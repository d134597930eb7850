"""The hardened parser refuses every known XML attack and oversized input."""

from __future__ import annotations

import pytest

from punchout.protocol.cxml.parse import MalformedDocument, PayloadTooLarge, parse_xml

LIMIT = 100_000

ATTACKS = {
    "billion laughs": b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<cXML>&lol3;</cXML>""",
    "external file entity": b"""<?xml version="1.0"?>
<!DOCTYPE cXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><cXML>&xxe;</cXML>""",
    "external network entity": b"""<?xml version="1.0"?>
<!DOCTYPE cXML [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/evil">]><cXML>&xxe;</cXML>""",
    "parameter entity": b"""<?xml version="1.0"?>
<!DOCTYPE cXML [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><cXML/>""",
    "unused entity declaration": b"""<?xml version="1.0"?>
<!DOCTYPE cXML [<!ENTITY harmless "x">]><cXML/>""",
}


@pytest.mark.parametrize("name", ATTACKS)
def test_entity_attacks_are_refused(name: str) -> None:
    with pytest.raises(MalformedDocument) as caught:
        parse_xml(ATTACKS[name], max_bytes=LIMIT)
    assert "root:" not in str(caught.value)


def test_an_external_dtd_is_never_fetched_or_applied() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE cXML SYSTEM "http://127.0.0.1:1/cXML.dtd">\n'
        b'<cXML payloadID="x"><Request/></cXML>'
    )
    root = parse_xml(body, max_bytes=LIMIT)
    assert root.get("version") is None  # a loaded DTD would add its default attributes


def test_a_reference_to_an_entity_of_an_unread_external_dtd_is_refused() -> None:
    # Not a well-formedness error when the DTD is not loaded: the tree keeps an entity node.
    body = b'<!DOCTYPE cXML SYSTEM "cXML.dtd"><cXML><Header><From>&who;</From></Header></cXML>'
    with pytest.raises(MalformedDocument, match="entity references"):
        parse_xml(body, max_bytes=LIMIT)


def test_oversized_bodies_are_refused_before_parsing() -> None:
    with pytest.raises(PayloadTooLarge):
        parse_xml(b"<cXML>" + b" " * LIMIT + b"</cXML>", max_bytes=LIMIT)


def test_absurdly_deep_trees_are_refused() -> None:
    body = b"<a>" * 5000 + b"</a>" * 5000
    with pytest.raises(MalformedDocument):
        parse_xml(body, max_bytes=LIMIT)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"not xml at all", "not well-formed"),
        (b"<cXML><Header></cXML>", "not well-formed"),
    ],
)
def test_garbage_gets_a_message_naming_the_problem(body: bytes, words: str) -> None:
    with pytest.raises(MalformedDocument) as caught:
        parse_xml(body, max_bytes=LIMIT)
    assert words in str(caught.value)


def test_cdata_becomes_text_and_comments_disappear() -> None:
    root = parse_xml(b"<a><!-- hi --><b><![CDATA[x & <y>]]></b><?pi x?></a>", max_bytes=LIMIT)
    assert [c.tag for c in root] == ["b"]
    assert root[0].text == "x & <y>"
