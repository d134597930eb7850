"""Procurement users and the PrintNow (PIPO) accounts they design and order under.

Who the user is comes from the buyer's setup request, through the buyer's fallback chain of
extrinsics and Contact fields (QUIRKS B11): :func:`identify_user`.

Which PIPO account they use depends on the buyer's user policy (:class:`Accounts`):

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

Every PIPO user the connector hands out is recorded in a permanent user directory keyed by
buyer and PIPO user id. Signed references carry only that id; the directory says how to log
in as the user again (derived credentials, or the encrypted temporary ones).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from punchout.domain.buyers import Buyer
from punchout.domain.key_rotation import derived_login
from punchout.domain.keys import (
    DecryptionError,
    Encryptor,
    KeyRing,
    derive_user_password,
    derive_username,
    key_id,
)
from punchout.domain.temp_users import TempUsers
from punchout.errors import ConnectorError
from punchout.printnow import (
    AuthenticationFailed,
    BadRequest,
    Conflict,
    NotFound,
    NotTemporary,
    PrintNowClient,
    PrintNowError,
    TokenInvalid,
    UnknownUsername,
    WrongPassword,
)
from punchout.runtime.store import Store

log = logging.getLogger(__name__)

#: The identity used for the one account of a ``shared`` buyer.
SHARED_USER_KEY = "*shared*"
#: The user of a request that names none (accepted for shared and guest buyers only).
ANONYMOUS_USER = "*anonymous*"
#: Store key prefix: per storefront, whether PIPO createtemp answers a password.
TEMP_LOGINS = "temp_logins"


class IdentityError(ConnectorError):
    """The procurement user cannot be mapped to a PIPO account: only the supplier can fix it.

    ``message`` is safe to show the buyer and the user; ``reason`` is for the operator's log.
    """

    code = 409
    title = "Your storefront account needs the supplier"
    public_text = None
    cxml_public_text = None
    next_step = "admin"

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message, reason=reason)
        self.message = message

    @property
    def reason(self) -> str:
        return self.log_text


@dataclass(frozen=True)
class ProcurementUser:
    """The person punching out, as the buyer's system describes them."""

    key: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class PipoLogin:
    """A logged-in PIPO session for a procurement user."""

    token: str
    user_id: int
    is_temp: bool

    def __repr__(self) -> str:  # the token is a credential
        return f"PipoLogin(user_id={self.user_id}, is_temp={self.is_temp})"


