"""Errors rendered once per protocol: a cXML Status on ``/cxml``, a readable page elsewhere.

Views raise the error (:mod:`punchout.errors`) and never build its answer. The app registers
:func:`register` once; each error is logged once, with its log text (a refusal as a warning,
a failure of ours as an error), and answered with its code and buyer text. What is not in
the tree is brought into it here: an HTTP-level refusal (404, 405, 413) as
:class:`HttpProblem`, Redis down as :class:`StoreUnavailable` ("retry later", never the 500
that tells a buyer an order may exist), anything else as an unexpected failure whose
traceback goes to the log and never to the buyer.
"""

from __future__ import annotations

import logging
import math
from typing import ClassVar

import redis
from flask import Flask, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from punchout.errors import ConnectorError
from punchout.web.context import page
from punchout.web.cxml_endpoint import status_response

log = logging.getLogger(__name__)

#: Paths whose callers are procurement systems: errors there are answered as cXML.
CXML_PATHS = ("/cxml",)


class HttpProblem(ConnectorError):
    """A request refused before any view ran (no such address, wrong method, too large)."""

    #: The cXML Status text per HTTP status (others: the status's name).
    CXML_TEXTS: ClassVar[dict[int, str]] = {
        405: "Send cXML documents with POST.",
        413: "The document is larger than this endpoint accepts.",
    }
    #: The page text per HTTP status.
    PAGE_TEXTS: ClassVar[dict[int, str]] = {
        400: "The request was not understood. Please go back and try again.",
        404: "There is nothing at this address.",
        405: "This address does not accept that kind of request.",
        413: "What was sent is too large.",
    }

    def __init__(self, exc: HTTPException) -> None:
        super().__init__(f"HTTP {exc.code}: {exc.name}")
        self.code = exc.code or 500
        self.title = exc.name
        self.public_text = self.PAGE_TEXTS.get(self.code, "Something went wrong. Please try again.")
        self.cxml_public_text = self.CXML_TEXTS.get(self.code, exc.name)


class StoreUnavailable(ConnectorError):
    """Redis is down or failing: nothing was decided, so the answer is "retry later"."""

    code = 560
    title = "Temporarily unavailable"
    public_text = "The punch-out service is briefly unavailable. Please try again in a few minutes."
    cxml_public_text = "The supplier's system is temporarily unavailable; please retry later."


def register(app: Flask) -> None:
    """Answer every error of ``app`` through the tree, rendered for the route's protocol."""
    app.register_error_handler(ConnectorError, _connector_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(redis.exceptions.RedisError, _redis_unavailable)
    app.register_error_handler(Exception, _unexpected_error)


def speaks_cxml() -> bool:
    """Whether this request's caller reads cXML (a procurement system on ``/cxml``)."""
    return request.path.startswith(CXML_PATHS)


def answer(error: ConnectorError) -> Response:
    """The error as this request's protocol shows it: a cXML Response whose Status carries
    the code and text (the HTTP status mirroring it), or a readable page for a person."""
    response: Response
    if speaks_cxml():
        response = status_response(error.code, error.cxml_text)
    else:
        response = page(
            error.title, error.buyer_text, status=error.http_status, next_step=error.next_step
        )
    if error.retry_after:
        response.headers["Retry-After"] = str(math.ceil(error.retry_after))
    return response


def log_line(error: ConnectorError) -> None:
    """One line for the operator: the request, the answer's code, the buyer and the log text
    (a buyer's mistake is a warning; a failure on the supplier's side an error)."""
    buyer = g.get("punchout_buyer")
    buyer_id = buyer.id if buyer is not None else g.get("punchout_note", {}).get("buyer", "")
    log.log(
        logging.WARNING if error.code < 500 else logging.ERROR,
        "%s %s refused (%d%s): %s",
        request.method,
        request.path,
        error.code,
        f", buyer {buyer_id}" if buyer_id else "",
        error.log_text,
    )


def _connector_error(error: ConnectorError) -> Response:
    log_line(error)
    return answer(error)


def _http_error(exc: HTTPException) -> Response:
    return answer(HttpProblem(exc))


def _redis_unavailable(exc: redis.exceptions.RedisError) -> Response:
    log.error("Redis unavailable on %s %s: %s", request.method, request.path, exc)
    return answer(StoreUnavailable(str(exc)))


def _unexpected_error(exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return answer(ConnectorError(f"{type(exc).__name__}: {exc}"))
