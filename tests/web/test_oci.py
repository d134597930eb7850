"""SAP OCI end to end: call-up by GET and POST, storefront, NEW_ITEM form, functions, orders."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest

from punchout.protocol.oci import LENGTHS
from tests.buyer_side import Browser, BuyerIdentity, ReturnedCart, order_request, status_of
from tests.oci_form import new_items
from tests.support import OCI_PASSWORD
from tests.web.conftest import LiveConnector

pytestmark = pytest.mark.sandbox
HOOK = "http://127.0.0.1:9/sap/bc/srm/hook?sap-client=100&OCI=x"


def callup(**extra: str) -> dict[str, str]:
    params = {
        "username": "acme-sap",  # odd case: names and the user name match in any case
        "Password": OCI_PASSWORD,
        "hook_url": HOOK,
        "~OkCode": "ADDI",
        "~TARGET": "_top",
        "~caller": "CTLG",
        "OCI_VERSION": "5.0",
        "USER_EMAIL": "jane.doe@buyer.example",
    }
    params.update(extra)
    return params


def start(connector: LiveConnector, method: str = "POST", **extra: str) -> Browser:
    browser = Browser()
    url = f"{connector.url}/oci/acme"
    if method == "GET":
        browser.get(url + "?" + urlencode(callup(**extra)))
    else:
        browser.post(url, data=callup(**extra))
    return browser


def returned(browser: Browser, quantity: str = "1", **fields: str) -> dict[str, Any]:
    browser.design(**(fields or {"name_on_card": "Jane Doe"}))
    browser.get(browser.storefront_return_url())
    _, _, checked = browser.cart_form()
    browser.submit_cart("return", quantities={p: quantity for p in checked})
    action, target, form_fields, charset = browser.returned_form()
    return {
        "action": action,
        "target": target,
        "fields": form_fields,
        "charset": charset,
        "items": new_items(form_fields),
    }


def check_oci_field_formats(item: dict[str, str]) -> None:
    for name, length in LENGTHS.items():
        assert name in item, name  # every field present, empty or not
        assert len(item[name]) <= length, (name, item[name])
        assert item[name] == item[name].lstrip(), name  # no leading spaces
    for name in ("QUANTITY", "PRICE"):
        assert re.fullmatch(r"\d{1,11}(\.\d{1,3})?", item[name]), item[name]
    assert item["PRICEUNIT"] == "1" and item["LEADTIME"].isdigit()


def test_post_callup_round_trip_with_every_field_checked(connector: LiveConnector) -> None:
    browser = start(connector)
    assert browser.last is not None and "/storefront/1" in browser.last.url
    cart = returned(browser, quantity="12", name_on_card="Jürgen Müller-Lüdenscheidt")
    assert cart["action"] == "http://127.0.0.1:9/sap/bc/srm/hook"
    assert cart["target"] == "_top"
    assert ("sap-client", "100") in cart["fields"] and ("OCI", "x") in cart["fields"]
    assert cart["charset"] == "utf-8"
    (item,) = cart["items"]
    check_oci_field_formats(item)
    assert (item["QUANTITY"], item["PRICE"], item["CURRENCY"], item["UNIT"]) == (
        "12",
        "42.50",
        "USD",
        "BX",
    )
    assert item["VENDORMAT"] == "BC-STD-85x55"
    assert item["MATGROUP"] == item["EXT_CATEGORY_ID"] == "82121500"
    assert item["EXT_SCHEMA_TYPE"] == "UNSPSC"
    assert re.fullmatch(r"[A-Za-z0-9-]{1,40}", item["EXT_PRODUCT_ID"])
    assert "Jürgen Müller-Lüdenscheidt" in item["LONGTEXT"]
    assert item["CUST_FIELD4"] == "BC-STD-85x55"
    assert len(item["CUST_FIELD5"]) <= 50


def test_get_callup_with_a_renamed_hook_field_and_encoded_hook(connector: LiveConnector) -> None:
    connector.set_buyer(oci={"hook_field": "MM_HOOK_URL"})
    params = callup()
    del params["hook_url"]
    params["mm_hook_url"] = urlencode({"x": HOOK})[2:]  # URL-encoded once more, as SAP may
    browser = Browser()
    browser.get(f"{connector.url}/oci/acme?" + urlencode(params))
    assert browser.last is not None and "/storefront/1" in browser.last.url
    assert returned(browser)["action"] == "http://127.0.0.1:9/sap/bc/srm/hook"


def test_descriptions_are_cut_cleanly_and_charsets_kept_lossless(
    connector: LiveConnector,
) -> None:
    browser = start(
        connector, http_content_charset="ISO-8859-1", returntarget="catalog", **{"~TARGET": ""}
    )
    cart = returned(browser, name_on_card="Zoë Ñúñez Gómez de la Peña y Straßburger")
    assert cart["charset"] == "iso-8859-1" and cart["target"] == "catalog"
    (item,) = cart["items"]
    assert "Ñúñez" in item["LONGTEXT"]
    check_oci_field_formats(item)
    # A character ISO-8859-1 cannot carry: the form falls back to UTF-8, never to "?".
    browser = start(connector, http_content_charset="ISO-8859-1")
    cart = returned(browser, name_on_card="Łukasz Żółć")
    assert cart["charset"] == "utf-8"
    assert "Łukasz Żółć" in cart["items"][0]["LONGTEXT"]


def test_description_cut_at_a_word(connector: LiveConnector) -> None:
    from punchout.protocol.oci import cut

    text = "Business cards 85 x 55 mm, 400 gsm matte, box of 500"
    assert cut(text, 40) == "Business cards 85 x 55 mm, 400 gsm matte"
    assert len(cut("x" * 90, 40)) == 40


def test_validate_detail_and_background_search(connector: LiveConnector) -> None:
    cart = returned(start(connector))
    reference = cart["items"][0]["EXT_PRODUCT_ID"]
    browser = Browser()
    page = browser.post(
        f"{connector.url}/oci/acme",
        data=callup(FUNCTION="VALIDATE", PRODUCTID=reference, QUANTITY="12"),
    )
    assert page.status_code == 200 and page.history == []  # answered on this URL
    _, _, fields, _ = browser.returned_form()
    (item,) = new_items(fields)
    assert (item["EXT_PRODUCT_ID"], item["QUANTITY"], item["PRICE"]) == (reference, "12", "42.50")
    check_oci_field_formats(item)

    detail = Browser().get(
        f"{connector.url}/oci/acme?" + urlencode(callup(FUNCTION="DETAIL", PRODUCTID=reference))
    )
    assert detail.status_code == 200
    assert "Business cards 85 x 55 mm" in detail.text
    if connector.sandbox.documented:  # PIPO's Project has no personalisation: said so
        assert "does not report this design" in detail.text and "Jane Doe" not in detail.text
    else:
        assert "Jane Doe" in detail.text
    assert "<form" not in detail.text  # read-only

    browser = Browser()
    browser.post(
        f"{connector.url}/oci/acme",
        data=callup(FUNCTION="BACKGROUND_SEARCH", SEARCHSTRING="banner"),
    )
    _, _, fields, _ = browser.returned_form()
    assert [i["VENDORMAT"] for i in new_items(fields)] == ["BN-RU-850"]
    browser.post(
        f"{connector.url}/oci/acme", data=callup(FUNCTION="BACKGROUND_SEARCH", SEARCHSTRING="")
    )
    _, _, fields, _ = browser.returned_form()
    assert len(new_items(fields)) == 3


def test_indexed_fields_work_for_every_function(connector: LiveConnector) -> None:
    # SAP sends several items as PRODUCTID[1], QUANTITY[1], PRODUCTID[2], ...
    cart = returned(start(connector))
    reference = cart["items"][0]["EXT_PRODUCT_ID"]
    browser = Browser()
    page = browser.post(
        f"{connector.url}/oci/acme",
        data=callup(
            FUNCTION="VALIDATE",
            **{"PRODUCTID[1]": reference, "QUANTITY[1]": "12"},
            **{"PRODUCTID[2]": "BN-RU-850", "QUANTITY[2]": "1"},
        ),
    )
    assert page.status_code == 200, page.text
    _, _, fields, _ = browser.returned_form()
    first, second = new_items(fields)  # every field once
    assert (first["EXT_PRODUCT_ID"], first["QUANTITY"], first["PRICE"]) == (
        reference,
        "12",
        "42.50",
    )
    assert (second["VENDORMAT"], second["QUANTITY"]) == ("BN-RU-850", "1")
    check_oci_field_formats(first)
    check_oci_field_formats(second)

    unknown = Browser().post(
        f"{connector.url}/oci/acme",
        data=callup(FUNCTION="VALIDATE", **{"PRODUCTID[1]": "NOPE", "QUANTITY[1]": "1"}),
    )
    assert unknown.status_code == 422 and "NOPE" in unknown.text
    empty = Browser().post(f"{connector.url}/oci/acme", data=callup(FUNCTION="VALIDATE"))
    assert empty.status_code == 400 and "PRODUCTID" in empty.text

    detail = Browser().get(
        f"{connector.url}/oci/acme?"
        + urlencode(callup(FUNCTION="DETAIL", **{"PRODUCTID[1]": reference}))
    )
    assert detail.status_code == 200 and "Business cards 85 x 55 mm" in detail.text

    browser = Browser()
    browser.post(
        f"{connector.url}/oci/acme",
        data=callup(FUNCTION="BACKGROUND_SEARCH", **{"SEARCHSTRING[1]": "banner"}),
    )
    _, _, fields, _ = browser.returned_form()
    assert [i["VENDORMAT"] for i in new_items(fields)] == ["BN-RU-850"]


def test_every_function_sends_the_buyers_unit_codes(connector: LiveConnector) -> None:
    connector.set_buyer(unit_map={"BX": "BOX", "EA": "ST"})
    for data, unit in (
        (callup(FUNCTION="VALIDATE", **{"PRODUCTID[1]": "BC-STD-85x55"}), "BOX"),
        (callup(FUNCTION="BACKGROUND_SEARCH", SEARCHSTRING="banner"), "ST"),  # sold as EA
    ):
        browser = Browser()
        browser.post(f"{connector.url}/oci/acme", data=data)
        _, _, fields, _ = browser.returned_form()
        assert [i["UNIT"] for i in new_items(fields)] == [unit]
    cart = returned(start(connector))
    assert cart["items"][0]["UNIT"] == "BOX"


@pytest.mark.parametrize(
    "change",
    [{"Password": "wrong"}, {"username": "someone-else"}, {"Password": "none"}],
    ids=["password", "username", "placeholder"],
)
def test_bad_credentials_get_a_page_that_leaks_nothing(
    connector: LiveConnector, change: dict[str, str]
) -> None:
    page = Browser().post(f"{connector.url}/oci/acme", data=callup(**change))
    assert page.status_code == 401
    assert "Catalog login not accepted" in page.text
    assert "password" not in page.text.lower() and "username" not in page.text.lower()


def test_unknown_buyer_gets_the_same_page(connector: LiveConnector) -> None:
    page = Browser().post(f"{connector.url}/oci/nobody", data=callup())
    assert page.status_code == 401 and "Catalog login not accepted" in page.text


def test_hook_url_outside_the_allowlist_and_missing(connector: LiveConnector) -> None:
    refused = Browser().post(
        f"{connector.url}/oci/acme", data=callup(hook_url="https://evil.example/hook")
    )
    assert refused.status_code == 403 and "not registered" in refused.text
    params = callup()
    del params["hook_url"]
    missing = Browser().post(f"{connector.url}/oci/acme", data=params)
    assert missing.status_code == 400 and "HOOK_URL" in missing.text


def as_cxml_cart(cart: dict[str, Any], *, part_is_reference: bool = False) -> ReturnedCart:
    """The OCI cart as the buyer's network turns it into cXML lines for the PO."""
    items = "".join(
        f'<ItemIn quantity="{i["QUANTITY"]}"><ItemID>'
        f"<SupplierPartID>{i['EXT_PRODUCT_ID'] if part_is_reference else i['VENDORMAT']}"
        "</SupplierPartID>"
        f"<SupplierPartAuxiliaryID>{'' if part_is_reference else i['EXT_PRODUCT_ID']}"
        "</SupplierPartAuxiliaryID></ItemID>"
        f'<ItemDetail><UnitPrice><Money currency="{i["CURRENCY"]}">{i["PRICE"]}</Money>'
        f'</UnitPrice><Description xml:lang="en">{i["DESCRIPTION"]}</Description>'
        f"<UnitOfMeasure>{i['UNIT']}</UnitOfMeasure>"
        f'<Classification domain="UNSPSC">{i["MATGROUP"]}</Classification></ItemDetail></ItemIn>'
        for i in cart["items"]
    )
    document = (
        "<cXML><Message><PunchOutOrderMessage><BuyerCookie/>"
        f"{items}</PunchOutOrderMessage></Message></cXML>"
    ).encode()
    return ReturnedCart("", "", "oci", document)


@pytest.mark.parametrize("part_is_reference", [False, True])
def test_orders_from_oci_buyers_resolve_through_the_same_path(
    connector: LiveConnector, part_is_reference: bool
) -> None:
    cart = returned(start(connector), quantity="2")
    po = order_request(BuyerIdentity(), as_cxml_cart(cart, part_is_reference=part_is_reference))
    code, text = status_of(connector.post_cxml(po).content)
    assert code == 200, text
    (order,) = connector.sandbox_state()["orders"]
    assert order["integration_id"] == "PO-1001"
    assert Decimal(order["items"][0]["sub_total"]) > 0
