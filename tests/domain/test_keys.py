from __future__ import annotations

import pytest

from punchout.domain.keys import (
    DecryptionError,
    Encryptor,
    KeyRing,
    derive_key,
    derive_user_password,
    derive_username,
    generate_secret,
    hash_secret,
    key_id,
    verify_secret,
)

MASTER = "m" * 40


def test_derived_keys_differ_by_purpose_and_master() -> None:
    assert derive_key(MASTER, "a") != derive_key(MASTER, "b")
    assert derive_key(MASTER, "a") != derive_key("n" * 40, "a")
    assert len(derive_key(MASTER, "a")) == 32


def test_derived_credentials_are_stable_distinct_and_acceptable_to_printnow() -> None:
    username = derive_username("acme", "ada@example.com")
    assert username == derive_username("acme", "ada@example.com")
    assert username != derive_username("acme", "bob@example.com")
    assert username != derive_username("globex", "ada@example.com")
    assert "ada" not in username and 3 <= len(username) <= 50
    password = derive_user_password(MASTER, "acme", "ada@example.com")
    assert password == derive_user_password(MASTER, "acme", "ada@example.com")
    assert password != derive_user_password("x" * 40, "acme", "ada@example.com")
    assert len(password) >= 16


def test_secret_hashes_are_salted_and_verify() -> None:
    secret = generate_secret()
    assert len(secret) >= 32 and secret != generate_secret()
    first, second = hash_secret(secret), hash_secret(secret)
    assert first != second and secret not in first
    assert verify_secret(secret, first) and verify_secret(secret, second)
    assert verify_secret(secret, first)  # remembered, still true
    assert not verify_secret(secret + "x", first)
    assert not verify_secret(secret, "not-a-hash")
    assert not verify_secret(secret, "bcrypt$1$2$3$00$00")


def test_encryption_round_trips_and_detects_tampering() -> None:
    box = Encryptor(MASTER)
    token = box.encrypt("pässword")
    assert "pässword" not in token
    assert box.decrypt(token) == "pässword"
    with pytest.raises(DecryptionError):
        Encryptor("o" * 40).decrypt(token)
    with pytest.raises(DecryptionError):
        box.decrypt(token[:-4] + "AAAA")
    assert MASTER not in repr(box)


def test_a_key_ring_decrypts_old_values_and_reencrypts_them_under_the_current_key() -> None:
    old_box = Encryptor(MASTER)
    sealed = old_box.encrypt("temp-password")
    ring_box = Encryptor("n" * 40, previous=[MASTER])
    assert ring_box.decrypt(sealed) == "temp-password"
    moved = ring_box.reencrypt(sealed)
    assert Encryptor("n" * 40).decrypt(moved) == "temp-password"  # readable once retired
    with pytest.raises(DecryptionError):
        Encryptor("n" * 40).decrypt(sealed)


def test_key_ids_name_keys_without_revealing_them() -> None:
    ring = KeyRing("n" * 40, ("o" * 40,))
    assert key_id("n" * 40) != key_id("o" * 40) and len(key_id(MASTER)) == 8
    assert ring.by_id(key_id("o" * 40)) == "o" * 40 and ring.by_id("00000000") is None
    assert "n" * 40 not in repr(ring) and ring.derive("x")[1] == derive_key("o" * 40, "x")
