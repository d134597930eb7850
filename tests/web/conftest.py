"""The connector served over real HTTP, on a real Redis, with the PrintNow sandbox as PrintNow."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from werkzeug.serving import make_server

from punchout.printnow import PrintNowClient
from punchout.web.app import create_app
from tests.conftest import make_settings
from tests.support import LateApp, LiveSandbox, buyers_toml


@dataclass
class LiveConnector:
    url: str
    sandbox: LiveSandbox
    buyers_file: Path
    app: Any
    client: PrintNowClient

    def post_cxml(self, body: bytes, **kwargs: Any) -> requests.Response:
        return requests.post(
            self.url + "/cxml",
            data=body,
            headers={"Content-Type": "text/xml; charset=UTF-8"},
            timeout=30,
            **kwargs,
        )

    def set_buyer(self, **overrides: Any) -> None:
        """Rewrite the test buyer (the connector reloads the registry when it changes)."""
        import os
        import time

        self.buyers_file.write_text(buyers_toml(**overrides), encoding="utf-8")
        stamp = time.time() + 1
        os.utime(self.buyers_file, (stamp, stamp))

    def sandbox_state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.sandbox.control("GET", "/state")
        return state


@pytest.fixture
def make_connector(
    tmp_path: Path, live_sandbox: LiveSandbox, redis_client: redis.Redis
) -> Iterator[Callable[..., LiveConnector]]:
    servers = []

    def make(**settings: Any) -> LiveConnector:
        late = LateApp()
        server = make_server("127.0.0.1", 0, late, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        buyers_file = tmp_path / "buyers.toml"
        if not buyers_file.exists():
            buyers_file.write_text(buyers_toml(), encoding="utf-8")
        config = make_settings(
            tmp_path,
            public_url=url,
            printnow_url=live_sandbox.url,
            buyers_file=str(buyers_file),
            **settings,
        )
        late.app = create_app(config, redis_client=redis_client)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append((server, thread))
        client = PrintNowClient(live_sandbox.api_url, live_sandbox.api_token, live_sandbox.api_key)
        return LiveConnector(url, live_sandbox, buyers_file, late.app, client)

    yield make
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def connector(make_connector: Callable[..., LiveConnector]) -> LiveConnector:
    return make_connector()
