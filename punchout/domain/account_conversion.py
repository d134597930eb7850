"""The cart return's account step: a temporary PIPO user's designs made permanent.

A ``per_user`` or ``shared`` user who started as a temporary user is converted into their
permanent account (PIPO: POST /user/convert) or, when that account exists already, the
temporary user's designs are transferred into it (PIPO: POST /user/transfer). Before an
order, a guest's temporary user moves to an account of its own the same way, since PrintNow
orders belong to permanent customers.
"""

from __future__ import annotations

import logging

from punchout.domain.account_logins import AccountLogins
from punchout.domain.buyers import Buyer
from punchout.domain.identity import IdentityError, PipoLogin, ProcurementUser, account_key
from punchout.domain.temp_users import TempUsers
from punchout.printnow import Conflict, NotTemporary, UnknownUsername, WrongPassword

log = logging.getLogger(__name__)


def settle(
    logins: AccountLogins, temps: TempUsers, buyer: Buyer, user: ProcurementUser, login: PipoLogin
) -> PipoLogin:
    """Make a temporary user's designs permanent before they go into a cart.

    ``per_user`` and ``shared``: convert the temporary user into the derived account, or
    transfer into it when it exists already. ``guest`` users stay temporary.
    """
    if not login.is_temp or buyer.user_policy == "guest":
        return login
    key = account_key(buyer, user)
    linked = logins.linked(buyer, key)
    if linked is not None:
        user_id, username, password = linked
        logins.client.transfer_user(login.token, username=username, password=password)
        temps.converted(buyer.id, key)
        return PipoLogin(token=login.token, user_id=user_id, is_temp=False)
    username, password = logins.derived(buyer, key)
    try:
        logins.client.convert_user(
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
            logins.client.transfer_user(login.token, username=username, password=password)
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
    temps.converted(buyer.id, key)
    return logins.remember_permanent(buyer, key, login.token)


def settle_for_order(logins: AccountLogins, buyer: Buyer, login: PipoLogin) -> PipoLogin:
    """Before an order: a temporary (guest) user's designs move to a permanent account.

    PrintNow orders belong to permanent customers. The account is derived from the
    temporary user's id, so a retried order converts or transfers into the same one.
    """
    if not login.is_temp:
        return login
    key = f"guest-order:{login.user_id}"
    username, password = logins.derived(buyer, key)
    try:
        logins.client.convert_user(
            login.token,
            username=username,
            password=password,
            email=f"{username}@punchout.invalid",
            first_name="Procurement",
            last_name="Guest",
        )
    except Conflict:  # the derived account exists (a retried order): either 409 wording
        logins.client.transfer_user(login.token, username=username, password=password)
    return logins.remember_permanent(buyer, key, login.token)
