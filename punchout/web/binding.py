"""Binding a browser to the punch-out sessions it opened, with one signed cookie.

Opening a StartPage URL adds the session to the browser's cookie; the cart pages of a session
answer only a browser that carries it. The cookie is signed (itsdangerous), holds only session
ids (never a PIPO token) and keeps the few most recent, so a stale entry from an earlier
punch-out never gets in the way of the next one.

Procurement systems show the storefront inside an iframe on their own site, where the cookie
is a third-party cookie: it is sent only with ``SameSite=None; Secure``, and browsers that
partition third-party cookies need ``Partitioned`` too. Browsers treat ``http://localhost`` and
``http://127.0.0.1`` as secure, so the demo works without TLS.
"""

from __future__ import annotations

from flask import Request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

COOKIE_NAME = "punchout_sessions"
#: Sessions remembered per browser; older ones drop off.
MAX_SESSIONS = 5


class Binding:
    """Reads and writes the signed list of session ids a browser may use."""

    def __init__(self, secret_key: str, *, max_age: int) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="punchout.binding")
        self.max_age = max_age

    def sessions(self, request: Request) -> list[str]:
        raw = request.cookies.get(COOKIE_NAME, "")
        if not raw:
            return []
        try:
            value = self._serializer.loads(raw)
        except BadSignature:
            return []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def allows(self, request: Request, session_id: str) -> bool:
        return session_id in self.sessions(request)

    def cookie_value(self, session_ids: list[str]) -> str:
        """The signed cookie value naming ``session_ids``."""
        return str(self._serializer.dumps(session_ids))

    def bind(self, request: Request, response: Response, session_id: str) -> None:
        kept = [s for s in self.sessions(request) if s != session_id][-(MAX_SESSIONS - 1) :]
        response.set_cookie(
            COOKIE_NAME,
            self._serializer.dumps([*kept, session_id]),
            max_age=self.max_age,
            path="/",
            secure=True,
            httponly=True,
            samesite="None",
            partitioned=True,
        )
