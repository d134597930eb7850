"""REST client for PrintNow: the 15 PIPO endpoints, the Orders API and the Customers API.

One ``requests.Session`` per client (connection reuse), Basic Auth with the API token and
key, ``X-PN-TOKEN`` for PIPO user calls. Every call has a timeout. Only idempotent GETs are
retried, with exponential backoff, and only on connection errors, timeouts and 5xx: a POST
that may have reached PrintNow is never sent twice. Logs name the method, path, status and
time; never a password, token or key.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests

from punchout.printnow.errors import (
    FORBIDDEN_MESSAGES,
    ApiCredentialsRejected,
    AuthenticationFailed,
    BadRequest,
    Conflict,
    DuplicateEmail,
    DuplicateUserName,
    Forbidden,
    NotFound,
    NotReady,
    NotSent,
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
    ServerError,
    UnexpectedResponse,
)
from punchout.printnow.models import Customer, Order, Project, TempUser, User

log = logging.getLogger(__name__)

#: ASP.NET Web API's answer to bad Basic Auth credentials.
API_AUTH_DENIED = "Authorization has been denied for this request."
#: Longest server message kept in an exception.
MAX_MESSAGE = 300


class PrintNowClient:
    """PrintNow over HTTP. ``base_url`` ends in ``/api/v2``."""

    def __init__(
        self,
        base_url: str,
        api_token: str,
        api_key: str,
        *,
        timeout: tuple[float, float] = (3.05, 20.0),
        retries: int = 2,
        backoff: float = 0.25,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self.http = session or requests.Session()
        self.http.auth = (api_token, api_key)
        # The environment's proxy and CA settings are read once here rather than on every
        # call, which requests does otherwise at a measurable cost.
        self.http.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        self.http.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        self.http.trust_env = False
        self.http.headers.update({"Accept": "application/json"})
        self._local = threading.local()

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Within the block, calls from this thread finish within ``seconds`` altogether:
        timeouts shrink to the time left and no retry starts after it (to answer a buyer
        within its own timeout)."""
        previous = getattr(self._local, "deadline", None)
        self._local.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self._local.deadline = previous

    def _timeout(self, endpoint: str) -> tuple[float, float]:
        deadline = getattr(self._local, "deadline", None)
        if deadline is None:
            return self.timeout
        left = deadline - time.monotonic()
        if left <= 0.05:
            raise NotSent(None, "the time budget ran out before the call", endpoint=endpoint)
        return (min(self.timeout[0], left), min(self.timeout[1], left))

    def __repr__(self) -> str:
        return f"PrintNowClient({self.base_url!r})"

    # ------------------------------------------------------------------ transport

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: dict[str, Any] | None = None,
        binary: bool = False,
        repeatable: bool = True,
    ) -> Any:
        """Send one call; return its decoded JSON (or bytes when ``binary``; None for 204).
        A GET is retried unless ``repeatable`` is False (a GET with side effects)."""
        url = self.base_url + path
        headers = {"X-PN-TOKEN": token} if token else {}
        attempts = 1 + (self.retries if method == "GET" and repeatable else 0)
        endpoint = f"{method} {path}"
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            try:
                response = self.http.request(
                    method, url, headers=headers, json=body, timeout=self._timeout(endpoint)
                )
            except requests.Timeout:
                error: PrintNowError = PrintNowTimeout(
                    None, "PrintNow did not answer in time.", endpoint=endpoint
                )
            except requests.ConnectionError:
                error = PrintNowConnectionError(
                    None, "PrintNow could not be reached.", endpoint=endpoint
                )
            else:
                elapsed = (time.perf_counter() - started) * 1000
                log.info("printnow %s -> %s in %.0f ms", endpoint, response.status_code, elapsed)
                if response.status_code < 400:
                    return _decode(response, endpoint, binary=binary)
                error = _error(response, endpoint)
                if not isinstance(error, ServerError):
                    raise error
            deadline = getattr(self._local, "deadline", None)
            delay = self.backoff * 2 ** (attempt - 1)
            if deadline is not None and time.monotonic() + delay >= deadline:
                raise error
            if attempt < attempts:
                log.warning(
                    "printnow %s failed (%s); retry %d in %.2fs",
                    endpoint,
                    error.message,
                    attempt,
                    delay,
                )
                self._sleep(delay)
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ PIPO users

    def login(self, username: str, password: str, storefront_id: int) -> str:
        """A session token for the user (401 → :class:`AuthenticationFailed`)."""
        body = {"username": username, "password": password, "storefront_id": storefront_id}
        return _as_str(self.request("POST", "/pipo/user/login", body=body), "/pipo/user/login")

    def logout(self, token: str) -> None:
        self.request("GET", "/pipo/user/logout", token=token)

    def is_logged_in(self, token: str) -> bool:
        """Whether the token is still valid (and refresh it)."""
        return bool(self.request("GET", "/pipo/user/loggedin", token=token))

    def user_info(self, token: str) -> User:
        return User.from_json(_as_dict(self.request("GET", "/pipo/user/info", token=token)))

    def update_user_info(
        self,
        token: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        current_password: str | None = None,
        new_password: str | None = None,
    ) -> None:
        fields = {
            "first_name": first_name,
            "last_name": last_name,
            "current_password": current_password,
            "new_password": new_password,
        }
        body = {k: v for k, v in fields.items() if v is not None}
        self.request("POST", "/pipo/user/info", token=token, body=body)

    def create_user(
        self,
        storefront_id: int,
        *,
        username: str,
        password: str,
        email: str,
        first_name: str,
        last_name: str,
    ) -> None:
        """A new permanent user (409 → :class:`DuplicateUserName` or :class:`DuplicateEmail`)."""
        body = {
            "storefront_id": storefront_id,
            "username": username,
            "password": password,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
        }
        self.request("POST", "/pipo/user/create", body=body)

    def create_temp_user(self, storefront_id: int) -> TempUser:
        data = self.request("POST", "/pipo/user/createtemp", body={"storefront_id": storefront_id})
        return TempUser.from_json(_as_dict(data))

    def convert_user(
        self,
        token: str,
        *,
        username: str,
        password: str,
        email: str,
        first_name: str,
        last_name: str,
    ) -> None:
        """The session's temporary user becomes a permanent account."""
        body = {
            "username": username,
            "password": password,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
        }
        self.request("POST", "/pipo/user/convert", token=token, body=body)

    def transfer_user(self, token: str, *, username: str, password: str) -> None:
        """Move the temporary user's work to an existing account; the token now points there."""
        body = {"username": username, "password": password}
        self.request("POST", "/pipo/user/transfer", token=token, body=body)

    def is_temp_user(self, token: str) -> bool:
        return bool(self.request("GET", "/pipo/user/istemp", token=token))

    # ------------------------------------------------------------------ PIPO projects, orders

    def list_projects(self, token: str) -> list[Project]:
        data = self.request("GET", "/pipo/project/all", token=token)
        if not isinstance(data, list):
            raise UnexpectedResponse(
                200, "expected a list of projects", endpoint="GET /pipo/project/all"
            )
        return [Project.from_json(_as_dict(p)) for p in data]

    def get_project(self, token: str, project_id: int) -> Project:
        data = self.request("GET", f"/pipo/project/{int(project_id)}", token=token)
        return Project.from_json(_as_dict(data))

    def delete_project(self, token: str, project_id: int) -> None:
        self.request("DELETE", f"/pipo/project/{int(project_id)}", token=token)

    def create_order(self, token: str, project_ids: list[int], external_id: str | None) -> int:
        """A PIPO order from the user's projects; invalid ids are dropped by PrintNow."""
        body: dict[str, Any] = {"product_id": [int(p) for p in project_ids]}
        if external_id is not None:
            body["external_id"] = external_id
        data = self.request("POST", "/pipo/order/create", token=token, body=body)
        if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).isdigit():
            raise UnexpectedResponse(
                200, "expected an order id", endpoint="POST /pipo/order/create"
            )
        return int(data)

    def process_order(self, token: str, order_id: int) -> None:
        """Start processing (and the print-file merge) of a created order.

        Sent once, never retried here: the GET has side effects (PIPO: "Process Order" sends
        a request to begin generating print-ready files)."""
        self.request("GET", f"/pipo/order/{int(order_id)}/process", token=token, repeatable=False)

    # ------------------------------------------------------------------ Orders API

    def get_order(self, order_id: int) -> Order:
        return Order.from_json(_as_dict(self.request("GET", f"/order/{int(order_id)}")))

    def download_order(self, order_id: int) -> bytes:
        """The order's print files as a ZIP (409 → :class:`NotReady` with ``retry_after``)."""
        return bytes(self.request("GET", f"/order/{int(order_id)}/download", binary=True))

    def download_item(self, order_id: int, item_id: int) -> bytes:
        path = f"/order/{int(order_id)}/download/{int(item_id)}"
        return bytes(self.request("GET", path, binary=True))

    def download_assets(self, order_id: int, item_id: int) -> bytes:
        path = f"/order/{int(order_id)}/assets/{int(item_id)}"
        return bytes(self.request("GET", path, binary=True))

    def wait_for_download(
        self, fetch: Callable[[], bytes], *, max_wait: float = 300.0, max_delay: float = 60.0
    ) -> bytes:
        """Call ``fetch`` until the files are ready, sleeping as ``Retry-After`` says."""
        deadline = time.monotonic() + max_wait
        while True:
            try:
                return fetch()
            except NotReady as exc:
                delay = min(exc.retry_after, max_delay)
                if time.monotonic() + delay > deadline:
                    raise
                self._sleep(delay)

    def mark_order_shipped(self, order_id: int, tracking_number: str | None = None) -> None:
        body = {"tracking_number": tracking_number} if tracking_number else None
        self.request("PATCH", f"/order/{int(order_id)}/shipped", body=body)

    def mark_item_shipped(
        self, order_id: int, item_id: int, tracking_number: str | None = None
    ) -> None:
        body = {"tracking_number": tracking_number} if tracking_number else None
        self.request("PATCH", f"/order/{int(order_id)}/shipped/{int(item_id)}", body=body)

    def update_order_status(self, order_id: int, status: str, **extra: Any) -> None:
        """Set the order's status (``comments``, ``notify_customer``… as keyword arguments)."""
        body = {"order_status": status, **extra}
        self.request("PATCH", f"/order/{int(order_id)}/status", body=body)

    def update_item_status(self, order_id: int, item_id: int, status: str, **extra: Any) -> None:
        body = {"order_status": status, **extra}
        self.request("PATCH", f"/order/{int(order_id)}/status/{int(item_id)}", body=body)

    # ------------------------------------------------------------------ Customers API

    def get_customer(self, customer_id: int) -> Customer:
        return Customer.from_json(_as_dict(self.request("GET", f"/customer/{int(customer_id)}")))

    def create_customer(self, storefront_id: int, **fields: Any) -> Customer:
        """A permanent customer, or a temporary one with ``is_temporary=True``."""
        body = {"storefront_id": storefront_id, **fields}
        return Customer.from_json(_as_dict(self.request("POST", "/customer", body=body)))

    def update_customer(self, customer_id: int, **fields: Any) -> Customer:
        data = self.request("PATCH", f"/customer/{int(customer_id)}", body=fields)
        return Customer.from_json(_as_dict(data))

    def transfer_customer(self, customer_id: int, destination_id: int) -> Customer:
        """Move a temporary customer's data to a permanent one; answers the destination."""
        path = f"/customer/{int(customer_id)}/transfer"
        return Customer.from_json(
            _as_dict(self.request("PATCH", path, body={"id": destination_id}))
        )

    def delete_customer(self, customer_id: int) -> None:
        self.request("DELETE", f"/customer/{int(customer_id)}")


