"""The OCI readers: a call-up always reads; a NEW_ITEM form reads or is an OciError."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from punchout.protocol.oci import CHARSETS, OciError, choose_charset, read_callup, read_new_items
from tests.fuzz.profile import FUZZ

CALLUP_NAMES = st.sampled_from(
    ["USERNAME", "password", "HOOK_URL", "hook_url", "FUNCTION", "~TARGET", "returntarget",
     "HTTP_CONTENT_CHARSET", "OCI_VERSION", "PRODUCTID", "QUANTITY", "SEARCHSTRING", ""]
)  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["utf_16_be", "idna", "UTF-8", "iso-8859-1", "https%3A%2F%2Fx", "sNaN"]),
)
NEW_ITEM_NAMES = st.one_of(
    st.builds(
        "NEW_ITEM-{}[{}]".format,
        st.sampled_from(["DESCRIPTION", "QUANTITY", "PRICE", "unit", ""]),
        st.one_of(st.integers(-5, 2000).map(str), st.text(max_size=8)),
    ),
    st.builds("NEW_ITEM-LONGTEXT_{}:132[]".format, st.text(max_size=6)),
    st.text(max_size=30),
)


@FUZZ
@given(st.lists(st.tuples(st.one_of(CALLUP_NAMES, st.text(max_size=10)), VALUES), max_size=20))
def test_a_callup_always_reads_with_a_safe_charset(params: list[tuple[str, str]]) -> None:
    callup = read_callup(params)
    assert callup.charset in CHARSETS or callup.charset == ""
    charset, fields = choose_charset(callup.charset, [("NEW_ITEM-DESCRIPTION[1]", callup.search)])
    assert charset in CHARSETS
    for name, value in fields:
        (name + value).encode(charset)


@FUZZ
@given(st.text(max_size=30), st.text(max_size=30))
def test_any_requested_charset_sends_something_safe(requested: str, value: str) -> None:
    charset, fields = choose_charset(requested, [("f", value)])
    assert charset in CHARSETS
    fields[0][1].encode(charset)


@FUZZ
@given(st.dictionaries(NEW_ITEM_NAMES, st.text(max_size=20), max_size=20))
def test_a_new_item_form_reads_or_is_refused(form: dict[str, str]) -> None:
    try:
        items = read_new_items(form)
    except OciError:
        return
    assert len(items) <= len(form)
