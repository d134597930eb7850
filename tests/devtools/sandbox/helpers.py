"""Helpers for the PrintNow sandbox tests: a fake clock, an API caller, a config maker.

The clock is injected into the sandbox state, so token idling and the merge delay are tested
by moving time, not by sleeping.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from punchout.devtools.sandbox import SandboxConfig

AUTH = ("sandbox-token", "sandbox-key")
IDLE = 600.0
MERGE = 5.0


class FakeClock:
    """A clock that only moves when told to (Unix seconds)."""

    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Api:
    """The test client speaking to the sandbox API with its Basic Auth and an X-PN-TOKEN."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        auth: tuple[str, str] | None = AUTH,
        **kwargs: Any,
    ) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["X-PN-TOKEN"] = token
        url = path if path.startswith("/_") else "/api/v2" + path
        return self.client.open(url, method=method, auth=auth, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)

    # Shortcuts for the setup most tests need.

    def login(self, username: str, password: str, storefront_id: int = 1) -> str:
        body = {"username": username, "password": password, "storefront_id": storefront_id}
        response = self.post("/pipo/user/login", json=body)
        assert response.status_code == 200, response.json
        token: str = response.json
        return token

    def temp_session(self, storefront_id: int = 1) -> tuple[dict[str, Any], str]:
        """A new temporary user and a session token for it."""
        user = self.post("/pipo/user/createtemp", json={"storefront_id": storefront_id}).json
        return user, self.login(user["username"], user["password"], storefront_id)

    def user_session(self, username: str = "demo.buyer", storefront_id: int = 1) -> str:
        """A new permanent user (password ``secret-pw``) and a session token for it."""
        body = {
            "storefront_id": storefront_id,
            "username": username,
            "password": "secret-pw",
            "email": f"{username}@example.com",
            "first_name": "Demo",
            "last_name": "Buyer",
        }
        assert self.post("/pipo/user/create", json=body).json is True
        return self.login(username, "secret-pw", storefront_id)

    def user_id(self, token: str) -> int:
        user_id: int = self.get("/pipo/user/info", token=token).json["id"]
        return user_id

    def project(self, token: str, template: str = "BC-STD-85x55", **fields: str) -> dict[str, Any]:
        """A saved project of the token's user, made through the test control."""
        fields = fields or {"name_on_card": "Demo Buyer"}
        body = {"user_id": self.user_id(token), "template": template, "fields": fields}
        response = self.post("/_sandbox/projects", json=body)
        assert response.status_code == 200, response.json
        project: dict[str, Any] = response.json
        return project

    def order(self, token: str, count: int = 1, external_id: str = "PO-1001") -> int:
        """An order of ``count`` new projects of the token's user."""
        ids = [self.project(token)["id"] for _ in range(count)]
        response = self.post(
            "/pipo/order/create", token=token, json={"product_id": ids, "external_id": external_id}
        )
        assert response.status_code == 200, response.json
        order_id: int = response.json
        return order_id


def make_config(**overrides: Any) -> SandboxConfig:
    values: dict[str, Any] = {
        "api_token": AUTH[0],
        "api_key": AUTH[1],
        "token_idle_seconds": IDLE,
        "merge_seconds": MERGE,
    }
    values.update(overrides)
    return SandboxConfig(**values)
