"""The user directory's records on a real Redis: the stored shape earlier versions wrote reads
back, every kind writes that same shape, and a record of another shape is refused by name."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from punchout.domain.user_directory import AccountLookup, DirectoryRecord, UserDirectory
from punchout.runtime.store import Reads, Store

#: Records exactly as the previous version wrote them (identity.py and temp_users.py).
OLD_DERIVED_WITHOUT_KEY_ID = {"kind": "derived", "user_key": "ada@buyer.example"}
OLD_DERIVED = {"kind": "derived", "user_key": "ada@buyer.example", "key_id": "k1"}
OLD_TEMP = {"kind": "temp", "user_key": "ada@buyer.example", "username": "t1", "password": "s"}
OLD_LINKED = {"kind": "linked", "user_key": "bob", "username": "bob.own", "password": "sealed"}


@pytest.fixture
def directory(store: Store) -> UserDirectory:
    return UserDirectory(store)


@pytest.mark.parametrize("stored", [OLD_DERIVED_WITHOUT_KEY_ID, OLD_DERIVED, OLD_TEMP, OLD_LINKED])
def test_records_the_previous_version_wrote_read_back_and_rewrite_unchanged(
    store: Store, directory: UserDirectory, stored: dict[str, str]
) -> None:
    store.put_permanent(store.key("user", "acme", "7"), stored)
    record = directory.get("acme", 7)
    assert record is not None and record.kind == stored["kind"]
    assert record.user_key == stored["user_key"]
    assert record.key_id == stored.get("key_id", "")
    assert record.username == stored.get("username", "")
    assert record.sealed_password == stored.get("password", "")
    directory.put("acme", 8, record)
    assert store.get(store.key("user", "acme", "8")) == stored


def test_each_kind_writes_the_shape_earlier_versions_read() -> None:
    assert DirectoryRecord.derived("ada@buyer.example", "k1").to_json() == OLD_DERIVED
    assert DirectoryRecord.derived("ada@buyer.example", "").to_json() == OLD_DERIVED_WITHOUT_KEY_ID
    linked = DirectoryRecord.with_credentials("linked", "bob", "bob.own", "sealed")
    assert linked.to_json() == OLD_LINKED and linked.has_credentials
    assert not DirectoryRecord.derived("x", "k").has_credentials
    assert "sealed" not in repr(linked)  # the sealed password stays out of logs


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        (["derived", "ada"], "a directory record is a JSON object, not list"),
        (42, "a directory record is a JSON object, not int"),
        ({"kind": "admin", "user_key": "ada"}, "unknown directory record kind 'admin'"),
        ({"user_key": "ada"}, "unknown directory record kind None"),
        ({"kind": "derived"}, "field 'user_key' must be a non-empty string"),
        ({"kind": "derived", "user_key": ""}, "field 'user_key' must be a non-empty string"),
        ({"kind": "derived", "user_key": "a", "key_id": 3}, "field 'key_id' must be a"),
        ({"kind": "temp", "user_key": "a", "username": "t"}, "field 'password' must be a"),
        ({"kind": "linked", "user_key": "a", "password": "p"}, "field 'username' must be a"),
    ],
)
def test_a_record_of_another_shape_is_refused_by_name(stored: Any, problem: str) -> None:
    with pytest.raises(ValueError, match="directory record") as refused:
        DirectoryRecord.from_json(stored)
    assert problem in str(refused.value)


def test_an_unreadable_record_is_reported_and_treated_as_absent(
    store: Store, directory: UserDirectory, caplog: pytest.LogCaptureFixture
) -> None:
    store.put_permanent(store.key("user", "acme", "5"), {"kind": "admin", "user_key": "x"})
    directory.put("acme", 6, DirectoryRecord.derived("ada", "k1"))
    with caplog.at_level(logging.WARNING, logger="punchout.domain.user_directory"):
        assert directory.get("acme", 5) is None
        assert directory.all("acme") == [(6, DirectoryRecord.derived("ada", "k1"))]
    assert caplog.text.count("punchout:user:acme:5 is unreadable") == 2
    assert directory.get("acme", 99) is None  # absent: nothing to report


def test_all_lists_one_buyers_records_by_user_id(directory: UserDirectory) -> None:
    for user_id in (10, 9, 100):
        directory.put("acme", user_id, DirectoryRecord.derived(f"u{user_id}", "k"))
    directory.put("other", 1, DirectoryRecord.derived("o", "k"))
    assert [user_id for user_id, _ in directory.all("acme")] == [9, 10, 100]
    assert directory.all("nobody") == []


def test_an_account_pointer_names_the_user_key_s_permanent_account(
    store: Store, directory: UserDirectory
) -> None:
    assert directory.account_of("acme", "ada") is None
    directory.remember_account("acme", 12, DirectoryRecord.derived("ada", "k1"))
    assert directory.account_of("acme", "ada") == 12
    assert directory.get("acme", 12) == DirectoryRecord.derived("ada", "k1")
    assert directory.account_of("other", "ada") is None
    assert store.redis.ttl(store.key("user", "acme", "12")) == -1  # permanent
    pointers = store.keys("account", "acme")
    assert len(pointers) == 1 and "ada" not in pointers[0]  # the key is hashed
    store.put_permanent(pointers[0], "12")  # not an id: no account
    assert directory.account_of("acme", "ada") is None


def test_a_temporary_user_and_its_reuse_pointer_expire_and_are_dropped(
    store: Store, directory: UserDirectory
) -> None:
    record = DirectoryRecord.with_credentials("temp", "ada", "t1", "sealed")
    directory.put_expiring("acme", 3, record, 60)
    directory.point_temp("acme", "ada", 3, 60)
    assert directory.temp_of("acme", "ada") == 3
    assert 0 < store.redis.ttl(store.key("user", "acme", "3")) <= 60
    directory.touch("acme", 3, 600)
    directory.touch_temp("acme", "ada", 600)
    assert store.redis.ttl(store.key("user", "acme", "3")) > 60
    assert store.redis.ttl(store.key("tempuser", "acme", "ada")) > 60
    directory.drop_temp("acme", "ada")
    assert directory.temp_of("acme", "ada") is None and directory.get("acme", 3) == record
    directory.point_temp("acme", "ada", 3, 60)
    directory.drop_temp("acme", "ada", 3)
    assert directory.temp_of("acme", "ada") is None and directory.get("acme", 3) is None


def test_replace_keeps_a_record_s_expiry_and_never_revives_one(
    store: Store, directory: UserDirectory
) -> None:
    temp = DirectoryRecord.with_credentials("temp", "ada", "t1", "old")
    directory.put_expiring("acme", 3, temp, 60)
    resealed = DirectoryRecord.with_credentials("temp", "ada", "t1", "new")
    assert directory.replace("acme", 3, resealed)
    assert directory.get("acme", 3) == resealed
    assert 0 < store.redis.ttl(store.key("user", "acme", "3")) <= 60
    assert not directory.replace("acme", 4, resealed)
    assert directory.get("acme", 4) is None


def test_an_import_remembers_the_keys_it_has_done_for_a_while(
    store: Store, directory: UserDirectory
) -> None:
    assert directory.imported("acme", "batch1") == set()
    directory.mark_imported("acme", "batch1", "ada@buyer.example", 3600)
    directory.mark_imported("acme", "batch1", "bob@buyer.example", 3600)
    assert directory.imported("acme", "batch1") == {"ada@buyer.example", "bob@buyer.example"}
    assert directory.imported("acme", "batch2") == set()
    assert 0 < store.redis.ttl(store.key("import", "acme", "batch1")) <= 3600
    with pytest.raises(ValueError, match="positive TTL"):
        directory.mark_imported("acme", "batch1", "x@buyer.example", 0)


def test_lookup_gives_a_user_keys_account_and_its_record_in_one_round_trip(
    store: Store, directory: UserDirectory, caplog: pytest.LogCaptureFixture
) -> None:
    assert directory.lookup("acme", "ada") == (None, None)
    directory.remember_account("acme", 12, DirectoryRecord.derived("ada", "k1"))
    directory.put("other", 12, DirectoryRecord.derived("someone", "k1"))
    assert directory.lookup("acme", "ada") == (12, DirectoryRecord.derived("ada", "k1"))
    assert directory.lookup("other", "ada") == (None, None)
    store.put_permanent(store.key("user", "acme", "12"), {"kind": "mystery"})
    with caplog.at_level(logging.WARNING):
        assert directory.lookup("acme", "ada") == (12, None)  # unreadable: as if absent
    assert "mystery" in caplog.text
    store.delete(store.key("user", "acme", "12"))
    assert directory.lookup("acme", "ada") == (12, None)


def test_a_queued_lookup_answers_what_lookup_answers(
    store: Store, directory: UserDirectory
) -> None:
    record = DirectoryRecord.derived("ada@buyer.example", "k1")
    directory.remember_account("acme", 7, record)
    reads = Reads(store.redis)
    known = directory.queue_lookup(reads, "acme", "ada@buyer.example")
    unknown = directory.queue_lookup(reads, "acme", "bob@buyer.example")
    other_buyer = directory.queue_lookup(reads, "other", "ada@buyer.example")
    reads.send()
    assert known.value() == AccountLookup("ada@buyer.example", 7, record)
    assert directory.lookup("acme", "ada@buyer.example") == (7, record)
    assert unknown.value() == AccountLookup("bob@buyer.example", None, None)
    assert other_buyer.value() == AccountLookup("ada@buyer.example", None, None)
    store.redis.script_flush()  # a restarted Redis has forgotten the script
    reads = Reads(store.redis)
    known = directory.queue_lookup(reads, "acme", "ada@buyer.example")
    reads.send()
    assert known.value() == AccountLookup("ada@buyer.example", 7, record)
