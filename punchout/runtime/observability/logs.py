"""JSON logs: one event per line, each with the request id of the request it belongs to.

:func:`configure` sends every log record of the process (the connector's, Flask's,
gunicorn's) to standard error as one JSON object per line: ``time``, ``level``, ``logger``,
``message``, and, inside a request, ``request_id`` and whatever the request log put in
``extra`` (buyer, document type, payloadID, outcome, duration). Messages pass through
:mod:`punchout.runtime.log_redaction` before they are written (the record factory it installs runs
first), and the JSON writer redacts the extra fields too, so no password reaches a line.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from flask import g, has_request_context

from punchout.runtime import log_redaction

#: The attributes every LogRecord has: anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def current_request_id() -> str:
    """The id of the request being served, or "" outside a request."""
    if has_request_context():
        return str(g.get("request_id", ""))
    return ""


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": log_redaction.redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", "") or current_request_id()
        if request_id:
            event["request_id"] = request_id
        for name, value in vars(record).items():
            if name not in _STANDARD and name != "request_id" and not name.startswith("_"):
                event[name] = _plain(value)
        if record.exc_info:
            event["exception"] = log_redaction.redact(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=False, default=str)


def _plain(value: Any) -> Any:
    """An extra field as JSON can carry it, with any password-like parameter redacted."""
    if isinstance(value, str):
        return log_redaction.redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return log_redaction.redact(str(value))


def configure(level: int = logging.INFO) -> None:
    """Send every record of the process to stderr as JSON lines (replaces other handlers)."""
    log_redaction.install()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


#: gunicorn's logging (its error log, and the access log when one is asked for) as JSON lines.
GUNICORN_LOGCONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "punchout.runtime.observability.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        # The connector logs each request itself, with its id (punchout.requests).
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}
