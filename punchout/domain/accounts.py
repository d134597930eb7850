"""Which PIPO account a procurement user designs and orders under.

It depends on the buyer's user policy (:class:`Accounts`):

``per_user``
    Each procurement user gets their own permanent account. Its username and password are
    derived from the master key (:mod:`punchout.domain.keys`), so no per-user password is stored. A
    first-time user starts as a temporary PIPO user (the seeds' workflow); on cart return the
    temporary user is converted into the permanent account or, when that account already
    exists (another punch-out made it meanwhile), transferred into it.
``shared``
    One permanent account for the whole buyer organisation, made the same way.
``guest``
    A temporary user per punch-out. Its generated credentials are kept, encrypted, so a
    later purchase order can log in as it.

Temporary users need a password to log in as, and PIPO documents none in the User object
that ``user/createtemp`` answers. Whether a storefront's answer carries one is learnt from
its first answer and remembered per storefront (``punchout printnow check`` reports it).
Where it does not, no temporary user is used: the permanent account is created at once
through the documented ``user/create`` with derived credentials and logged in to (a guest
gets an account of its own for the punch-out). Temporary users are reused and expire as
:mod:`punchout.domain.temp_users` says.

Every PIPO user the connector hands out is recorded in the user directory
(:mod:`punchout.domain.user_directory`), keyed by buyer and PIPO user id. Signed references
carry only that id; the directory says how to log in as the user again (derived credentials,
or the encrypted temporary ones). The cart return's convert or transfer is
:mod:`punchout.domain.account_conversion`.
"""

from __future__ import annotations

import logging
import secrets

from punchout.domain import account_conversion
from punchout.domain.account_logins import AccountLogins
from punchout.domain.buyers import Buyer
from punchout.domain.identity import (
    IdentityError,
    PipoLogin,
    ProcurementUser,
    account_key,
    user_key,
)
from punchout.domain.key_rotation import derived_login
from punchout.domain.keys import Encryptor, KeyRing
from punchout.domain.temp_users import TempUsers
from punchout.domain.user_directory import AccountLookup, DirectoryRecord, UserDirectory
from punchout.printnow import (
    AuthenticationFailed,
    BadRequest,
    Conflict,
    NotFound,
    PrintNowClient,
)
from punchout.runtime.store import Pending, Reads, Store

log = logging.getLogger(__name__)

#: Store key prefix: per storefront, whether PIPO createtemp answers a password.
TEMP_LOGINS = "temp_logins"


