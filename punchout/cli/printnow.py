"""``punchout printnow check``: verify against a live storefront what the docs do not state.

The PrintNow documentation leaves gaps the connector has to bridge (see
docs/connecting-to-printnow.md). Each check here asks the storefront itself, with read-only
calls where possible and otherwise one throwaway account that is deleted afterwards
(Customers: DELETE /customer/{id}). A temporary user cannot be deleted, so the throwaway
temporary user is first made permanent (Customers: PATCH /customer/{id}, "Converting a
Temporary User") and then deleted.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import click
import requests

from punchout.cli.common import connector, fail, with_app
from punchout.domain.accounts import Accounts
from punchout.printnow import (
    ApiCredentialsRejected,
    BadRequest,
    Conflict,
    DuplicateEmail,
    DuplicateUserName,
    NotFound,
    PrintNowClient,
    PrintNowError,
    TokenInvalid,
)
from punchout.runtime.settings import Settings

OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass
class Findings:
    """What each check found: ``(name, outcome, detail)``."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, name: str, outcome: str, detail: str) -> None:
        self.rows.append((name, outcome, detail))

    @property
    def ok(self) -> bool:
        return all(outcome != FAIL for _, outcome, _ in self.rows)


@dataclass
class Throwaway:
    """A permanent account made for the checks, deleted at the end."""

    username: str
    password: str = field(repr=False)
    email: str
    customer_id: int | None = None


def _throwaway() -> Throwaway:
    name = f"pncheck-{secrets.token_hex(6)}"
    return Throwaway(name, secrets.token_urlsafe(18) + "-1a", f"{name}@punchout.invalid")


def check_storefront(
    client: PrintNowClient,
    accounts: Accounts,
    settings: Settings,
    storefront_id: int,
    *,
    order_id: int | None = None,
) -> Findings:
    """Run every check against one storefront; clean up what was made."""
    found = Findings()
    if not _check_api(client, found):
        return found
    _check_expired_token(client, found)
    cleanup: list[Callable[[], None]] = []
    try:
        _check_temp_user(client, accounts, storefront_id, found, cleanup)
        _check_account(client, settings, storefront_id, found, cleanup)
        if order_id is not None:
            _check_order(client, order_id, found)
    finally:
        for step in reversed(cleanup):
            try:
                step()
            except PrintNowError as exc:
                found.add("clean-up", WARN, f"a throwaway account was left: {exc}")
    return found


def _check_api(client: PrintNowClient, found: Findings) -> bool:
    """Read-only: an order that cannot exist answers 404 once Basic Auth is accepted."""
    try:
        client.get_order(0)
    except NotFound as exc:
        found.add("API credentials", OK, f"accepted (GET /order/0 answered 404: {exc.message})")
        return True
    except ApiCredentialsRejected:
        found.add("API credentials", FAIL, "rejected: check the API token and key")
        return False
    except PrintNowError as exc:
        found.add("API credentials", FAIL, f"GET /order/0 failed: {exc}")
        return False
    found.add("API credentials", WARN, "GET /order/0 answered an order")
    return True


def _check_expired_token(client: PrintNowClient, found: Findings) -> None:
    """Read-only: a token that was never issued must get the 403 of an expired one."""
    try:
        client.user_info("punchout-check-" + secrets.token_hex(8))
    except TokenInvalid as exc:
        found.add("expired token", OK, f"403, re-login will start ({exc.message})")
        return
    except PrintNowError as exc:
        found.add("expired token", FAIL, f"not a 403 but {exc}: sessions will not re-login")
        return
    found.add("expired token", FAIL, "an unknown token was accepted")


def _check_temp_user(
    client: PrintNowClient,
    accounts: Accounts,
    storefront_id: int,
    found: Findings,
    cleanup: list[Callable[[], None]],
) -> None:
    """createtemp: does its answer carry a password? The choice is remembered per storefront."""
    try:
        temp = client.create_temp_user(storefront_id)
    except PrintNowError as exc:
        found.add("temporary users", FAIL, f"createtemp failed: {exc}")
        return
    accounts.remember_temp_logins(storefront_id, temp.password is not None)
    spare = _throwaway()
    details = {
        "username": spare.username,
        "password": spare.password,
        "email": spare.email,
        "first_name": "Punchout",
        "last_name": "Check",
    }

    def remove() -> None:  # make the temporary user permanent, then delete it
        client.update_customer(temp.id, is_temporary=False, **details)
        client.delete_customer(temp.id)

    cleanup.append(remove)
    if temp.password is None:
        found.add(
            "temporary users",
            OK,
            "createtemp answers no password: permanent accounts are made through user/create",
        )
        return
    try:
        token = client.login(temp.username, temp.password, storefront_id)
        is_temp = client.is_temp_user(token)
    except PrintNowError as exc:
        found.add("temporary users", FAIL, f"its password does not log in: {exc}")
        return
    outcome = OK if is_temp else FAIL
    found.add("temporary users", outcome, f"createtemp's password logs in (istemp: {is_temp})")


