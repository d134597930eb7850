"""The sandbox answers in the shapes PrintNow's documentation shows (``recorded.py``, written
by hand from the docs), in both profiles: the ``documented`` one adds nothing, the
``extended`` one adds only what ``punchout/devtools/sandbox/profile.py`` lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app
from punchout.devtools.sandbox.profile import EXTENSIONS, PROFILES
from tests.printnow.recorded import (
    ADDRESS_TABLE_ONLY,
    CUSTOMER,
    ORDER,
    ORDER_TABLE_ONLY,
    PROJECT,
    TEMP_USER,
    USER,
)
from tests.support import serve

pytestmark = pytest.mark.sandbox

#: What the extended profile may add, by answer; each must be named in EXTENSIONS.
EXTENDED_EXTRAS = {
    "temp user": {"password"},
    "project": {"fields"},
    "order": {"tracking_numbers"},
    "order item": {"external_id", "tracking_numbers"},
}


class Api:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.auth = ("contract-token", "contract-key")

    def call(self, method: str, path: str, token: str | None = None, **body: Any) -> Any:
        headers = {"X-PN-TOKEN": token} if token else {}
        return self.http.request(
            method, self.url + path, json=body or None, headers=headers, timeout=10
        )


@pytest.fixture(params=PROFILES)
def api(request: pytest.FixtureRequest) -> Iterator[tuple[str, Api]]:
    config = SandboxConfig(
        api_token="contract-token", api_key="contract-key", profile=request.param
    )
    with serve(create_sandbox_app(config)) as url:
        yield request.param, Api(url)


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def differences(documented: Any, live: Any, where: str) -> list[str]:
    """Type differences where both sides have a value (null, [] and {} match anything)."""
    if documented in (None, [], {}) or live in (None, [], {}):
        return []
    if isinstance(documented, dict) and isinstance(live, dict):
        found = []
        for name in documented.keys() & live.keys():
            found += differences(documented[name], live[name], f"{where}.{name}")
        return found
    if isinstance(documented, list) and isinstance(live, list):
        return differences(documented[0], live[0], f"{where}[]")
    if kind(documented) != kind(live):
        return [f"{where}: documented {kind(documented)}, answered {kind(live)}"]
    return []


def keys_problems(
    name: str, live: dict[str, Any], allowed: set[str], required: set[str]
) -> list[str]:
    extra = set(live) - allowed
    missing = required - set(live)
    return [f"{name}: not documented {sorted(extra)}"] * bool(extra) + [
        f"{name}: missing {sorted(missing)}"
    ] * bool(missing)


def test_every_answer_has_the_documented_shape(api: tuple[str, Api]) -> None:
    profile, sandbox = api
    base = "/api/v2"

    def extras(name: str) -> set[str]:
        return EXTENDED_EXTRAS.get(name, set()) if profile == "extended" else set()

    jane = {"username": "janesmith", "password": "userpass123", "email": "jane@example.com"}
    created = sandbox.call("POST", base + "/pipo/user/create", storefront_id=1, **jane,
                           first_name="Jane", last_name="Smith")  # fmt: skip
    assert created.status_code == 200
    token_answer = sandbox.call("POST", base + "/pipo/user/login", username="janesmith",
                                password="userpass123", storefront_id=1)  # fmt: skip
    token = token_answer.json()
    assert isinstance(token, str) and token
    user = sandbox.call("GET", base + "/pipo/user/info", token).json()
    temp = sandbox.call("POST", base + "/pipo/user/createtemp", storefront_id=1).json()
    design = {"template": "BC-STD-85x55", "fields": {"name_on_card": "Jane Smith"}}
    saved = sandbox.call("POST", "/_sandbox/projects", user_id=user["id"], **design)
    project = sandbox.call("GET", base + f"/pipo/project/{saved.json()['id']}", token).json()
    projects = sandbox.call("GET", base + "/pipo/project/all", token).json()
    order_id = sandbox.call("POST", base + "/pipo/order/create", token,
                            product_id=[project["id"]], external_id="EXT-12345").json()  # fmt: skip
    assert isinstance(order_id, int) and not isinstance(order_id, bool)
    order = sandbox.call("GET", base + f"/order/{order_id}").json()
    customer = sandbox.call("GET", base + f"/customer/{user['id']}").json()

    problems = keys_problems("user", user, set(USER), set(USER))
    problems += keys_problems(
        "temp user", temp, set(TEMP_USER) | extras("temp user"), set(TEMP_USER)
    )
    for answer in (project, *projects):
        problems += keys_problems("project", answer, set(PROJECT) | extras("project"), set(PROJECT))
    order_fields = set(ORDER) | set(ORDER_TABLE_ONLY)
    problems += keys_problems("order", order, order_fields | extras("order"), set(ORDER))
    item_fields = set(ORDER["items"][0])
    for item in order["items"]:
        problems += keys_problems(
            "order item", item, item_fields | extras("order item"), item_fields
        )
    address_fields = set(ORDER["shipping_address"]) | set(ADDRESS_TABLE_ONLY)
    problems += keys_problems(
        "address", order["shipping_address"], address_fields, set(ORDER["shipping_address"])
    )
    problems += keys_problems("customer", customer, set(CUSTOMER), set(CUSTOMER))
    for name, documented, live in [
        ("user", USER, user),
        ("temp user", TEMP_USER, temp),
        ("project", PROJECT, project),
        ("order", {**ORDER, **ORDER_TABLE_ONLY}, order),
        ("customer", CUSTOMER, customer),
    ]:
        problems += differences(documented, live, name)
    assert problems == []
    assert temp["is_temp"] is True and user["is_temp"] is False
    assert order["integration_id"] == "EXT-12345"


def test_the_extended_additions_are_listed_in_one_place() -> None:
    listed = " ".join(EXTENSIONS)
    for fields in EXTENDED_EXTRAS.values():
        for name in fields:
            assert f"`{name}`" in listed, name


def test_success_and_error_bodies_follow_the_profile(api: tuple[str, Api]) -> None:
    """'Returns 200 OK' is an empty body in the documented profile, ``true`` in the
    extended one; errors are plain text or ``{"message": ...}``; an expired token is a 403
    whose wording only user/transfer documents."""
    profile, sandbox = api
    base = "/api/v2"
    created = sandbox.call("POST", base + "/pipo/user/create", storefront_id=1, username="ada",
                           password="Engine-1843!", email="ada@example.com", first_name="Ada",
                           last_name="Lovelace")  # fmt: skip
    duplicate = sandbox.call("POST", base + "/pipo/user/create", storefront_id=1,
                             username="ada", password="Engine-1843!", email="ada@example.com",
                             first_name="Ada", last_name="Lovelace")  # fmt: skip
    expired = sandbox.call("GET", base + "/pipo/project/all", "no-such-token")
    transfer = sandbox.call("POST", base + "/pipo/user/transfer", "no-such-token",
                            username="ada", password="x")  # fmt: skip
    assert created.status_code == 200 and duplicate.status_code == 409
    assert expired.status_code == 403 and transfer.status_code == 403
    if profile == "documented":
        assert created.content == b""
        assert duplicate.headers["Content-Type"].startswith("text/plain")
        assert duplicate.text == "duplicate email"  # the e-mail is checked first here
        assert expired.text != "token is invalid or expired"
        assert transfer.text == "token is invalid or expired"
    else:
        assert created.json() is True
        assert duplicate.json() == {"message": "duplicate user name"}
        assert expired.json() == {"message": "token is invalid or expired"}