def identify_user(
    chain: Sequence[str],
    extrinsics: Mapping[str, str],
    contact_email: str = "",
    contact_name: str = "",
) -> ProcurementUser | None:
    """Find the procurement user through ``chain`` (e.g. ``extrinsic:UserEmail``).

    Extrinsic names match case-insensitively. The first non-empty source is the user's key
    (lower-cased when it is an email address). Returns None when no source has a value.
    """
    lowered = {name.lower(): value.strip() for name, value in extrinsics.items()}
    sources = {"contact:email": contact_email.strip(), "contact:name": contact_name.strip()}
    key = ""
    for source in chain:
        kind, _, name = source.partition(":")
        value = lowered.get(name.lower(), "") if kind == "extrinsic" else sources.get(source, "")
        if value:
            key = value.lower() if "@" in value else value
            break
    if not key:
        return None
    email = next(
        (v for v in (lowered.get("useremail", ""), contact_email.strip()) if "@" in v),
        key if "@" in key else "",
    )
    first = lowered.get("firstname", "")
    last = lowered.get("lastname", "")
    if not (first or last) and contact_name.strip():
        first, _, last = contact_name.strip().partition(" ")
    return ProcurementUser(key=key, email=email.lower(), first_name=first, last_name=last)


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
        self.temps = TempUsers(store, encryptor, temp_days * 86400)

    # -- punch-out start -----------------------------------------------------------------

    def start(self, buyer: Buyer, user: ProcurementUser) -> PipoLogin:
        """A PIPO session for ``user`` at the start of a punch-out."""
        if buyer.user_policy == "guest":
            return self._new_temp(buyer, user)
        key = self._account_key(buyer, user)
        known, record = self._known(buyer, key)
        if known is not None and record.get("kind") == "linked":
            return self._login_linked(buyer, known, *self._stored_credentials(record))
        try:
            token = derived_login(self.client, self.keys, buyer, key)
        except AuthenticationFailed:
            # PrintNow does not say whether the account is missing or the password wrong:
            # start as a temporary user; on cart return, convert (new account) or transfer
            # (existing one), and a wrong password surfaces there with a clear message.
            return self._new_temp(buyer, user)
        if isinstance(known, int):  # a returning user: nothing to look up or record again
            return PipoLogin(token=token, user_id=known, is_temp=False)
        return self._remember_permanent(buyer, key, token)

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
        key = self._account_key(buyer, user)
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
            key = self._account_key(buyer, user)
        username, password = self._derived(buyer, key)
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
            if self._known(buyer, key)[0] is not None:  # the connector made this account
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
        return self._remember_permanent(buyer, key, token)

    # -- cart return ---------------------------------------------------------------------

    def settle(self, buyer: Buyer, user: ProcurementUser, login: PipoLogin) -> PipoLogin:
        """Make a temporary user's designs permanent before they go into a cart.

        ``per_user`` and ``shared``: convert the temporary user into the derived account, or
        transfer into it when it exists already. ``guest`` users stay temporary.
        """
        if not login.is_temp or buyer.user_policy == "guest":
            return login
        key = self._account_key(buyer, user)
        linked = self._linked(buyer, key)
        if linked is not None:
            user_id, username, password = linked
            self.client.transfer_user(login.token, username=username, password=password)
            self.temps.converted(buyer.id, key)
            return PipoLogin(token=login.token, user_id=user_id, is_temp=False)
        username, password = self._derived(buyer, key)
        try:
            self.client.convert_user(
                login.token,
                username=username,
                password=password,
                email=user.email or f"{username}@punchout.invalid",
                first_name=user.first_name or "Procurement",
                last_name=user.last_name or "User",
            )
        except Conflict as conflict:
            # PIPO: POST /user/convert answers 409 "if the username or email is already in
            # use", checked in an order it does not state: when the derived account exists
            # the transfer succeeds; when it does not, the e-mail belongs to another account.
            log.info("buyer %s: convert refused (%s); transferring instead", buyer.id, conflict)
            try:
                self.client.transfer_user(login.token, username=username, password=password)
            except UnknownUsername as exc:
                raise IdentityError(
                    "A storefront account with your email address exists already, so your "
                    "designs cannot be linked to it automatically. Please ask the supplier to "
                    "link your account; your designs are kept.",
                    f"buyer {buyer.id}: PIPO refused to convert ({conflict}) and the derived "
                    f"account does not exist: the e-mail {user.email!r} is another account's "
                    f"(link the user with `punchout users link`)",
                ) from exc
            except WrongPassword as exc:
                raise IdentityError(
                    "Your storefront account cannot be opened with the supplier's current keys. "
                    "Please ask your administrator to contact the supplier; your designs are "
                    "kept, and trying again will not help.",
                    f"buyer {buyer.id}: derived password of {username} refused on transfer "
                    "(master key retired before `punchout keys migrate`?)",
                ) from exc
        except NotTemporary:
            # the same reused temporary user was converted by another punch-out of this
            # user (another tab) meanwhile: the session already is the permanent account
            log.info("buyer %s: temporary user was converted meanwhile", buyer.id)
        self.temps.converted(buyer.id, key)
        return self._remember_permanent(buyer, key, login.token)

    def settle_for_order(self, buyer: Buyer, login: PipoLogin) -> PipoLogin:
        """Before an order: a temporary (guest) user's designs move to a permanent account.

        PrintNow orders belong to permanent customers. The account is derived from the
        temporary user's id, so a retried order converts or transfers into the same one.
        """
        if not login.is_temp:
            return login
        key = f"guest-order:{login.user_id}"
        username, password = self._derived(buyer, key)
        try:
            self.client.convert_user(
                login.token,
                username=username,
                password=password,
                email=f"{username}@punchout.invalid",
                first_name="Procurement",
                last_name="Guest",
            )
        except Conflict:  # the derived account exists (a retried order): either 409 wording
            self.client.transfer_user(login.token, username=username, password=password)
        return self._remember_permanent(buyer, key, login.token)

    # -- later logins (edit, inspect, orders) ---------------------------------------------

    def login_as(self, buyer: Buyer, user_id: int) -> PipoLogin:
        """Log in again as a PIPO user the connector handed out earlier."""
        record = self.store.get(self.store.key("user", buyer.id, str(user_id)))
        if not isinstance(record, dict):
            raise IdentityError(
                "This item does not belong to a known storefront user.",
                f"buyer {buyer.id}: PIPO user {user_id} is not in the user directory",
            )
        is_temp = record.get("kind") == "temp"
        if is_temp:
            self.temps.used(buyer.id, user_id)
        try:
            if record.get("kind") in ("temp", "linked"):
                token = self.client.login(*self._stored_credentials(record), buyer.storefront_id)
            else:
                token = derived_login(self.client, self.keys, buyer, str(record["user_key"]))
        except (AuthenticationFailed, NotFound) as exc:
            raise IdentityError(
                "The storefront account for this item cannot be opened any more. Please ask "
                "your administrator to contact the supplier.",
                f"buyer {buyer.id}: login as PIPO user {user_id} failed: {exc}",
            ) from exc
        return PipoLogin(token=token, user_id=user_id, is_temp=is_temp)

    # -- linking (after a duplicate-email conflict) ------------------------------------------

    def link(self, buyer: Buyer, user_key: str, username: str, password: str) -> int:
        """Bind a procurement user to an existing storefront account, verified by a login.

        The account's password is stored encrypted; the user's later punch-outs log in to it
        and a temporary user's designs are transferred into it.
        """
        key = user_key.strip().lower() if "@" in user_key else user_key.strip()
        try:
            token = self.client.login(username, password, buyer.storefront_id)
        except AuthenticationFailed as exc:
            raise IdentityError(
                "The storefront login failed: check the account's user name and password.",
                f"buyer {buyer.id}: link of {key!r} to {username!r} refused by PrintNow",
            ) from exc
        info = self.client.user_info(token)
        self._record(
            buyer.id,
            info.id,
            {
                "kind": "linked",
                "user_key": key,
                "username": username,
                "password": self.encryptor.encrypt(password),
            },
        )
        self.store.put_permanent(self._account_map(buyer.id, key), info.id)
        return info.id

    def _account_map(self, buyer_id: str, key: str) -> str:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.store.key("account", buyer_id, digest)

    def _known(self, buyer: Buyer, key: str) -> tuple[int | None, dict[str, Any]]:
        """The storefront user ``key`` maps to, if any, and its directory record."""
        user_id = self.store.get(self._account_map(buyer.id, key))
        if not isinstance(user_id, int):
            return None, {}
        return user_id, self.directory_entry(buyer.id, user_id) or {}

    def _stored_credentials(self, record: dict[str, Any]) -> tuple[str, str]:
        """The username and (decrypted) password a temp or linked record keeps."""
        try:
            return str(record["username"]), self.encryptor.decrypt(str(record["password"]))
        except DecryptionError as exc:  # a master key retired before `punchout keys migrate`
            raise IdentityError(
                "Your storefront account cannot be opened: the supplier's keys have changed. "
                "Please ask your administrator to contact the supplier; this will not pass by "
                "trying again.",
                f"stored password of PrintNow user {record.get('username')!r} does not decrypt "
                "with any master key (retired before `punchout keys migrate`?)",
            ) from exc

    def _linked(self, buyer: Buyer, key: str) -> tuple[int, str, str] | None:
        """(user id, username, password) of the account ``key`` is linked to, if any."""
        user_id, record = self._known(buyer, key)
        if user_id is None or record.get("kind") != "linked":
            return None
        return (user_id, *self._stored_credentials(record))

    def _login_linked(self, buyer: Buyer, user_id: int, username: str, password: str) -> PipoLogin:
        try:
            token = self.client.login(username, password, buyer.storefront_id)
        except AuthenticationFailed as exc:
            raise IdentityError(
                "Your linked storefront account could not be opened. Please contact the supplier.",
                f"buyer {buyer.id}: linked account {username!r} refused its stored password",
            ) from exc
        return PipoLogin(token=token, user_id=user_id, is_temp=False)

    def directory(self, buyer_id: str) -> list[tuple[int, dict[str, Any]]]:
        """Every storefront user the connector knows for the buyer."""
        found = []
        for key in self.store.keys("user", buyer_id):
            record = self.store.get(key)
            if isinstance(record, dict):
                found.append((int(key.rsplit(":", 1)[1]), record))
        return sorted(found)

    def provision(self, buyer: Buyer, user: ProcurementUser) -> tuple[int, bool]:
        """Create the permanent account of a ``per_user`` user ahead of their first punch-out
        (Customers API). Returns its id and whether it was created now (False: it existed)."""
        key = user.key
        username, password = self._derived(buyer, key)
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
        self._record(buyer.id, user_id, self._derived_record(key))
        self.store.put_permanent(self._account_map(buyer.id, key), user_id)
        return user_id, created

    def owns(self, buyer: Buyer, user: ProcurementUser, user_id: int) -> bool:
        """Whether ``user`` maps to PIPO user ``user_id``, so may reopen its designs (all users
        of a ``shared`` buyer map to its one account, on purpose)."""
        record = self.directory_entry(buyer.id, user_id) or {}
        return record.get("user_key") == self._account_key(buyer, user)

    def directory_entry(self, buyer_id: str, user_id: int) -> dict[str, Any] | None:
        record = self.store.get(self.store.key("user", buyer_id, str(user_id)))
        return record if isinstance(record, dict) else None

    # -- helpers ---------------------------------------------------------------------------

    def _account_key(self, buyer: Buyer, user: ProcurementUser) -> str:
        return SHARED_USER_KEY if buyer.user_policy == "shared" else user.key

    def _derived(self, buyer: Buyer, key: str) -> tuple[str, str]:
        return (
            derive_username(buyer.id, key),
            derive_user_password(self.keys.current, buyer.id, key),
        )

    def _derived_record(self, key: str) -> dict[str, Any]:
        """A directory record of a derived account, naming the master key it is on."""
        return {"kind": "derived", "user_key": key, "key_id": key_id(self.keys.current)}

    def _remember_permanent(self, buyer: Buyer, key: str, token: str) -> PipoLogin:
        info = self.client.user_info(token)
        self._record(buyer.id, info.id, self._derived_record(key))
        self.store.put_permanent(self._account_map(buyer.id, key), info.id)
        return PipoLogin(token=token, user_id=info.id, is_temp=False)

    def _record(self, buyer_id: str, user_id: int, record: dict[str, Any]) -> None:
        self.store.put_permanent(self.store.key("user", buyer_id, str(user_id)), record)


__all__ = [
    "Accounts",
    "IdentityError",
    "PipoLogin",
    "PrintNowError",
    "ProcurementUser",
    "TokenInvalid",
    "identify_user",
]
