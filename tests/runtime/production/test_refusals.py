"""Production refuses the configurations that look fine and then fail buyers.

Each refusal is one line naming the setting to change; the demo is not affected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from punchout.runtime.serve import production_problems
from punchout.runtime.settings import SettingsError
from punchout.web.app import create_app
from tests.conftest import make_settings

SECURE = {
    "public_url": "https://punchout.example-print.com",
    "redis_url": "redis://r.example:6379",
    "storefront_url_template": "https://shop.example-print.com/pipo?token={token}",
}


def test_a_complete_production_configuration_has_no_problem(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, **SECURE)
    assert production_problems(settings, workers=4) == []


def test_the_sandbox_as_printnow_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, **SECURE, printnow_url="")
    (problem,) = production_problems(settings, workers=1)
    assert problem.startswith("PUNCHOUT_PRINTNOW_URL is not set")


def test_the_sandbox_storefront_is_refused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, **{**SECURE, "storefront_url_template": ""})
    (problem,) = production_problems(settings, workers=1)
    assert problem.startswith("PUNCHOUT_STOREFRONT_URL_TEMPLATE is not set")


def test_an_embedded_redis_is_refused_for_several_workers_only(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, **{**SECURE, "redis_url": ""})
    assert production_problems(settings, workers=1) == []
    (problem,) = production_problems(settings, workers=2)
    assert problem.startswith("REDIS_URL is not set: 2 workers")


def test_a_public_url_without_https_is_refused_unless_a_test_system(tmp_path: Path) -> None:
    plain = {**SECURE, "public_url": "http://punchout.example-print.com"}
    (problem,) = production_problems(make_settings(tmp_path, **plain), workers=1)
    assert problem.startswith("PUNCHOUT_PUBLIC_URL=http://punchout.example-print.com is not https")
    assert "PUNCHOUT_TEST_SYSTEM=true" in problem
    tested = make_settings(tmp_path, **plain, test_system=True)
    assert production_problems(tested, workers=1) == []


def test_the_app_is_not_built_on_an_unset_printnow_url(tmp_path: Path) -> None:
    """Under any WSGI server (``gunicorn 'punchout.web.app:create_app()'``): refused at start,
    rather than a healthy-looking app whose every punch-out answers 500."""
    with pytest.raises(SettingsError, match="PUNCHOUT_PRINTNOW_URL is not set"):
        create_app(make_settings(tmp_path, printnow_url=""))


def test_alert_settings_are_checked(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="set smtp_server"):
        make_settings(tmp_path, alert_email_to="ops@example-print.com")
    with pytest.raises(SettingsError, match="smtp_server must be host or host:port"):
        make_settings(tmp_path, smtp_server="smtp://x")
    with pytest.raises(SettingsError, match="alert_webhook_url must be an http"):
        make_settings(tmp_path, alert_webhook_url="ftp://x")
