"""A buyer's ``documents`` table: checked with the registry, its URL as return URLs are."""

from __future__ import annotations

from typing import Any

import pytest

from punchout.domain.buyers import BuyerRegistry, RegistryError
from punchout.domain.keys import Encryptor
from tests.support import TEST_SECRETS

ENCRYPTED = Encryptor(TEST_SECRETS["master_key"]).encrypt("network-secret")


def registry(documents: Any, **buyer: Any) -> BuyerRegistry:
    table = {
        "name": "Acme",
        "storefront_id": 1,
        "credentials": [{"domain": "NetworkID", "identity": "AN01"}],
        "documents": documents,
        **buyer,
    }
    return BuyerRegistry.from_dict({"buyers": {"acme": table}})


def problems(documents: Any, **buyer: Any) -> list[str]:
    with pytest.raises(RegistryError) as caught:
        registry(documents, **buyer)
    return caught.value.problems


def test_a_full_table_is_read_with_its_defaults() -> None:
    buyer = registry({"url": "https://network.example/cxml", "secret": ENCRYPTED}).get("acme")
    assert buyer is not None and buyer.documents is not None
    docs = buyer.documents
    assert docs.url == "https://network.example/cxml"
    assert docs.kinds == ("confirm", "status", "ship", "invoice")
    assert docs.invoice_trigger == "ship" and docs.invoice_status is None
    assert docs.credentials == () and docs.deployment_mode == "production"
    assert "network-secret" not in repr(docs) and ENCRYPTED not in repr(docs)
    assert registry(None).get("acme").documents is None  # type: ignore[union-attr]


def test_the_trigger_kinds_credentials_and_mode_are_read() -> None:
    docs = (
        registry(
            {
                "url": "https://network.example/cxml",
                "kinds": ["ship", "invoice"],
                "invoice_trigger": "status:Invoiced",
                "credentials": [{"domain": "NetworkID", "identity": "AN-SUPPLIER"}],
                "deployment_mode": "test",
            }
        )
        .get("acme")
        .documents
    )  # type: ignore[union-attr]
    assert docs is not None and docs.invoice_status == "Invoiced"
    assert docs.takes("ship") and not docs.takes("confirm")
    assert docs.credentials == (("NetworkID", "AN-SUPPLIER"),)


@pytest.mark.parametrize(
    ("url", "allow_http", "ok"),
    [
        ("https://network.example/cxml", False, True),
        ("http://127.0.0.1:8080/in", False, True),
        ("http://network.example/cxml", False, False),
        ("http://network.example/cxml", True, True),
        ("https://user:pw@network.example/cxml", False, False),
        ("ftp://network.example/cxml", False, False),
        ("", False, False),
    ],
)
def test_the_url_is_checked_like_a_return_url(url: str, allow_http: bool, ok: bool) -> None:
    documents = {"url": url}
    if ok:
        assert registry(documents, allow_http_return=allow_http).get("acme") is not None
    else:
        assert any("documents.url" in p for p in problems(documents, allow_http_return=allow_http))


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"kinds": ["ship", "fax"]}, "documents.kinds must be a list of confirm"),
        ({"invoice_trigger": "status:"}, "documents.invoice_trigger must be ship or status:"),
        ({"invoice_trigger": "daily"}, "documents.invoice_trigger must be ship or status:"),
        ({"deployment_mode": "staging"}, "documents.deployment_mode must be production or test"),
        ({"secret": "plain-text"}, "documents.secret must be the encrypted secret"),
        ({"since": "last week"}, "documents.since must be an ISO date-time"),
        ({"since": 3}, "documents.since must be an ISO date-time"),
        ({"credentials": [{"domain": "NetworkID"}]}, "documents.credentials[1] needs a domain"),
    ],
)
def test_each_bad_setting_is_named(table: dict[str, Any], words: str) -> None:
    found = problems({"url": "https://network.example/cxml", **table})
    assert any(words in p for p in found), found


def test_a_documents_value_that_is_not_a_table_is_refused() -> None:
    assert problems("https://network.example") == ["buyers.acme.documents must be a table"]
