from __future__ import annotations

from decimal import Decimal

import pytest

from punchout.protocol.oci import (
    OciError,
    OciItem,
    choose_charset,
    cut,
    fold,
    form_charset,
    hook_form,
    new_item_fields,
    number,
    read_callup,
    read_new_items,
)
from tests.oci_form import new_items


def test_callup_names_are_case_insensitive_and_renamed_fields_read() -> None:
    callup = read_callup(
        [
            ("UserName", " acme "),
            ("pASSWORD", "pw"),
            ("mm_hook_url", "https%3A%2F%2Fh.example%2Fx"),
            ("function", "validate"),
            ("ProductID", "P1"),
            ("Quantity", "3"),
            ("RETURNTARGET", "frame1"),
        ],
        hook_field="MM_HOOK_URL",
    )
    assert (callup.username, callup.password, callup.hook_url) == (
        "acme",
        "pw",
        "https://h.example/x",
    )
    assert (callup.function, callup.product_id, callup.quantity, callup.target) == (
        "VALIDATE",
        "P1",
        "3",
        "frame1",
    )
    assert read_callup([]).target == "_top"


def test_indexed_fields_are_read_as_sap_sends_several_items() -> None:
    callup = read_callup(
        [
            ("FUNCTION", "VALIDATE"),
            ("PRODUCTID[2]", "P2"),
            ("QUANTITY[2]", "5"),
            ("productid[1]", " P1 "),
            ("Quantity[1]", "3"),
            ("HOOK_URL[1]", "https://h.example/x"),
            ("SEARCHSTRING[]", "ignored: no index"),
            ("PRODUCTID[0]", "not an item"),
            ("PRODUCTID[1001]", "beyond the last item"),
        ]
    )
    assert callup.products == (("P1", "3"), ("P2", "5"))
    assert (callup.product_id, callup.quantity, callup.hook_url) == (
        "P1",
        "3",
        "https://h.example/x",
    )
    plain = read_callup([("PRODUCTID", "P9"), ("QUANTITY", "2")])
    assert plain.products == (("P9", "2"),)
    assert read_callup([("PRODUCTID", "P9"), ("PRODUCTID[1]", "P1")]).product_id == "P9"
    assert read_callup([("FUNCTION", "VALIDATE")]).products == ()


def test_hook_query_parameters_become_hidden_inputs() -> None:
    assert hook_form("https://srm.example/hook?sap-client=100&a=&b=2#frag") == (
        "https://srm.example/hook",
        [("sap-client", "100"), ("a", ""), ("b", "2")],
    )


def test_numbers_have_a_point_and_no_separators() -> None:
    assert number(Decimal("1234567.5"), 2) == "1234567.50"
    assert number(Decimal("1E+3")) == "1000"
    assert number(Decimal("2.500")) == "2.5"


def test_cut_never_exceeds_and_prefers_word_boundaries() -> None:
    assert cut("alpha beta gamma", 12) == "alpha beta"
    assert cut("  spaced   out  ", 40) == "spaced out"
    assert len(cut("y" * 100, 40)) == 40


def test_new_item_fields_round_trip_and_lengths() -> None:
    item = OciItem(
        description="Very long description of a print product that goes on and on",
        quantity=Decimal("12"),
        unit="BX",
        price=Decimal("42.5"),
        currency="USD",
        lead_time_days=5,
        vendormat="BC-STD-85x55",
        ext_product_id="7-9-0123456789abcdef",
        unspsc="82121500",
        long_text="Design: name: Jane",
        custom=("9", "7", "5", "BC-STD-85x55", "A design name that is rather long " * 3),
    )
    fields = new_item_fields([item, item], ["CUSTFIELD1", "CUSTFIELD2"])
    names = [n for n, _ in fields]
    assert "NEW_ITEM-DESCRIPTION[2]" in names and "NEW_ITEM-LONGTEXT_2:132[]" in names
    assert "NEW_ITEM-CUSTFIELD1[1]" in names and "NEW_ITEM-CUST_FIELD1[1]" not in names
    first, second = new_items(fields)
    assert first == second
    # The simulator's reader (the product's) reads the same form the same way.
    assert read_new_items(dict(fields)) == [first, second]
    assert len(first["DESCRIPTION"]) <= 40 and first["PRICE"] == "42.50"


def test_charset_is_kept_when_lossless_else_utf8() -> None:
    assert choose_charset("ISO-8859-1", [("a", "Müller – “x”")]) == (
        "iso-8859-1",
        [("a", 'Müller - "x"')],
    )
    assert choose_charset("ISO-8859-1", [("a", "Łódź")]) == ("utf-8", [("a", "Łódź")])
    assert choose_charset("", [("a", "x")])[0] == "utf-8"
    assert choose_charset("no-such-charset", [("a", "x")])[0] == "utf-8"


