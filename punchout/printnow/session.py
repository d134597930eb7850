"""A PIPO user's session that survives token expiry.

PIPO tokens expire after inactivity and the API then "returns 403 Forbidden" (PIPO: Dual
Authentication; the wording is not documented, so the client reads any such 403 as
:class:`TokenInvalid`). A :class:`UserSession` runs a call with the current token and, on
that answer, logs in again once (when ``credentials`` can give the user's name and
password) and retries. The fresh token is handed to ``on_new_token`` so the caller can
store it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from punchout.printnow.client import PrintNowClient
from punchout.printnow.errors import TokenInvalid

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class LoginCredentials:
    """What a PIPO login needs."""

    username: str
    password: str = field(repr=False)
    storefront_id: int


class UserSession:
    """Calls made as one PIPO user, with a single re-login on an expired token."""

    def __init__(
        self,
        client: PrintNowClient,
        token: str,
        credentials: Callable[[], LoginCredentials | None],
        on_new_token: Callable[[str], None] = lambda token: None,
    ) -> None:
        self.client = client
        self.token = token
        self._credentials = credentials
        self._on_new_token = on_new_token

    def __repr__(self) -> str:
        return "UserSession(<token>)"

    def call(self, action: Callable[[str], T]) -> T:
        """``action(token)``; on an expired token, log in again once and retry."""
        try:
            return action(self.token)
        except TokenInvalid:
            credentials = self._credentials()
            if credentials is None:
                raise
            log.info("PIPO session expired; logging in again")
            self.token = self.client.login(
                credentials.username, credentials.password, credentials.storefront_id
            )
            self._on_new_token(self.token)
            return action(self.token)
