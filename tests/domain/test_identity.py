"""Who the procurement user is: the buyer's fallback chain, and the one user-key rule."""

from __future__ import annotations

import pytest

from punchout.domain.buyers import Buyer
from punchout.domain.identity import (
    SHARED_USER_KEY,
    ProcurementUser,
    account_key,
    identify_user,
    user_key,
)

CHAIN = ("extrinsic:UserEmail", "extrinsic:UniqueName", "contact:email", "contact:name")


@pytest.mark.parametrize(
    ("identifier", "key"),
    [
        ("  Ada.Lovelace@Buyer.EXAMPLE \n", "ada.lovelace@buyer.example"),
        ("ADA", "ADA"),  # a user name keeps its case: only addresses are case-blind
        (" Ada Lovelace ", "Ada Lovelace"),
        ("", ""),
        ("STRASSE@buyer.example", "strasse@buyer.example"),
    ],
)
def test_a_user_key_is_trimmed_and_lower_cased_only_when_it_is_an_address(
    identifier: str, key: str
) -> None:
    assert user_key(identifier) == key


def test_the_first_source_of_the_chain_with_a_value_is_the_user() -> None:
    user = identify_user(
        CHAIN,
        {"uniquename": "ADA01", "UserEmail": "  ", "FirstName": "Ada", "LastName": "Lovelace"},
        contact_email="Ada@Buyer.Example",
    )
    assert user == ProcurementUser("ADA01", "ada@buyer.example", "Ada", "Lovelace")


def test_an_address_from_any_source_is_keyed_as_user_key_makes_it() -> None:
    user = identify_user(CHAIN, {"UserEmail": " Ada@Buyer.Example "})
    assert user is not None and user.key == user.email == "ada@buyer.example"
    by_contact = identify_user(("contact:email",), {}, contact_email="ADA@BUYER.EXAMPLE")
    assert by_contact is not None and by_contact.key == "ada@buyer.example"


def test_the_contact_name_fills_in_a_missing_name_and_may_be_the_key() -> None:
    user = identify_user(("contact:name",), {}, contact_name=" Ada King Lovelace ")
    assert user == ProcurementUser("Ada King Lovelace", "", "Ada", "King Lovelace")


def test_the_user_email_extrinsic_is_the_address_even_when_another_source_is_the_key() -> None:
    user = identify_user(
        ("extrinsic:UniqueName",), {"UniqueName": "ada01", "UserEmail": "Ada@Buyer.Example"}
    )
    assert user is not None and (user.key, user.email) == ("ada01", "ada@buyer.example")
    no_address = identify_user(("extrinsic:UniqueName",), {"UniqueName": "ada01"})
    assert no_address is not None and no_address.email == ""


def test_no_source_with_a_value_is_no_user() -> None:
    assert identify_user(CHAIN, {"UserEmail": " "}, contact_email=" ", contact_name="") is None
    assert identify_user((), {"UserEmail": "ada@buyer.example"}) is None


@pytest.mark.parametrize(("policy", "key"), [("per_user", "ada"), ("guest", "ada")])
def test_a_user_works_in_their_own_account_unless_the_buyer_shares_one(
    policy: str, key: str
) -> None:
    ada = ProcurementUser("ada")
    assert account_key(Buyer("acme", "Acme", 1, user_policy=policy), ada) == key
    assert account_key(Buyer("acme", "Acme", 1, user_policy="shared"), ada) == SHARED_USER_KEY