class Accounts:
    """Maps procurement users to PIPO accounts by policy, and remembers who is who."""

    def __init__(
        self,
        client: PrintNowClient,
        store: Store,
        keys: KeyRing,
        encryptor: Encryptor,
        *,
        temp_days: int = 180,
    ) -> None:
        self.client = client
        self.store = store
        self.keys = keys
        self.encryptor = encryptor
        self.directory = UserDirectory(store)
        self.logins = AccountLogins(client, keys, encryptor, self.directory)
        self.temps = TempUsers(self.directory, encryptor, temp_days * 86400)

    # -- punch-out start -----------------------------------------------------------------

    def start(
        self, buyer: Buyer, user: ProcurementUser, looked_up: AccountLookup | None = None
    ) -> PipoLogin:
        """A PIPO session for ``user`` at the start of a punch-out. ``looked_up``: what the
        directory knew of the user's account, read with the request's first round trip
        (:meth:`queue_lookup`); read now when not given (or read for another key)."""
        if buyer.user_policy == "guest":
            return self._new_temp(buyer, user)
        key = account_key(buyer, user)
        if looked_up is not None and looked_up.user_key == key:
            known, record = looked_up.user_id, looked_up.record
        else:
            known, record = self.logins.known(buyer, key)
        if known is not None and record is not None and record.kind == "linked":
            credentials = self.logins.stored_credentials(record)
            return self.logins.login_linked(buyer, known, *credentials)
        try:
            token = derived_login(self.client, self.keys, buyer, key)
        except AuthenticationFailed:
            # PrintNow does not say whether the account is missing or the password wrong:
            # start as a temporary user; on cart return, convert (new account) or transfer
            # (existing one), and a wrong password surfaces there with a clear message.
            return self._new_temp(buyer, user)
        if known is not None:  # a returning user: nothing to look up or record again
            return PipoLogin(token=token, user_id=known, is_temp=False)
        return self.logins.remember_permanent(buyer, key, token)

    def queue_lookup(
        self, reads: Reads, buyer: Buyer, user: ProcurementUser
    ) -> Pending[AccountLookup] | None:
        """The directory's read of ``user``'s account queued in ``reads``, for :meth:`start`;
        None for a guest buyer, whose users have no account to look up."""
        if buyer.user_policy == "guest":
            return None
        return self.directory.queue_lookup(reads, buyer.id, account_key(buyer, user))

    def temp_logins(self, storefront_id: int) -> bool | None:
        """Whether the storefront's createtemp answers a password (None: not asked yet)."""
        value = self.store.get(self.store.key(TEMP_LOGINS, str(storefront_id)))
        return value if isinstance(value, bool) else None

    def remember_temp_logins(self, storefront_id: int, available: bool) -> None:
        self.store.put_permanent(self.store.key(TEMP_LOGINS, str(storefront_id)), available)

    def _new_temp(self, buyer: Buyer, user: ProcurementUser) -> PipoLogin:
        """The ``per_user`` user's unconverted temporary user, or a new one."""
        if self.temp_logins(buyer.storefront_id) is False:
            return self._new_permanent(buyer, user)
        key = account_key(buyer, user)
        reusable = buyer.user_policy == "per_user"
        earlier = self.temps.reusable(buyer.id, key) if reusable else None
        if earlier is not None:
            user_id, username, password = earlier
            try:
                token = self.client.login(username, password, buyer.storefront_id)
            except (AuthenticationFailed, NotFound):
                self.temps.gone(buyer.id, key, user_id)
            else:
                self.temps.used(buyer.id, user_id, key)
                return PipoLogin(token=token, user_id=user_id, is_temp=True)
        temp = self.client.create_temp_user(buyer.storefront_id)
        self.remember_temp_logins(buyer.storefront_id, temp.password is not None)
        if temp.password is None:
            log.warning(
                "storefront %s: PIPO createtemp answered no password; creating permanent "
                "accounts through user/create instead",
                buyer.storefront_id,
            )
            return self._new_permanent(buyer, user)
        token = self.client.login(temp.username, temp.password, buyer.storefront_id)
        self.temps.remember(buyer.id, key, temp.id, temp.username, temp.password, reusable=reusable)
        return PipoLogin(token=token, user_id=temp.id, is_temp=True)

    def _new_permanent(self, buyer: Buyer, user: ProcurementUser) -> PipoLogin:
        """The user's permanent account, created now (PIPO: POST /user/create) and logged in
        to; a guest gets one of its own for this punch-out."""
        if buyer.user_policy == "guest":
            key = f"guest:{secrets.token_hex(12)}"
        else:
            key = account_key(buyer, user)
        username, password = self.logins.derived(buyer, key)
        email = f"{username}@punchout.invalid"
        if buyer.user_policy != "guest" and user.email:
            email = user.email
        conflict: Conflict | None = None
        try:
            self.client.create_user(
                buyer.storefront_id,
                username=username,
                password=password,
                email=email,
                first_name=user.first_name or "Procurement",
                last_name=user.last_name or "User",
            )
        except Conflict as exc:  # made meanwhile, or the e-mail is taken: the login tells
            conflict = exc
        try:
            token = self.client.login(username, password, buyer.storefront_id)
        except AuthenticationFailed as exc:
            if self.logins.known(buyer, key)[0] is not None:  # the connector made this account
                raise IdentityError(
                    "Your storefront account cannot be opened with the supplier's current "
                    "keys. Please ask your administrator to contact the supplier; trying again "
                    "will not help.",
                    f"buyer {buyer.id}: derived password of {username} refused "
                    "(master key replaced or retired before `punchout keys migrate`?)",
                ) from exc
            raise IdentityError(
                "A storefront account with your email address exists already, so you cannot "
                "be signed in automatically. Please ask the supplier to link your account.",
                f"buyer {buyer.id}: PIPO user/create refused ({conflict}) and the derived "
                f"account does not log in (link the user with `punchout users link`)",
            ) from exc
        return self.logins.remember_permanent(buyer, key, token)

    # -- cart return ---------------------------------------------------------------------

    def settle(self, buyer: Buyer, user: ProcurementUser, login: PipoLogin) -> PipoLogin:
        """Make a temporary user's designs permanent before they go into a cart
        (:func:`punchout.domain.account_conversion.settle`)."""
        return account_conversion.settle(self.logins, self.temps, buyer, user, login)

    def settle_for_order(self, buyer: Buyer, login: PipoLogin) -> PipoLogin:
        """Before an order: a temporary (guest) user's designs move to a permanent account
        (:func:`punchout.domain.account_conversion.settle_for_order`)."""
        return account_conversion.settle_for_order(self.logins, buyer, login)

    # -- later logins (edit, inspect, orders) ---------------------------------------------

    def login_as(self, buyer: Buyer, user_id: int) -> PipoLogin:
        """Log in again as a PIPO user the connector handed out earlier."""
        record = self.directory.get(buyer.id, user_id)
        if record is None:
            raise IdentityError(
                "This item does not belong to a known storefront user.",
                f"buyer {buyer.id}: PIPO user {user_id} is not in the user directory",
            )
        is_temp = record.kind == "temp"
        if is_temp:
            self.temps.used(buyer.id, user_id)
        try:
            if record.has_credentials:
                username, password = self.logins.stored_credentials(record)
                token = self.client.login(username, password, buyer.storefront_id)
            else:
                token = derived_login(self.client, self.keys, buyer, record.user_key)
        except (AuthenticationFailed, NotFound) as exc:
            raise IdentityError(
                "The storefront account for this item cannot be opened any more. Please ask "
                "your administrator to contact the supplier.",
                f"buyer {buyer.id}: login as PIPO user {user_id} failed: {exc}",
            ) from exc
        return PipoLogin(token=token, user_id=user_id, is_temp=is_temp)

    # -- linking (after a duplicate-email conflict) ------------------------------------------

    def link(self, buyer: Buyer, user: str, username: str, password: str) -> int:
        """Bind a procurement user to an existing storefront account, verified by a login.

        The account's password is stored encrypted; the user's later punch-outs log in to it
        and a temporary user's designs are transferred into it.
        """
        key = user_key(user)
        try:
            token = self.client.login(username, password, buyer.storefront_id)
        except AuthenticationFailed as exc:
            raise IdentityError(
                "The storefront login failed: check the account's user name and password.",
                f"buyer {buyer.id}: link of {key!r} to {username!r} refused by PrintNow",
            ) from exc
        info = self.client.user_info(token)
        sealed = self.encryptor.encrypt(password)
        record = DirectoryRecord.with_credentials("linked", key, username, sealed)
        self.directory.remember_account(buyer.id, info.id, record)
        return info.id

    def provision(self, buyer: Buyer, user: ProcurementUser) -> tuple[int, bool]:
        """Create the permanent account of a ``per_user`` user ahead of their first punch-out
        (Customers API). Returns its id and whether it was created now (False: it existed)."""
        key = user.key
        username, password = self.logins.derived(buyer, key)
        try:
            customer = self.client.create_customer(
                buyer.storefront_id,
                username=username,
                password=password,
                email=user.email,
                first_name=user.first_name or "Procurement",
                last_name=user.last_name or "User",
            )
            user_id, created = customer.id, True
        except BadRequest as exc:
            # Customers API: 400 "Username is already in use." or "Email address is already
            # in use.", in an unstated order and whatever the body's format: the account is
            # ours when the derived password logs in.
            try:
                token = self.client.login(username, password, buyer.storefront_id)
            except AuthenticationFailed:
                raise exc from None
            user_id, created = self.client.user_info(token).id, False
        self.directory.remember_account(buyer.id, user_id, self.logins.derived_record(key))
        return user_id, created

    def owns(self, buyer: Buyer, user: ProcurementUser, user_id: int) -> bool:
        """Whether ``user`` maps to PIPO user ``user_id``, so may reopen its designs (all users
        of a ``shared`` buyer map to its one account, on purpose)."""
        record = self.directory.get(buyer.id, user_id)
        return record is not None and record.user_key == account_key(buyer, user)
