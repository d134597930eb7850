"""Settings: defaults, PUNCHOUT_* overrides, secrets only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from punchout.runtime.settings import SettingsError, load_defaults, load_settings
from tests.support import TEST_SECRETS

SECRET_ENV = {f"PUNCHOUT_{k.upper()}": v for k, v in TEST_SECRETS.items()}


def test_defaults_come_from_the_shipped_toml(tmp_path: Path) -> None:
    settings = load_settings({**SECRET_ENV, "PUNCHOUT_INSTANCE_PATH": str(tmp_path)})
    defaults = load_defaults()
    assert settings.session_ttl_seconds == defaults["session_ttl_seconds"]
    assert settings.public_url == defaults["public_url"]
    assert settings.uses_sandbox
    assert settings.instance_path == tmp_path


def test_environment_overrides_are_converted_to_the_default_type() -> None:
    settings = load_settings(
        {
            **SECRET_ENV,
            "PUNCHOUT_SESSION_TTL_SECONDS": "600",
            "PUNCHOUT_PRINTNOW_READ_TIMEOUT": "7.5",
            "PUNCHOUT_PRINTNOW_URL": "https://api.printnow.example/",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        }
    )
    assert settings.session_ttl_seconds == 600
    assert settings.printnow_read_timeout == 7.5
    assert settings.printnow_url == "https://api.printnow.example"
    assert not settings.uses_sandbox
    assert settings.redis_url == "redis://127.0.0.1:6379/3"


def test_every_problem_is_reported_together() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                "PUNCHOUT_SESSION_TTL_SECONDS": "soon",
                "PUNCHOUT_PUBLIC_URL": "ftp://nowhere",
                "PUNCHOUT_MASTER_KEY": "short",
                "REDIS_URL": "http://not-redis",
            }
        )
    problems = caught.value.problems
    text = "\n".join(problems)
    assert "PUNCHOUT_SESSION_TTL_SECONDS='soon' is not a valid int" in text
    assert "public_url must be an http(s) URL" in text
    assert "PUNCHOUT_MASTER_KEY is too short" in text
    assert "PUNCHOUT_PRINTNOW_API_TOKEN is not set" in text
    assert "PUNCHOUT_SECRET_KEY is not set" in text
    assert "REDIS_URL must start with" in text
    assert len(problems) == 7  # the four above, plus API token, API key and secret key unset


def test_secrets_have_no_default_and_stay_out_of_repr() -> None:
    settings = load_settings(SECRET_ENV)
    shown = repr(settings)
    for secret in TEST_SECRETS.values():
        assert secret not in shown
    with pytest.raises(SettingsError):
        load_settings({})


def test_secrets_are_not_read_from_the_defaults_file() -> None:
    assert not set(load_defaults()) & set(TEST_SECRETS)


def test_previous_master_keys_and_rate_limits_are_validated() -> None:
    ok = load_settings({**SECRET_ENV, "PUNCHOUT_PREVIOUS_MASTER_KEYS": "o" * 32 + ", " + "p" * 32})
    assert ok.previous_master_keys == ("o" * 32, "p" * 32)
    assert "o" * 32 not in repr(ok) and ok.auth_failure_limits == "10/minute;100/hour"
    with pytest.raises(SettingsError) as caught:
        load_settings(
            {
                **SECRET_ENV,
                "PUNCHOUT_PREVIOUS_MASTER_KEYS": "short," + SECRET_ENV["PUNCHOUT_MASTER_KEY"],
                "PUNCHOUT_AUTH_FAILURE_LIMITS": "lots",
            }
        )
    text = "\n".join(caught.value.problems)
    assert (
        "key 1 is shorter" in text
        and "key 2 is shorter than 32 characters or is the current" in text
    )
    assert "auth_failure_limits must look like" in text


def test_a_real_printnow_needs_the_storefront_url_template() -> None:
    """The sandbox's storefront path exists only in the sandbox: with a real PrintNow the
    storefront's own punch-in URL must be configured."""
    real = {**SECRET_ENV, "PUNCHOUT_PRINTNOW_URL": "https://api.printnow.com/api-host"}
    with pytest.raises(SettingsError) as caught:
        load_settings(real)
    assert any("storefront_url_template must be set" in p for p in caught.value.problems)
    template = "https://shop.example-print.com/punchin?token={token}&return={return_url}"
    settings = load_settings({**real, "PUNCHOUT_STOREFRONT_URL_TEMPLATE": template})
    assert settings.storefront_url_template == template
    for test_host in ("http://127.0.0.1:8081", "http://printnow.invalid", "http://localhost"):
        assert load_settings({**SECRET_ENV, "PUNCHOUT_PRINTNOW_URL": test_host}).printnow_url


def test_the_sandbox_profile_is_a_checked_setting() -> None:
    assert load_settings(SECRET_ENV).sandbox_profile == "extended"
    documented = {**SECRET_ENV, "PUNCHOUT_SANDBOX_PROFILE": "documented"}
    assert load_settings(documented).sandbox_profile == "documented"
    with pytest.raises(SettingsError) as caught:
        load_settings({**SECRET_ENV, "PUNCHOUT_SANDBOX_PROFILE": "guessing"})
    assert any("sandbox_profile must be one of" in p for p in caught.value.problems)


def test_reading_settings_loads_neither_flask_nor_the_rate_limiter() -> None:
    """Registry commands read settings and must start fast: importing the settings module may
    not pull in the sandbox's Flask app or the limiter (each cost 60-130 ms at import)."""
    import subprocess
    import sys

    code = (
        "import sys, punchout.runtime.settings; "
        "print(sorted(m for m in ('flask', 'limits', 'punchout.devtools.sandbox.app') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
