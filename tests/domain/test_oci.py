from __future__ import annotations

from decimal import Decimal

import pytest

from punchout.oci import (
    OciItem,
    choose_charset,
    cut,
    fold,
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
        "ISO-8859-1",
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
