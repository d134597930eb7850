"""Master-key rotation: logging in with derived passwords across a rotation, and migrating.

A derived PrintNow password (:func:`punchout.domain.keys.derive_user_password`) depends on the
master key. After a rotation a returning user's account still has the password derived from
the previous key: :func:`derived_login` tries the current key's password first, then each
previous key's, and when an old one works it changes the account's password to the current
one (PIPO: POST /user/info with ``current_password`` and ``new_password``), so the user moves
to the new key on their next login. :func:`migrate` does the same for every user the
connector knows, and encrypts every stored credential again under the current key, so the
previous key can then be retired (the procedure is in the README, "Rotating the master key").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

from punchout.domain.buyers import Buyer
from punchout.domain.keys import (
    DecryptionError,
    Encryptor,
    KeyRing,
    derive_user_password,
    derive_username,
    key_id,
)
from punchout.domain.user_directory import UserDirectory
from punchout.printnow import AuthenticationFailed, PrintNowClient, PrintNowError

log = logging.getLogger(__name__)


def derived_login(client: PrintNowClient, keys: KeyRing, buyer: Buyer, user_key: str) -> str:
    """A PIPO token for the derived account of ``user_key``; an account still on a previous
    master key is moved to the current one. Raises :class:`AuthenticationFailed` when no key
    of the ring opens it (a new user, or a key retired too early)."""
    username = derive_username(buyer.id, user_key)
    current = derive_user_password(keys.current, buyer.id, user_key)
    try:
        return client.login(username, current, buyer.storefront_id)
    except AuthenticationFailed as first:
        refused = first
    for previous in keys.previous:
        old = derive_user_password(previous, buyer.id, user_key)
        try:
            token = client.login(username, old, buyer.storefront_id)
        except AuthenticationFailed:
            continue
        # PIPO: POST /user/info changes the password when current_password is right.
        client.update_user_info(token, current_password=old, new_password=current)
        log.info(
            "buyer %s: PrintNow user %s moved from master key %s to %s",
            buyer.id,
            username,
            key_id(previous),
            key_id(keys.current),
        )
        return token
    raise refused


@dataclass
class MigrationReport:
    """What :func:`migrate` did, per kind of directory record."""

    derived: int = 0
    reencrypted: int = 0
    failed: list[str] = field(default_factory=list)


def migrate(
    client: PrintNowClient,
    directory: UserDirectory,
    keys: KeyRing,
    encryptor: Encryptor,
    buyers: list[Buyer],
) -> MigrationReport:
    """Move every known user of ``buyers`` to the current master key."""
    report = MigrationReport()
    current = key_id(keys.current)
    for buyer in buyers:
        for user_id, record in directory.all(buyer.id):
            try:
                if not record.has_credentials:
                    if record.key_id != current:
                        client.logout(derived_login(client, keys, buyer, record.user_key))
                        directory.replace(buyer.id, user_id, replace(record, key_id=current))
                    report.derived += 1
                else:
                    sealed = encryptor.reencrypt(record.sealed_password)
                    directory.replace(buyer.id, user_id, replace(record, sealed_password=sealed))
                    report.reencrypted += 1
            except (PrintNowError, DecryptionError) as exc:
                report.failed.append(f"buyer {buyer.id}, PrintNow user {user_id}: {exc}")
    return report
