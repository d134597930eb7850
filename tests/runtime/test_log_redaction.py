"""Passwords are redacted from log lines, whichever logger or format printed them."""

from __future__ import annotations

import logging

import pytest

from punchout.runtime import log_redaction


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ('127.0.0.1 - - [x] "GET /oci/acme?USERNAME=A&PASSWORD=s3cret&HOOK_URL=h HTTP/1.1" 200',
         "USERNAME=A&PASSWORD=[redacted]&HOOK_URL=h"),
        ('10.0.0.1 - - "GET /oci/acme?password=s3cret HTTP/1.1" 401 -', "password=[redacted] "),
        ("POST body sap_password=s3cret;x=1", "sap_password=[redacted];x=1"),
        ("GET /oci/acme?Pwd=s3cret", "Pwd=[redacted]"),
    ],
)  # fmt: skip
def test_password_like_parameters_are_redacted(line: str, kept: str) -> None:
    cleaned = log_redaction.redact(line)
    assert "s3cret" not in cleaned and kept in cleaned


def test_renamed_fields_are_redacted_once_watched_and_other_text_is_kept() -> None:
    line = "GET /oci/acme?GEHEIMFELD=geheim&USERNAME=A"
    assert "geheim" in log_redaction.redact(line)
    log_redaction.watch_fields(["GEHEIMFELD"])
    assert log_redaction.redact(line) == "GET /oci/acme?GEHEIMFELD=[redacted]&USERNAME=A"
    assert log_redaction.redact("a password of 8 characters") == "a password of 8 characters"


def test_installed_it_cleans_records_of_any_logger_with_dict_arguments_too(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log_redaction.install()
    caplog.set_level(logging.INFO)
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s',
        {"h": "10.1.1.1", "r": "GET /oci/a?PASSWORD=pw-123 HTTP/1.1", "s": 200},
    )
    logging.getLogger("punchout.anything").warning("call-up %s", "/oci/a?password=pw-456")
    assert "pw-123" not in caplog.text and "pw-456" not in caplog.text
    assert caplog.text.count("[redacted]") == 2
