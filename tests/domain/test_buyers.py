from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from punchout import resources
from punchout.domain.buyer_checks import authenticate, return_host_allowed
from punchout.domain.buyers import BuyerRegistry, RegistryError
from punchout.domain.keys import hash_secret

SECRET = "correct-horse-battery-staple"
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def registry(**overrides: Any) -> BuyerRegistry:
    acme: dict[str, Any] = {
        "name": "Acme",
        "storefront_id": 1,
        "protocols": ["cxml", "oci"],
        "credentials": [
            {"domain": "NetworkID", "identity": "AN01"},
            {"domain": "DUNS", "identity": "123456789"},
        ],
        "secrets": [{"hash": hash_secret(SECRET)}],
        "return_hosts": ["acme.coupahost.com", "*.ariba.com", "127.0.0.1"],
        "oci": {"username": "AcmeSAP", "hook_field": "MM_HOOK_URL"},
    }
    acme.update(overrides)
    return BuyerRegistry.from_dict({"buyers": {"acme": acme}})


def test_example_registry_is_valid() -> None:
    assert BuyerRegistry.load(resources.EXAMPLE_BUYERS).get("acme") is not None


def test_credentials_match_any_of_several_with_domain_in_any_case() -> None:
    reg = registry()
    assert reg.find_by_credentials([("networkid", "AN01")]) is reg.get("acme")
    assert reg.find_by_credentials([("x", "y"), ("duns", " 123456789 ")]) is reg.get("acme")
    assert reg.find_by_credentials([("NetworkID", "an01")]) is None
    assert reg.find_by_oci_username("acmesap") is reg.get("acme")
    assert reg.get("acme").oci.hook_field == "MM_HOOK_URL"  # type: ignore[union-attr]


@pytest.mark.parametrize("secret", ["", "none", "None", "wrong", SECRET + " x"])
def test_wrong_missing_or_placeholder_secrets_fail(secret: str) -> None:
    assert not authenticate(registry().get("acme"), secret, NOW)


def test_right_secret_passes_unless_disabled_and_unknown_buyers_fail() -> None:
    assert authenticate(registry().get("acme"), SECRET, NOW)
    assert authenticate(registry().get("acme"), f" {SECRET}\n", NOW)
    assert not authenticate(registry(enabled=False).get("acme"), SECRET, NOW)
    assert not authenticate(None, SECRET, NOW)


def test_rotation_overlap_old_secret_works_until_not_after() -> None:
    old, new = "old-secret-value-123", "new-secret-value-456"
    reg = registry(
        secrets=[
            {"hash": hash_secret(old), "not_after": (NOW + timedelta(days=7)).isoformat()},
            {"hash": hash_secret(new)},
        ]
    )
    buyer = reg.get("acme")
    assert authenticate(buyer, old, NOW) and authenticate(buyer, new, NOW)
    later = NOW + timedelta(days=8)
    assert not authenticate(buyer, old, later) and authenticate(buyer, new, later)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://acme.coupahost.com/punchout/return?x=1", True),
        ("https://ACME.coupahost.com./r", True),
        ("https://s1.ariba.com/cart", True),
        ("https://ariba.com/cart", False),
        ("https://evil.com/?acme.coupahost.com", False),
        ("https://acme.coupahost.com.evil.com/", False),
        ("http://acme.coupahost.com/r", False),
        ("http://127.0.0.1:5001/return", True),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_return_hosts(url: str, allowed: bool) -> None:
    assert return_host_allowed(registry().get("acme"), url) is allowed  # type: ignore[arg-type]


def test_every_problem_is_reported_together() -> None:
    with pytest.raises(RegistryError) as caught:
        BuyerRegistry.from_dict(
            {
                "buyers": {
                    "bad": {
                        "storefront_id": "one",
                        "user_policy": "everyone",
                        "cart_field": "cXML-hex",
                        "cart_transport": "hex",
                        "secrets": [{"hash": "plaintext"}],
                        "operations": ["edit"],
                        "identity_chain": ["header:X"],
                    }
                }
            }
        )
    text = str(caught.value)
    for words in (
        "name",
        "storefront_id",
        "user_policy",
        "cart_transport",
        "scrypt hash",
        "no [[buyers.bad.credentials]]",
        "must include create",
        "identity_chain",
    ):
        assert words in text


def test_a_credential_cannot_belong_to_two_buyers() -> None:
    one = {
        "name": "A",
        "storefront_id": 1,
        "credentials": [{"domain": "DUNS", "identity": "1"}],
    }
    two = {**one, "name": "B", "credentials": [{"domain": "duns", "identity": "1"}]}
    with pytest.raises(RegistryError, match="also used"):
        BuyerRegistry.from_dict({"buyers": {"a": one, "b": two}})


