"""Reading PrintNow's answers: the status first, the body second.

The PrintNow documentation gives statuses and, for some of them, a message, but no format
for error bodies, and only "Returns 200 OK" for several calls that succeed. So an answer is
classified by its status alone; the body, whatever its format (``{"message": ...}``, a bare
JSON string, plain text, an HTML page or nothing at all), only refines the class when it
carries one of the documented messages. A call that needs no result treats any 2xx as
success and never reads the body.
"""

from __future__ import annotations

import json
from typing import Any

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
    PrintNowError,
    ServerError,
    TokenInvalid,
    UnexpectedResponse,
)
from punchout.printnow.transport import Answer

#: ASP.NET Web API's answer to bad Basic Auth credentials.
API_AUTH_DENIED = "Authorization has been denied for this request."
#: Longest server message kept in an exception.
MAX_MESSAGE = 300
#: The one call that checks a user's password (PIPO: POST /user/login answers 401 for it).
LOGIN_ENDPOINT = "POST /pipo/user/login"
#: Orders API downloads answer 409 until the merge is done ("Retry-After: 60", 30 for an
#: item); a 409 without the header waits this long.
DEFAULT_RETRY_AFTER = 30.0


def server_text(response: Answer) -> str:
    """What the server said, whatever the body's format; "" for no text (or an HTML page)."""
    if not response.body:
        return ""
    try:
        data = response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        text = response.text.strip()
        if kind in {"text/html", "application/xhtml+xml"} or text.startswith("<"):
            return ""
        return text[:MAX_MESSAGE]
    if isinstance(data, dict):
        for name in ("message", "Message", "error"):
            if isinstance(data.get(name), str):
                return str(data[name]).strip()[:MAX_MESSAGE]
        return json.dumps(data)[:MAX_MESSAGE]
    if isinstance(data, str):
        return data.strip()[:MAX_MESSAGE]
    return json.dumps(data)[:MAX_MESSAGE]


def describe(response: Answer) -> str:
    """A description of a body that says nothing readable."""
    kind = response.headers.get("Content-Type", "no content type").split(";")[0]
    if not response.body:
        return f"HTTP {response.status} with an empty body"
    return f"the answer is not JSON ({kind}, {len(response.body)} bytes)"


def _documented(text: str) -> str:
    """A message as compared with the documented ones: lower case, no final full stop."""
    return text.strip().rstrip(".").strip().lower()


def error_for(response: Answer, endpoint: str, *, token_sent: bool) -> PrintNowError:
    """The exception for an answer that is not 2xx, by status first."""
    status = response.status
    text = server_text(response)
    message = text or describe(response)
    if status >= 500:
        return ServerError(status, message, endpoint=endpoint)
    if status == 400:
        return BadRequest(status, message, endpoint=endpoint)
    if status == 401:
        # PIPO: POST /user/login is the one call that answers 401 for a user's password;
        # anywhere else (and with ASP.NET's wording anywhere) 401 is the API token and key.
        user_login = endpoint == LOGIN_ENDPOINT and _documented(text) != _documented(
            API_AUTH_DENIED
        )
        cls = AuthenticationFailed if user_login else ApiCredentialsRejected
        return cls(status, message, endpoint=endpoint)
    if status == 403:
        # PIPO documents four messages for transfer; any other 403 on a call that carried a
        # session token is the documented "expired or invalid token" (PIPO: Dual
        # Authentication), whatever its wording.
        known = FORBIDDEN_MESSAGES.get(_documented(text))
        if known is not None:
            return known(status, message, endpoint=endpoint)
        cls_403 = TokenInvalid if token_sent else Forbidden
        return cls_403(status, message, endpoint=endpoint)
    if status == 404:
        return NotFound(status, message, endpoint=endpoint)
    if status == 409:
        return _conflict(response, endpoint, text, message)
    return PrintNowError(status, message, endpoint=endpoint)


def _conflict(response: Answer, endpoint: str, text: str, message: str) -> PrintNowError:
    status = response.status
    retry_after = response.headers.get("Retry-After")
    # Orders API: GET /order/{id}/download (and /download/{item}) answer 409 until the
    # merge is done.
    if retry_after is not None or "/download" in endpoint:
        wait = DEFAULT_RETRY_AFTER if retry_after is None else _seconds(retry_after)
        return NotReady(status, message, endpoint=endpoint, retry_after=wait)
    lowered = text.lower()
    if "email" in lowered:
        return DuplicateEmail(status, message, endpoint=endpoint)
    if "user" in lowered:
        return DuplicateUserName(status, message, endpoint=endpoint)
    return Conflict(status, message, endpoint=endpoint)


def _seconds(value: str) -> float:
    try:
        return max(0.0, float(value))
    except ValueError:
        return DEFAULT_RETRY_AFTER


# ---------------------------------------------------------------------- results


def _unexpected(response: Answer, endpoint: str, expected: str) -> UnexpectedResponse:
    return UnexpectedResponse(
        response.status, f"expected {expected}; {describe(response)}", endpoint=endpoint
    )


def json_value(response: Answer, endpoint: str) -> Any:
    """The decoded JSON of a success that carries a result."""
    try:
        return response.json()
    except ValueError:
        raise _unexpected(response, endpoint, "JSON") from None


def json_object(response: Answer, endpoint: str) -> dict[str, Any]:
    data = json_value(response, endpoint)
    if not isinstance(data, dict):
        raise UnexpectedResponse(
            response.status,
            f"expected an object, got {type(data).__name__}",
            endpoint=endpoint,
        )
    return data


def json_list(response: Answer, endpoint: str) -> list[dict[str, Any]]:
    data = json_value(response, endpoint)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UnexpectedResponse(response.status, "expected a list of objects", endpoint=endpoint)
    return data


def _scalar(response: Answer) -> str | bool | int | None:
    """A JSON scalar, or the plain-text body when it is not JSON."""
    try:
        data = response.json()
    except ValueError:
        text = response.text.strip()
        return text if text and not text.startswith("<") else None
    return data if isinstance(data, str | bool | int) else None


def session_token(response: Answer, endpoint: str) -> str:
    """PIPO: POST /user/login "Returns a session token string": JSON or plain text."""
    data = _scalar(response)
    if isinstance(data, bool) or not isinstance(data, str) or not data.strip():
        raise _unexpected(response, endpoint, "a session token")
    if len(data.split(maxsplit=1)) != 1:  # whitespace inside
        raise _unexpected(response, endpoint, "a session token")
    return data.strip()


def boolean(response: Answer, endpoint: str) -> bool:
    """PIPO: GET /user/loggedin and /user/istemp "Returns true or false"."""
    data = _scalar(response)
    if isinstance(data, bool):
        return data
    if isinstance(data, str) and data.strip().lower() in {"true", "false"}:
        return data.strip().lower() == "true"
    raise _unexpected(response, endpoint, "true or false")


def integer_id(response: Answer, endpoint: str) -> int:
    """PIPO: POST /order/create "Returns the created order ID (integer)"."""
    data = _scalar(response)
    if isinstance(data, bool) or data is None:
        raise _unexpected(response, endpoint, "an order id")
    text = str(data).strip()
    if not text.isascii() or not text.isdigit():
        raise _unexpected(response, endpoint, "an order id")
    return int(text)
