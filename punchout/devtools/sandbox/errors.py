"""The one error the sandbox raises for a documented failure.

Domain code (``state.py``) and the HTTP layer raise :class:`ApiError` with the status and the
exact message PrintNow documents; one handler renders it as ``{"message": ...}`` on ``/api``.
"""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    """A documented PrintNow error: HTTP ``status``, ``message`` text and extra ``headers``."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


#: PIPO's answer to a missing, unknown or idle-expired session token (403).
SESSION_EXPIRED = "token is invalid or expired"
ORDER_NOT_FOUND = "Order not found."
ITEM_NOT_FOUND = "Item not found."
CUSTOMER_NOT_FOUND = "Customer not found."


def bad_request(message: str) -> ApiError:
    """A 400 with ``message``."""
    return ApiError(400, message)