@pytest.mark.parametrize(
    ("requested", "canonical"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("ISO-8859-1", "iso-8859-1"),
        ("iso8859_15", "iso-8859-15"),
        ("Windows-1252", "windows-1252"),
        ("US-ASCII", "us-ascii"),
        # Python codecs that are not ASCII-compatible charsets: never echoed
        ("utf_16_be", ""),
        ("UTF-16", ""),
        ("utf-32", ""),
        ("utf-7", ""),
        ("idna", ""),
        ("rot13", ""),
        ("punycode", ""),
        ("base64", ""),
        ("cp037", ""),
        ("utf-8; x=<script>", ""),
    ],
)
def test_only_ascii_compatible_charsets_are_accepted(requested: str, canonical: str) -> None:
    assert form_charset(requested) == canonical
    assert read_callup([("HTTP_CONTENT_CHARSET", requested)]).charset == canonical
    charset, _ = choose_charset(requested, [("NEW_ITEM-DESCRIPTION[1]", "<b>x</b>")])
    assert charset == (canonical or "utf-8")


@pytest.mark.parametrize("name", ["NEW_ITEM-PRICE[²]", "NEW_ITEM-PRICE[" + "9" * 5000 + "]",
                                  "NEW_ITEM-LONGTEXT_x:132[]", "NEW_ITEM-PRICE[0]"])  # fmt: skip
def test_a_new_item_index_that_is_no_small_number_is_refused(name: str) -> None:
    with pytest.raises(OciError, match="item index"):
        read_new_items({name: "1"})


def test_each_item_field_is_sent_once_with_hand_written_values() -> None:
    item = OciItem(
        description="Business cards",
        quantity=Decimal("12"),
        unit="BX",
        price=Decimal("42.5"),
        currency="USD",
        lead_time_days=5,
        vendormat="BC-STD-85x55",
        ext_product_id="7-9-0123456789abcdef",
        unspsc="82121500",
        long_text="Design: name: Jane",
        custom=("9", "7", "5", "BC-STD-85x55", "Cards"),
    )
    fields = new_item_fields([item], [])
    names = [name for name, _ in fields]
    assert len(names) == len(set(names))  # a repeated field would reach SAP twice
    (read,) = new_items(fields)
    assert {k: read[k] for k in ("QUANTITY", "PRICE", "PRICEUNIT", "CURRENCY", "UNIT")} == {
        "QUANTITY": "12",
        "PRICE": "42.50",
        "PRICEUNIT": "1",
        "CURRENCY": "USD",
        "UNIT": "BX",
    }
    assert read["LONGTEXT"] == "Design: name: Jane"
    assert ("NEW_ITEM-LONGTEXT_1:132[]", "Design: name: Jane") in fields


def test_the_plain_reader_refuses_a_field_sent_twice() -> None:
    fields = [("NEW_ITEM-QUANTITY[1]", "1"), ("NEW_ITEM-QUANTITY[1]", "12")]
    with pytest.raises(AssertionError, match="more than once"):
        new_items(fields)
    with pytest.raises(AssertionError, match="item numbers"):
        new_items([("NEW_ITEM-QUANTITY[2]", "1")])


def test_a_callup_is_read_field_by_field() -> None:
    callup = read_callup(
        [
            ("UserName", " ACME-SAP "),
            ("PASSWORD", " pw with spaces "),
            ("hook_url", "https%3A%2F%2Fsap.buyer.example%2Fhook%3Fa%3D1"),
            ("function", " validate "),
            ("~Target", " _blank "),
            ("HTTP_CONTENT_CHARSET", " ISO-8859-1 "),
            ("oci_version", " 4.0 "),
            ("PRODUCTID", " 7-9-abc "),
            ("Quantity", " 12 "),
            ("SearchString", " banner "),
            ("Extra", "kept"),
        ]
    )
    assert (callup.username, callup.password, callup.hook_url) == (
        "ACME-SAP",
        " pw with spaces ",  # a password is compared exactly as sent
        "https://sap.buyer.example/hook?a=1",
    )
    assert (callup.function, callup.target, callup.charset, callup.version) == (
        "VALIDATE",
        "_blank",
        "iso-8859-1",  # the canonical name of an allowed charset
        "4.0",
    )
    assert (callup.product_id, callup.quantity, callup.search) == ("7-9-abc", "12", "banner")
    assert callup.value("EXTRA") == "kept" and callup.value("missing") == ""


def test_an_empty_callup_reads_as_empty_fields_with_the_default_target() -> None:
    callup = read_callup([])
    assert (callup.username, callup.password, callup.hook_url, callup.function) == ("", "", "", "")
    assert (callup.target, callup.charset, callup.version) == ("_top", "", "")
    assert (callup.product_id, callup.quantity, callup.search) == ("", "", "")
    assert read_callup([("returntarget", "frame1")]).target == "frame1"
    assert read_callup([("~target", "  ")]).target == "_top"


def test_the_first_non_empty_value_of_a_name_wins() -> None:
    assert fold([("A", ""), ("a", "1"), ("A", "2"), ("", "nameless")]) == {"a": "1"}


@pytest.mark.parametrize("scheme", ["http", "https", "HTTP"])
def test_a_url_encoded_hook_url_is_decoded_once(scheme: str) -> None:
    callup = read_callup([("HOOK_URL", f"{scheme}%3A%2F%2Fsap.example%2Fhook%3Fx%3D1")])
    assert callup.hook_url == f"{scheme}://sap.example/hook?x=1"
