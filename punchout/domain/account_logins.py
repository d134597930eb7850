"""Credentials of the PIPO accounts the connector hands out, and logging in with them.

A permanent account's username and password derive from the master key
(:mod:`punchout.domain.keys`), so no per-user password is stored; a linked account's password
is stored sealed in the user directory (:mod:`punchout.domain.user_directory`). Both the
punch-out start (:mod:`punchout.domain.accounts`) and the cart return
(:mod:`punchout.domain.account_conversion`) use these.
"""

from __future__ import annotations

from punchout.domain.buyers import Buyer
from punchout.domain.identity import IdentityError, PipoLogin
from punchout.domain.keys import (
    DecryptionError,
    Encryptor,
    KeyRing,
    derive_user_password,
    derive_username,
    key_id,
)
from punchout.domain.user_directory import DirectoryRecord, UserDirectory
from punchout.printnow import AuthenticationFailed, PrintNowClient


class AccountLogins:
    """Derived and stored credentials, and the directory records that say which applies."""

    def __init__(
        self, client: PrintNowClient, keys: KeyRing, encryptor: Encryptor, directory: UserDirectory
    ) -> None:
        self.client = client
        self.keys = keys
        self.encryptor = encryptor
        self.directory = directory

    def derived(self, buyer: Buyer, key: str) -> tuple[str, str]:
        """The username and password of the permanent account of ``key``, on the current key."""
        return (
            derive_username(buyer.id, key),
            derive_user_password(self.keys.current, buyer.id, key),
        )

    def derived_record(self, key: str) -> DirectoryRecord:
        """A directory record of a derived account, naming the master key it is on."""
        return DirectoryRecord.derived(key, key_id(self.keys.current))

    def remember_permanent(self, buyer: Buyer, key: str, token: str) -> PipoLogin:
        """Record the derived account ``token`` is logged in to as the account of ``key``."""
        info = self.client.user_info(token)
        self.directory.remember_account(buyer.id, info.id, self.derived_record(key))
        return PipoLogin(token=token, user_id=info.id, is_temp=False)

    def known(self, buyer: Buyer, key: str) -> tuple[int | None, DirectoryRecord | None]:
        """The storefront user ``key`` maps to, if any, and its directory record."""
        return self.directory.lookup(buyer.id, key)

    def stored_credentials(self, record: DirectoryRecord) -> tuple[str, str]:
        """The username and (decrypted) password a temp or linked record keeps."""
        try:
            return record.username, self.encryptor.decrypt(record.sealed_password)
        except DecryptionError as exc:  # a master key retired before `punchout keys migrate`
            raise IdentityError(
                "Your storefront account cannot be opened: the supplier's keys have changed. "
                "Please ask your administrator to contact the supplier; this will not pass by "
                "trying again.",
                f"stored password of PrintNow user {record.username!r} does not decrypt "
                "with any master key (retired before `punchout keys migrate`?)",
            ) from exc

    def linked(self, buyer: Buyer, key: str) -> tuple[int, str, str] | None:
        """(user id, username, password) of the account ``key`` is linked to, if any."""
        user_id, record = self.known(buyer, key)
        if user_id is None or record is None or record.kind != "linked":
            return None
        return (user_id, *self.stored_credentials(record))

    def login_linked(self, buyer: Buyer, user_id: int, username: str, password: str) -> PipoLogin:
        try:
            token = self.client.login(username, password, buyer.storefront_id)
        except AuthenticationFailed as exc:
            raise IdentityError(
                "Your linked storefront account could not be opened. Please contact the supplier.",
                f"buyer {buyer.id}: linked account {username!r} refused its stored password",
            ) from exc
        return PipoLogin(token=token, user_id=user_id, is_temp=False)
