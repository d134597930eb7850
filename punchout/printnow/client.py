"""REST client for PrintNow: the 15 PIPO endpoints, the Orders API and the Customers API.

HTTP goes through :mod:`punchout.printnow.transport` (kept-alive connections, one per
thread), with Basic Auth from the API token and key, ``X-PN-TOKEN`` for PIPO user calls.
Every call has a timeout. Only idempotent GETs are retried, with exponential backoff, and
only on connection errors, timeouts and 5xx: a POST that may have reached PrintNow is never
sent twice, nor is ``order/{id}/process``. Answers are read by status first
(``answers.py``): any 2xx is success for a call that needs no result, and every documented
error is recognised whatever its body's format. Logs name the method, path, status and time;
never a password, token or key.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from punchout.printnow.answers import (
    boolean,
    error_for,
    integer_id,
    json_list,
    json_object,
    session_token,
)
from punchout.printnow.errors import (
    NotReady,
    NotSent,
    PrintNowConnectionError,
    PrintNowError,
    PrintNowTimeout,
    ServerError,
    UnexpectedResponse,
)
from punchout.printnow.models import Customer, Order, Project, TempUser, User
from punchout.printnow.transport import Answer, Observer, Transport

log = logging.getLogger(__name__)
_JSON = {"Content-Type": "application/json"}


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
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        credentials = base64.b64encode(f"{api_token}:{api_key}".encode()).decode("ascii")
        # The environment's proxy and CA settings are read once, here.
        self.transport = Transport(
            {"Accept": "application/json", "Authorization": "Basic " + credentials}
        )
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

    def observe(self, observer: Observer) -> None:
        """Tell ``observer`` of every HTTP exchange with PrintNow (one at a time)."""
        self.transport.observer = observer

    def probe(self, url: str, timeout: float) -> int:
        """The status of one unretried GET of ``url`` (any status; a readiness check).
        Raises :class:`PrintNowTimeout` or :class:`PrintNowConnectionError` without one."""
        answer = self.transport.send("GET", url, endpoint="GET /", timeout=(timeout, timeout))
        return answer.status

    # ------------------------------------------------------------------ transport

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: dict[str, Any] | None = None,
        retry: bool | None = None,
    ) -> Answer:
        """Send one call; return its 2xx answer, or raise the error its status means.

        GETs are retried on connection errors, timeouts and 5xx unless ``retry`` is False;
        other methods never are.
        """
        url = self.base_url + path
        headers = {"X-PN-TOKEN": token} if token else None
        retried = method == "GET" if retry is None else retry and method == "GET"
        attempts = 1 + (self.retries if retried else 0)
        endpoint = f"{method} {path}"
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            try:
                response = self._send(method, url, endpoint, headers, body)
            except (PrintNowTimeout, PrintNowConnectionError) as exc:
                error: PrintNowError = exc
            else:
                elapsed = (time.perf_counter() - started) * 1000
                log.info("printnow %s -> %s in %.0f ms", endpoint, response.status, elapsed)
                if 200 <= response.status < 300:
                    return response
                if response.status < 400:
                    raise UnexpectedResponse(
                        response.status,
                        "a redirect or informational answer, not a result",
                        endpoint=endpoint,
                    )
                error = error_for(response, endpoint, token_sent=bool(token))
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

    def _send(
        self,
        method: str,
        url: str,
        endpoint: str,
        headers: dict[str, str] | None,
        body: dict[str, Any] | None,
    ) -> Answer:
        """One HTTP exchange; a body goes as JSON (as ``requests`` encodes ``json=``)."""
        timeout = self._timeout(endpoint)
        if body is None:
            return self.transport.send(
                method, url, endpoint=endpoint, timeout=timeout, headers=headers
            )
        content = json.dumps(body, allow_nan=False).encode()
        typed = {**headers, **_JSON} if headers else _JSON
        return self.transport.send(
            method, url, endpoint=endpoint, timeout=timeout, headers=typed, body=content
        )

    def _object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return json_object(self.request(method, path, **kwargs), f"{method} {path}")

    # ------------------------------------------------------------------ PIPO users

    def login(self, username: str, password: str, storefront_id: int) -> str:
        """A session token for the user (401 → :class:`AuthenticationFailed`)."""
        body = {"username": username, "password": password, "storefront_id": storefront_id}
        path = "/pipo/user/login"
        return session_token(self.request("POST", path, body=body), f"POST {path}")

    def logout(self, token: str) -> None:
        self.request("GET", "/pipo/user/logout", token=token)

    def is_logged_in(self, token: str) -> bool:
        """Whether the token is still valid (and refresh it)."""
        path = "/pipo/user/loggedin"
        return boolean(self.request("GET", path, token=token), f"GET {path}")

    def user_info(self, token: str) -> User:
        return User.from_json(self._object("GET", "/pipo/user/info", token=token))

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
        body = {"storefront_id": storefront_id}
        return TempUser.from_json(self._object("POST", "/pipo/user/createtemp", body=body))

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
        path = "/pipo/user/istemp"
        return boolean(self.request("GET", path, token=token), f"GET {path}")

    # ------------------------------------------------------------------ PIPO projects, orders

    def list_projects(self, token: str) -> list[Project]:
        path = "/pipo/project/all"
        data = json_list(self.request("GET", path, token=token), f"GET {path}")
        return [Project.from_json(p) for p in data]

    def get_project(self, token: str, project_id: int) -> Project:
        return Project.from_json(
            self._object("GET", f"/pipo/project/{int(project_id)}", token=token)
        )

    def delete_project(self, token: str, project_id: int) -> None:
        self.request("DELETE", f"/pipo/project/{int(project_id)}", token=token)

    def create_order(self, token: str, project_ids: list[int], external_id: str | None) -> int:
        """A PIPO order from the user's projects; invalid ids are dropped by PrintNow."""
        body: dict[str, Any] = {"product_id": [int(p) for p in project_ids]}
        if external_id is not None:
            body["external_id"] = external_id
        path = "/pipo/order/create"
        return integer_id(self.request("POST", path, token=token, body=body), f"POST {path}")

    def process_order(self, token: str, order_id: int) -> None:
        """Start processing (and the print-file merge) of a created order.

        Never retried: a GET only by name, it starts work at PrintNow, and a lost answer may
        hide a call that arrived; the caller decides what to do after a failure.
        """
        self.request("GET", f"/pipo/order/{int(order_id)}/process", token=token, retry=False)

    # ------------------------------------------------------------------ Orders API

    def get_order(self, order_id: int) -> Order:
        return Order.from_json(self._object("GET", f"/order/{int(order_id)}"))

    def download_order(self, order_id: int) -> bytes:
        """The order's print files as a ZIP (409 → :class:`NotReady` with ``retry_after``)."""
        return self.request("GET", f"/order/{int(order_id)}/download").body

    def download_item(self, order_id: int, item_id: int) -> bytes:
        path = f"/order/{int(order_id)}/download/{int(item_id)}"
        return self.request("GET", path).body

    def download_assets(self, order_id: int, item_id: int) -> bytes:
        path = f"/order/{int(order_id)}/assets/{int(item_id)}"
        return self.request("GET", path).body

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
        return Customer.from_json(self._object("GET", f"/customer/{int(customer_id)}"))

    def create_customer(self, storefront_id: int, **fields: Any) -> Customer:
        """A permanent customer, or a temporary one with ``is_temporary=True``."""
        body = {"storefront_id": storefront_id, **fields}
        return Customer.from_json(self._object("POST", "/customer", body=body))

    def update_customer(self, customer_id: int, **fields: Any) -> Customer:
        return Customer.from_json(
            self._object("PATCH", f"/customer/{int(customer_id)}", body=fields)
        )

    def transfer_customer(self, customer_id: int, destination_id: int) -> Customer:
        """Move a temporary customer's data to a permanent one; answers the destination."""
        path = f"/customer/{int(customer_id)}/transfer"
        return Customer.from_json(self._object("PATCH", path, body={"id": destination_id}))

    def delete_customer(self, customer_id: int) -> None:
        self.request("DELETE", f"/customer/{int(customer_id)}")
