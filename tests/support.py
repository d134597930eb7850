"""Helpers shared by the tests: test secrets, the cXML reference pack, a live HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from punchout import resources

TEST_REDIS_DB = 15
# The external cXML sample corpus, beside the repository when present. Tests over it add to the
# suite; a clone of the repository alone skips them with CORPUS_ABSENT as the reason.
SHARED_CXML = Path(__file__).resolve().parents[2] / "shared" / "cxml"
CORPUS_ABSENT = f"the external cXML sample corpus is not at {SHARED_CXML} (optional)"
# The project's own documents, which the suite always covers (tests/fixtures/cxml/).
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cxml"
# The official cXML 1.2.071 DTD, vendored unmodified with its licence.
CXML_DTD = resources.CXML_DTD


def corpus_samples(kind: str) -> list[Any]:
    """The corpus's ``samples/<kind>/*.xml`` as pytest params, or one skipped param naming why."""
    folder = SHARED_CXML / "samples" / kind
    if not folder.is_dir():
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(CORPUS_ABSENT))]
    return [pytest.param(path, id=path.name) for path in sorted(folder.glob("*.xml"))]


def corpus_valid_samples(kind: str) -> list[Any]:
    """The corpus samples of ``kind`` that its validation report marks DTD-valid (as params)."""
    report = SHARED_CXML / "samples" / "validation-1.2.071.json"
    if not report.exists():
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(CORPUS_ABSENT))]
    entries = json.loads(report.read_text())
    return [
        pytest.param(SHARED_CXML / e["file"], id=Path(e["file"]).name)
        for e in entries
        if e["file"].startswith(f"samples/{kind}/") and e["valid"]
    ]


def fixture_documents(prefix: str) -> list[Any]:
    """The project's own fixtures ``tests/fixtures/cxml/<prefix>*.xml`` as pytest params."""
    found = [pytest.param(p, id=p.name) for p in sorted(FIXTURES.glob(f"{prefix}*.xml"))]
    assert found, f"no fixtures {prefix}*.xml in {FIXTURES}"
    return found


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
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
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

    @property
    def documented(self) -> bool:
        """Whether it answers with only what PrintNow's documentation states."""
        return bool(self.app.extensions["punchout.devtools.sandbox.state"].config.documented)

    def control(self, method: str, path: str, **body: Any) -> Any:
        """Call the sandbox's test controls (``/_sandbox/...``); the answer's JSON, if any."""
        import requests

        response = requests.request(
            method,
            self.url + "/_sandbox" + path,
            json=body or None,
            auth=(self.api_token, self.api_key),
            timeout=5,
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def fault(self, endpoint: str, **settings: Any) -> None:
        """Switch a fault on for one sandbox endpoint (see punchout/devtools/sandbox/faults.py)."""
        self.control("POST", "/faults", endpoint=endpoint, **settings)


class LateApp:
    """A WSGI app set after its server is bound (the app needs to know its own URL)."""

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


BUYER_SECRET = "welcome-SECRET-1"
#: The test buyer's OCI catalog password: its own credential, not the cXML secret.
OCI_PASSWORD = "catalog-PASSWORD-2"


def buyers_toml(
    *,
    credentials: tuple[tuple[str, str], ...] = (("NetworkID", "AN01000000001"),),
    secret: str = BUYER_SECRET,
    oci_password: str = OCI_PASSWORD,
    **overrides: Any,
) -> str:
    """A registry with the test buyer ``acme`` (by default cXML from NetworkID AN01000000001)."""
    from punchout.domain.keys import hash_secret

    values: dict[str, Any] = {
        "name": "Acme Corporation",
        "protocols": ["cxml", "oci"],
        "storefront_id": 1,
        "user_policy": "per_user",
        "price_book": "standard",
        "return_hosts": ["buyer.example", "127.0.0.1"],
        "operations": ["create", "edit", "inspect"],
    }
    oci = {"username": "ACME-SAP", **overrides.pop("oci", {})}
    values.update(overrides)
    lines = ["[buyers.acme]"]
    for key, value in values.items():
        lines.append(f"{key} = {_toml(value)}")
    for domain, identity in credentials:
        lines += ["[[buyers.acme.credentials]]", f"domain = {_toml(domain)}"]
        lines += [f"identity = {_toml(identity)}"]
    lines += [
        "[[buyers.acme.secrets]]",
        f'hash = "{hash_secret(secret)}"',
        "[[buyers.acme.oci_secrets]]",
        f'hash = "{hash_secret(oci_password)}"',
        "[buyers.acme.oci]",
        *(f"{key} = {_toml(value)}" for key, value in oci.items()),
    ]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