def _check_account(
    client: PrintNowClient,
    settings: Settings,
    storefront_id: int,
    found: Findings,
    cleanup: list[Callable[[], None]],
) -> None:
    """A throwaway permanent account: the order of the duplicate checks, the success
    bodies, the storefront URL and whether projects report design fields."""
    spare = _throwaway()
    names = {"first_name": "Punchout", "last_name": "Check"}
    try:
        client.create_user(
            storefront_id,
            username=spare.username,
            password=spare.password,
            email=spare.email,
            **names,
        )
        token = client.login(spare.username, spare.password, storefront_id)
        spare.customer_id = client.user_info(token).id
    except PrintNowError as exc:
        found.add("user/create and login", FAIL, str(exc))
        return
    customer_id = spare.customer_id
    cleanup.append(lambda: client.delete_customer(customer_id))
    found.add("user/create and login", OK, "any 2xx accepted; the token was read")
    try:
        client.create_user(
            storefront_id,
            username=spare.username,
            password=spare.password,
            email=spare.email,
            **names,
        )
        found.add("duplicate checks", FAIL, "a second account with the same name was made")
    except DuplicateUserName:
        found.add("duplicate checks", OK, "409 naming the user name first")
    except DuplicateEmail:
        found.add("duplicate checks", OK, "409 naming the e-mail first (transfer is tried)")
    except Conflict as exc:
        found.add("duplicate checks", WARN, f"409 in unknown words ({exc.message})")
    except PrintNowError as exc:
        found.add("duplicate checks", FAIL, f"not a 409: {exc}")
    try:
        projects = client.list_projects(token)
    except PrintNowError as exc:
        found.add("projects", FAIL, str(exc))
    else:
        found.add(
            "project fields",
            WARN,
            f"{len(projects)} project(s); the Project object documents no design fields: "
            "carts and OCI DETAIL show them only when PrintNow reports `fields`",
        )
    _check_storefront_url(settings, storefront_id, token, found)


def _check_storefront_url(
    settings: Settings, storefront_id: int, token: str, found: Findings
) -> None:
    template = settings.storefront_url_template
    if not template:
        found.add("storefront URL", WARN, "storefront_url_template is empty: sandbox only")
        template = settings.printnow_url + "/storefront/{storefront_id}?token={token}"
    url = template.format(
        token=quote(token, safe=""),
        storefront_id=storefront_id,
        return_url=quote(settings.public_url + "/cart/printnow-check", safe=""),
    )
    shown = url.replace(quote(token, safe=""), "<token>")
    try:
        response = requests.get(url, timeout=(3.05, 20), allow_redirects=True)
    except requests.RequestException as exc:
        found.add("storefront URL", FAIL, f"{shown}: {type(exc).__name__}")
        return
    outcome = OK if response.status_code < 400 else FAIL
    found.add("storefront URL", outcome, f"{response.status_code} from {shown}")


def _check_order(client: PrintNowClient, order_id: int, found: Findings) -> None:
    """Read-only: a known order reports the external id PIPO order/create was given."""
    try:
        order = client.get_order(order_id)
    except PrintNowError as exc:
        found.add("order integration_id", FAIL, str(exc))
        return
    outcome = OK if order.external_id else WARN
    found.add("order integration_id", outcome, f"order {order_id}: {order.external_id!r}")


@click.group("printnow")
def printnow() -> None:
    """The connection to PrintNow."""


@printnow.command("check")
@click.option("--storefront", "storefront_id", type=int, help="Only this storefront.")
@click.option("--order", "order_id", type=int, help="Also read this order (read-only).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@with_app
def printnow_check(storefront_id: int | None, order_id: int | None, as_json: bool) -> None:
    """Verify against the live storefronts what PrintNow's documentation leaves open."""
    c = connector()
    ids = [storefront_id] if storefront_id else sorted({b.storefront_id for b in c.registry.all()})
    if not ids:
        fail("No buyer names a storefront; pass --storefront.")
    if as_json:
        results = []
        for sid in ids:
            found = check_storefront(c.client, c.accounts, c.settings, sid, order_id=order_id)
            rows = [{"check": n, "outcome": o, "detail": d} for n, o, d in found.rows]
            results.append({"storefront": sid, "ok": found.ok, "checks": rows})
        click.echo(json.dumps(results, indent=2))
        raise SystemExit(0 if all(r["ok"] for r in results) else 1)
    passed = True
    for sid in ids:
        click.echo(f"Storefront {sid} at {c.settings.printnow_url}:")
        found = check_storefront(c.client, c.accounts, c.settings, sid, order_id=order_id)
        for name, outcome, detail in found.rows:
            colour = {OK: "green", WARN: "yellow", FAIL: "red"}[outcome]
            click.echo(f"  [{click.style(f'{outcome:<4}', fg=colour)}] {name}: {detail}")
        passed = passed and found.ok
    if not passed:
        fail("Some checks failed; see docs/connecting-to-printnow.md.")
    click.echo("PrintNow answers as the connector expects.")


def probe_storefront(client: PrintNowClient, storefront_id: int) -> tuple[bool | None, str]:
    """Whether PrintNow has the storefront: (True, ...) when a temporary user could be made
    on it (PIPO: POST /user/createtemp; made permanent and deleted again at once), (False,
    PrintNow's reason) when PrintNow refused it, (None, why) when PrintNow did not answer."""
    try:
        temp = client.create_temp_user(storefront_id)
    except (BadRequest, NotFound) as exc:
        return False, f"PrintNow refused storefront {storefront_id}: {exc.message}"
    except PrintNowError as exc:
        return None, f"PrintNow could not be asked about storefront {storefront_id}: {exc}"
    spare = _throwaway()
    try:
        client.update_customer(temp.id, is_temporary=False, username=spare.username,
                               password=spare.password, email=spare.email,
                               first_name="Punchout", last_name="Check")  # fmt: skip
        client.delete_customer(temp.id)
    except PrintNowError as exc:
        return True, f"storefront {storefront_id} exists (its check account was left: {exc})"
    return True, f"storefront {storefront_id} exists"