def test_http_returns_only_for_buyers_test_systems() -> None:
    url = "http://acme.coupahost.com/return"
    assert not return_host_allowed(registry().get("acme"), url)  # type: ignore[arg-type]
    test_system = registry(allow_http_return=True).get("acme")
    assert return_host_allowed(test_system, url)  # type: ignore[arg-type]


def test_every_refusal_costs_one_scrypt_check_of_the_same_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from punchout.domain import keys

    calls: list[tuple[int, int, int]] = []
    real = keys._scrypt

    def counting(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        calls.append((n, r, p))
        return real(secret, salt, n, r, p)

    monkeypatch.setattr(keys, "_scrypt", counting)
    expired = registry(secrets=[{"hash": hash_secret(SECRET), "not_after": "2020-01-01T00:00:00"}])
    cases = {
        "unknown": (None, "guess"),
        "wrong": (registry().get("acme"), "guess"),
        "placeholder": (registry().get("acme"), "none"),
        "disabled": (registry(enabled=False).get("acme"), SECRET),
        "expired": (expired.get("acme"), SECRET),
    }
    for name, (buyer, secret) in cases.items():
        calls.clear()
        assert not authenticate(buyer, secret, NOW), name
        assert calls == [(keys.SCRYPT_N, keys.SCRYPT_R, keys.SCRYPT_P)], name


def test_the_oci_password_is_a_credential_of_its_own() -> None:
    reg = registry(oci_secrets=[{"hash": hash_secret("oci-pass-1")}])
    buyer = reg.get("acme")
    assert authenticate(buyer, "oci-pass-1", NOW, kind="oci")
    assert not authenticate(buyer, SECRET, NOW, kind="oci")
    assert not authenticate(buyer, "oci-pass-1", NOW)
    assert not authenticate(registry().get("acme"), SECRET, NOW, kind="oci")  # none set
    with pytest.raises(ValueError, match="unknown secret kind 'ldap'"):
        authenticate(buyer, "oci-pass-1", NOW, kind="ldap")


@pytest.mark.parametrize(
    ("setting", "transport"),
    [
        ({}, "base64"),
        ({"cart_transport": "both"}, "both"),
        ({"cart_transport": "urlencoded"}, "urlencoded"),
        ({"cart_field": "cXML-urlencoded"}, "urlencoded"),
        ({"cart_field": "cxml-base64"}, "base64"),
    ],
)
def test_cart_transport_and_the_older_cart_field(setting: dict[str, str], transport: str) -> None:
    raw = {
        "name": "T",
        "storefront_id": 1,
        "credentials": [{"domain": "NetworkID", "identity": "T1"}],
        **setting,
    }
    registry = BuyerRegistry.from_dict({"buyers": {"t": raw}})
    assert registry.buyers["t"].cart_transport == transport


@pytest.mark.parametrize("placeholder", ["None", "NULL", " none "])
def test_a_placeholder_is_refused_even_when_it_is_the_stored_secret(placeholder: str) -> None:
    # Coupa sends "none" when no secret is set: it must never authenticate, in any case.
    buyer = registry(secrets=[{"hash": hash_secret(placeholder.strip())}]).get("acme")
    assert not authenticate(buyer, placeholder, NOW)


def test_authentication_without_a_clock_uses_now_and_honours_not_after() -> None:
    secret = "rotating-secret-value-1"
    current = registry(
        secrets=[{"hash": hash_secret(secret), "not_after": "2999-01-01T00:00:00+00:00"}]
    ).get("acme")
    expired = registry(
        secrets=[{"hash": hash_secret(secret), "not_after": "2001-01-01T00:00:00+00:00"}]
    ).get("acme")
    assert authenticate(current, secret) and not authenticate(expired, secret)


def test_an_old_secret_works_up_to_and_including_its_not_after() -> None:
    old = "old-secret-value-123"
    until = NOW + timedelta(days=7)
    buyer = registry(secrets=[{"hash": hash_secret(old), "not_after": until.isoformat()}]).get(
        "acme"
    )
    assert authenticate(buyer, old, until)
    assert not authenticate(buyer, old, until + timedelta(microseconds=1))


def test_oci_usernames_find_only_oci_buyers() -> None:
    assert registry().find_by_oci_username("nobody") is None
    assert registry().find_by_oci_username("  ") is None
    cxml_only = registry(protocols=["cxml"])
    assert cxml_only.find_by_oci_username("AcmeSAP") is None
