"""Behind a TLS-terminating reverse proxy: ``proxy_hops`` is the one setting that makes the
connector read the client's address, scheme, host and port from X-Forwarded-* headers."""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Flask, request

from punchout.web.app import create_app
from tests.conftest import make_settings

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "punchout.example-print.com",
    "X-Forwarded-Port": "443",
}


def probed(app: Flask) -> dict[str, str]:
    """What the app sees of a request forwarded by one proxy (a route added for the test)."""

    def probe() -> dict[str, str]:
        return {"addr": request.remote_addr or "", "scheme": request.scheme, "host": request.host}

    app.add_url_rule("/_probe", "probe", probe)
    answer = app.test_client().get(
        "/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )
    result: dict[str, str] = answer.get_json()
    return result


def test_one_trusted_proxy_gives_the_client_address_and_https(
    tmp_path: Path, redis_client: redis.Redis
) -> None:
    app = create_app(make_settings(tmp_path, proxy_hops=1), redis_client=redis_client)
    assert probed(app) == {
        "addr": "203.0.113.7",
        "scheme": "https",
        "host": "punchout.example-print.com",
    }


def test_without_trusted_proxies_forwarded_headers_are_ignored(
    tmp_path: Path, redis_client: redis.Redis
) -> None:
    app = create_app(make_settings(tmp_path), redis_client=redis_client)
    assert probed(app) == {"addr": "10.0.0.2", "scheme": "http", "host": "localhost"}
