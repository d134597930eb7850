"""``punchout printnow check`` against the sandbox in both profiles, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from punchout.devtools.sandbox import SandboxConfig, create_sandbox_app
from punchout.devtools.sandbox.profile import PROFILES
from punchout.web.app import create_app
from punchout.web.context import connector_of
from tests.cli.runner import PunchoutRunner
from tests.conftest import make_settings
from tests.support import TEST_SECRETS, buyers_toml, serve

pytestmark = pytest.mark.sandbox


@pytest.fixture(params=PROFILES)
def wired(
    request: pytest.FixtureRequest, tmp_path: Path, redis_client: redis.Redis
) -> Iterator[tuple[str, Flask, Flask]]:
    """(profile, sandbox app, connector app) with the connector pointing at the sandbox."""
    config = SandboxConfig(
        api_token=TEST_SECRETS["printnow_api_token"],
        api_key=TEST_SECRETS["printnow_api_key"],
        profile=request.param,
    )
    sandbox = create_sandbox_app(config)
    buyers = tmp_path / "buyers.toml"
    buyers.write_text(buyers_toml(), encoding="utf-8")
    with serve(sandbox) as url:
        settings = make_settings(tmp_path, printnow_url=url, buyers_file=str(buyers))
        yield request.param, sandbox, create_app(settings, redis_client=redis_client)


def test_check_passes_reports_the_storefront_and_cleans_up(
    wired: tuple[str, Flask, Flask],
) -> None:
    profile, sandbox, app = wired
    result = PunchoutRunner(app).invoke(args=["printnow", "check"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "Storefront 1 at http://127.0.0.1:" in output
    assert "[ok  ] API credentials" in output
    assert "[ok  ] expired token" in output
    if profile == "documented":
        assert "createtemp answers no password" in output
        assert "409 naming the e-mail first" in output
    else:
        assert "createtemp's password logs in (istemp: True)" in output
        assert "409 naming the user name first" in output
    assert "[ok  ] storefront URL: 200 from" in output and "<token>" in output
    # the choice is remembered for the storefront
    accounts = connector_of(app).accounts
    assert accounts.temp_logins(1) is (profile != "documented")
    # every throwaway account was deleted (a temporary one after making it permanent)
    users = sandbox.extensions["punchout.devtools.sandbox.state"].summary()["users"]
    assert users and all(u["is_deleted"] for u in users)


def test_check_fails_on_wrong_api_credentials(wired: tuple[str, Flask, Flask]) -> None:
    _, sandbox, app = wired
    connector_of(app).client.transport.headers["Authorization"] = "Basic d3Jvbmc6d3Jvbmc="
    result = PunchoutRunner(app).invoke(args=["printnow", "check", "--storefront", "1"])
    assert result.exit_code == 1
    assert "[FAIL] API credentials: rejected" in result.output
    as_json = PunchoutRunner(app).invoke(args=["printnow", "check", "--storefront", "1", "--json"])
    assert as_json.exit_code == 1
    (storefront,) = json.loads(as_json.output)
    assert storefront["ok"] is False and storefront["checks"][0]["outcome"] == "FAIL"
    assert sandbox.extensions["punchout.devtools.sandbox.state"].summary()["users"] == []
