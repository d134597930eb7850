"""Fixtures for the PrintNow sandbox tests: an app on a fake clock and an authenticated client."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from punchout.devtools.sandbox import create_sandbox_app
from tests.devtools.sandbox.helpers import Api, FakeClock, make_config


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> Flask:
    return create_sandbox_app(make_config(), clock=clock)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)
