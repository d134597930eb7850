"""Helpers shared by the tests: test secrets, the cXML reference pack, a live HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

TEST_REDIS_DB = 15
SHARED_CXML = Path(__file__).resolve().parents[2] / "shared" / "cxml"

# Test-only secrets: distinctive, so a test can prove they never reach a log or an error.
TEST_SECRETS = {
    "printnow_api_token": "tok-SECRET-123",
    "printnow_api_key": "key-SECRET-456",
    "master_key": "master-SECRET-" + "m" * 32,
    "secret_key": "flask-SECRET-" + "f" * 32,
}


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve a WSGI app over real HTTP on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class LiveSandbox:
    """A PrintNow sandbox served over HTTP, with the credentials it accepts."""

    url: str
    app: Any
    api_token: str
    api_key: str

    @property
    def api_url(self) -> str:
        return self.url + "/api/v2"
