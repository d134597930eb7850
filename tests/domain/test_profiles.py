"""Dialect profiles: every shipped profile loads, its keys are buyer keys, a buyer's own
table overrides them, and descriptions and units follow the system's rules."""

from __future__ import annotations

from typing import Any

import pytest

from punchout.domain.buyers import BuyerRegistry, RegistryError
from punchout.domain.cart import order_message
from punchout.domain.profiles import PROFILE_NAMES, Dialect, get_profile, profiles
from punchout.domain.sessions import PunchoutSession


def buyer_table(**extra: Any) -> dict[str, Any]:
    return {
        "name": "T",
        "storefront_id": 1,
        "protocols": ["cxml", "oci"],
        "credentials": [{"domain": "NetworkID", "identity": "T1"}],
        "oci": {"username": "T-SAP"},
        **extra,
    }


def load(**extra: Any) -> Any:
    return BuyerRegistry.from_dict({"buyers": {"t": buyer_table(**extra)}}).buyers["t"]


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_every_shipped_profile_is_a_valid_set_of_buyer_defaults(name: str) -> None:
    profile = get_profile(name)
    assert profile is not None and profile.protocol in ("cxml", "oci")
    assert profile.admin, "buyers show needs the system's admin fields"
    buyer = load(profile=name)
    assert buyer.profile == name
    for key, value in profile.defaults.items():
        if key in ("operations", "identity_chain"):
            assert getattr(buyer, key) == tuple(value)


def test_a_buyer_without_a_profile_behaves_as_before() -> None:
    buyer = load()
    assert buyer.profile == "generic"
    assert buyer.dialect == Dialect()
    assert buyer.cart_transport == "base64"
    assert buyer.operations == ("create", "edit", "inspect")


def test_the_buyers_own_keys_override_the_profile() -> None:
    oracle = load(profile="oracle")
    assert (oracle.cart_transport, oracle.operations) == ("urlencoded", ("create",))
    assert oracle.dialect.unit("EA") == "EACH" and oracle.dialect.unit("XX") == "XX"
    changed = load(
        profile="oracle",
        cart_transport="both",
        unit_map={"EA": "Each"},
        description_max_length=0,
        oci={"username": "T-SAP", "user_fields": ["EMAIL"]},
    )
    assert changed.cart_transport == "both"
    # Tables merge key by key: the buyer changes one unit, the profile keeps the others.
    assert changed.dialect.unit("EA") == "Each" and changed.dialect.unit("BX") == "BOX"
    assert changed.dialect.description_charset == "us-ascii"  # still the profile's
    assert changed.oci.username == "T-SAP" and changed.oci.user_fields == ("EMAIL",)
    srm = load(profile="sap-srm", oci={"username": "T-SAP", "hook_field": "MM_HOOK_URL"})
    assert srm.oci.hook_field == "MM_HOOK_URL"
    assert srm.oci.user_fields == ("USER_EMAIL", "SY-UNAME")  # the profile's, merged


def test_unknown_profiles_and_bad_dialect_keys_are_listed() -> None:
    with pytest.raises(RegistryError) as caught:
        BuyerRegistry.from_dict({"buyers": {"t": buyer_table(profile="sap-r3")}})
    assert "profile must be one of ariba, coupa" in str(caught.value)
    with pytest.raises(RegistryError) as caught:
        BuyerRegistry.from_dict(
            {
                "buyers": {
                    "t": buyer_table(
                        no_user="guess",
                        unit_map={"EA": ""},
                        description_max_length=-1,
                        description_charset="ebcdic",
                        return_frame="yes",
                        timestamps="Z",
                    )
                }
            }
        )
    text = str(caught.value)
    for key in (
        "no_user",
        "unit_map",
        "description_max_length",
        "description_charset",
        "return_frame",
        "timestamps",
    ):
        assert f"buyers.t.{key}" in text


@pytest.mark.parametrize(
    ("dialect", "ascii_only", "text", "result"),
    [
        (Dialect(), False, "Business cards – Zoë", "Business cards – Zoë"),
        (Dialect(), True, "Business cards – Zoë", "Business cards - Zoe"),
        (
            Dialect(description_charset="us-ascii"),
            False,
            "Visitenkarten 85 × 55 mm, 400 g/m² – Straße “Nord” €",
            'Visitenkarten 85 x 55 mm, 400 g/m2 - Strasse "Nord" EUR',
        ),
        (Dialect(description_charset="iso-8859-1"), False, "Zoë – Łódź", "Zoë - Lódz"),
        (
            Dialect(description_max_length=20),
            False,
            "Business cards 85 x 55 mm, matte",
            "Business cards 85 x",
        ),
        (Dialect(description_charset="us-ascii"), False, "名刺 cards", "cards"),
    ],
)
def test_descriptions_follow_the_systems_charset_and_length(
    dialect: Dialect, ascii_only: bool, text: str, result: str
) -> None:
    assert dialect.description(text, ascii_only=ascii_only) == result


@pytest.mark.parametrize(("timestamps", "offset"), [("utc", "+00:00")])
def test_cart_timestamps_in_utc_keep_a_numeric_offset(timestamps: str, offset: str) -> None:
    buyer = load(timestamps=timestamps)
    session = PunchoutSession(
        id="s", buyer_id="t", protocol="cxml", operation="create", user_key="u",
        customer_id=1, is_temp=False, pipo_token="t", buyer_cookie="c",
    )  # fmt: skip
    document = order_message(session, buyer, None, "USD").decode()
    stamp = document.split('timestamp="', 1)[1].split('"', 1)[0]
    assert stamp.endswith(offset) and not stamp.endswith("Z")


def test_profiles_are_read_once() -> None:
    assert profiles() is profiles()