# ---------------------------------------------------------------------- decoding


def _decode(response: requests.Response, endpoint: str, *, binary: bool) -> Any:
    if response.status_code == 204:
        return None
    if binary:
        return response.content
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        raise UnexpectedResponse(
            response.status_code, _describe_body(response), endpoint=endpoint
        ) from None


def _server_message(response: requests.Response) -> str | None:
    """PrintNow's ``{"message": ...}`` (or a bare JSON string), or None if not JSON."""
    try:
        data = response.json()
    except ValueError:
        return None
    if isinstance(data, dict):
        for name in ("message", "Message", "error"):
            if isinstance(data.get(name), str):
                return str(data[name])[:MAX_MESSAGE]
        return json.dumps(data)[:MAX_MESSAGE]
    if isinstance(data, str):
        return data[:MAX_MESSAGE]
    return None


def _describe_body(response: requests.Response) -> str:
    kind = response.headers.get("Content-Type", "no content type").split(";")[0]
    return f"the answer is not JSON ({kind}, {len(response.content)} bytes)"


def _error(response: requests.Response, endpoint: str) -> PrintNowError:
    """The exception for an error answer."""
    status = response.status_code
    message = _server_message(response)
    if status >= 500:
        return ServerError(status, message or _describe_body(response), endpoint=endpoint)
    if message is None:
        return UnexpectedResponse(status, _describe_body(response), endpoint=endpoint)
    lowered = message.strip().lower()
    if status == 400:
        return BadRequest(status, message, endpoint=endpoint)
    if status == 401:
        cls = ApiCredentialsRejected if message == API_AUTH_DENIED else AuthenticationFailed
        return cls(status, message, endpoint=endpoint)
    if status == 403:
        return FORBIDDEN_MESSAGES.get(lowered, Forbidden)(status, message, endpoint=endpoint)
    if status == 404:
        return NotFound(status, message, endpoint=endpoint)
    if status == 409:
        retry_after = response.headers.get("Retry-After")
        if retry_after is not None:
            return NotReady(status, message, endpoint=endpoint, retry_after=_seconds(retry_after))
        if "email" in lowered:
            return DuplicateEmail(status, message, endpoint=endpoint)
        if "user" in lowered:
            return DuplicateUserName(status, message, endpoint=endpoint)
        return Conflict(status, message, endpoint=endpoint)
    return PrintNowError(status, message, endpoint=endpoint)


def _seconds(value: str) -> float:
    try:
        return max(0.0, float(value))
    except ValueError:
        return 30.0


def _as_dict(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UnexpectedResponse(200, f"expected an object, got {type(data).__name__}")
    return data


def _as_str(data: Any, path: str) -> str:
    if not isinstance(data, str) or not data:
        raise UnexpectedResponse(200, "expected a session token", endpoint=f"POST {path}")
    return data
