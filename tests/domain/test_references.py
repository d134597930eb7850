from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from punchout.domain.references import (
    BadReference,
    ReferenceSigner,
    make_reference,
    read_reference,
)

KEY = b"k" * 32


def test_a_reference_round_trips_and_fits_every_buyer_system() -> None:
    reference = make_reference(KEY, "acme", 12_345_678_901, 98_765_432_109)
    assert len(reference) <= 40 and re.fullmatch(r"[A-Za-z0-9-]+", reference)
    ref = read_reference(KEY, "acme", f"  {reference}\n")
    assert (ref.pipo_user_id, ref.project_id) == (12_345_678_901, 98_765_432_109)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.replace("7-", "8-", 1),  # another user
        lambda r: r[:-1] + ("0" if r[-1] != "0" else "1"),  # signature altered
        lambda r: "garbage",
        lambda r: "",
    ],
)
def test_tampered_or_foreign_references_are_refused(mutate) -> None:  # type: ignore[no-untyped-def]
    reference = make_reference(KEY, "acme", 7, 9)
    with pytest.raises(BadReference):
        read_reference(KEY, "acme", mutate(reference))


def test_a_reference_is_bound_to_its_buyer_and_key() -> None:
    reference = make_reference(KEY, "acme", 7, 9)
    with pytest.raises(BadReference):
        read_reference(KEY, "globex", reference)
    with pytest.raises(BadReference):
        read_reference(b"j" * 32, "acme", reference)


def test_a_ring_signs_with_its_current_key_and_verifies_with_every_key() -> None:
    old, new = b"o" * 32, b"n" * 32
    issued_before = make_reference(old, "acme", 7, 9)
    issued_after = make_reference((new, old), "acme", 7, 10)
    assert read_reference((new, old), "acme", issued_before).project_id == 9
    assert read_reference(new, "acme", issued_after).project_id == 10
    with pytest.raises(BadReference):
        read_reference(new, "acme", issued_before)  # the old key retired


def test_the_signature_covers_the_project_id() -> None:
    # Same user, same signature, another project: the buyer must not be able to point a line
    # at another design of the same user.
    user, _, signature = make_reference(KEY, "acme", 7, 9).split("-")
    for other in ("10", "19", "90", "0"):
        with pytest.raises(BadReference):
            read_reference(KEY, "acme", f"{user}-{other}-{signature}")


def test_the_signature_covers_the_user_id() -> None:
    _, project, signature = make_reference(KEY, "acme", 7, 9).split("-")
    with pytest.raises(BadReference):
        read_reference(KEY, "acme", f"70-{project}-{signature}")


def test_a_refusal_says_what_is_wrong() -> None:
    # The order desk passes these words on to the buyer's Status text.
    with pytest.raises(BadReference, match=r"^not in the form of a connector reference$"):
        read_reference(KEY, "acme", "garbage")
    with pytest.raises(BadReference, match=r"^the signature does not match$"):
        read_reference(KEY, "globex", make_reference(KEY, "acme", 7, 9))


def test_a_signer_signs_each_line_of_a_cart_as_if_alone() -> None:
    # The buyer's HMAC state is made once and copied: signing one line must not feed the next.
    signer = ReferenceSigner((b"n" * 32, b"o" * 32), "acme")
    for user, project in [(7, 9), (7, 9), (7, 10), (12, 9), (7, 9)]:
        expected = hmac.new(b"n" * 32, f"acme\0{user}\0{project}".encode(), hashlib.sha256)
        reference = signer.sign(user, project)
        assert reference == f"{user}-{project}-{expected.hexdigest()[:16]}"
        assert reference == make_reference((b"n" * 32, b"o" * 32), "acme", user, project)
