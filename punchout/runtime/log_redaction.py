"""Passwords out of every log line: the access logs (werkzeug, gunicorn) and our own.

An SAP OCI call-up may come by GET, so its catalog password is in the request line that
access logs print (``GET /oci/acme?USERNAME=ACME&PASSWORD=...``). :func:`install` wraps the
process's log-record factory so that, before any handler sees a record, every query or form
parameter whose name contains "password", "passwd", "secret" or "pwd" (any case), or is one
of the extra names given to :func:`watch_fields` (a buyer's renamed ``password_field``), has
its value replaced by ``[redacted]``. It works for every logger and handler in the process,
however logging is configured (gunicorn configures its own).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
_GENERIC = r"[^=&;\s\"'?/]*(?:password|passwd|secret|pwd)[^=&;\s\"'?/]*"

_lock = threading.Lock()
_extra: frozenset[str] = frozenset()
_pattern = re.compile(rf"(?i)(?<![^?&;\s\"'])({_GENERIC})=([^&;\s\"']*)")
_installed = False


def _compile(extra: frozenset[str]) -> re.Pattern[str]:
    names = "|".join([_GENERIC, *(re.escape(n) for n in sorted(extra))])
    return re.compile(rf"(?i)(?<![^?&;\s\"'])({names})=([^&;\s\"']*)")


def redact(text: str) -> str:
    """``text`` with the value of every password-like parameter replaced."""
    return _pattern.sub(lambda m: f"{m[1]}={REDACTED}", text)


def watch_fields(names: Iterable[str]) -> None:
    """Redact these parameter names too (e.g. the buyers' OCI ``password_field`` names)."""
    global _extra, _pattern
    wanted = frozenset(n.strip() for n in names if n.strip())
    if wanted <= _extra:
        return
    with _lock:
        _extra = _extra | wanted
        _pattern = _compile(_extra)


def install() -> None:
    """Redact every log record of this process from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a broken format: leave it to the handler to report
                return record
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
