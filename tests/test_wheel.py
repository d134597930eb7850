"""The connector finds its pages, schemas and settings one way, however it is installed.

``templates/``, ``xml_schemas/`` and ``config/`` sit at the top of the repository; the wheel
carries them inside the package. The same probe runs against the installed wheel (a fresh
virtual environment, from a folder outside the checkout) and against the checkout itself
(editable install and plain source): it renders a page and its stylesheet, validates an
emitted document against the official DTD and the project's schema, reads the default
settings and every dialect profile, all through :mod:`punchout.resources`, and reports where
it found them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, pathlib, tomllib
import punchout
from lxml import etree
from punchout import resources
from punchout.domain.profiles import PROFILE_NAMES, profiles
from punchout.protocol.cxml.build import punchout_setup_response
from punchout.protocol.cxml.schemas import load_schemas, validate_emitted
from punchout.runtime.settings import load_defaults, load_settings
from punchout.web.app import create_app

settings = load_settings(environ={}, overrides={
    "printnow_api_token": "t", "printnow_api_key": "k",
    "master_key": "m" * 32, "secret_key": "s" * 32,
    "instance_path": str(pathlib.Path.cwd() / "instance"),
    "printnow_url": "http://printnow.invalid",
})
shipped = tomllib.loads(resources.DEFAULTS.read_text("utf-8"))
assert load_defaults() == shipped and settings.supplier_name == shipped["supplier_name"]
client = create_app(settings).test_client()
page = client.get("/")
assert page.status_code == 200 and b"Punch-out connector" in page.data, page.status_code
css = client.get("/static/connector.css")
assert css.status_code == 200 and len(css.data) > 100, css.status_code
document = punchout_setup_response("https://connector.example/start/t")
dtd = etree.DTD(str(resources.CXML_DTD))
assert dtd.validate(etree.fromstring(document)), dtd.error_log
validate_emitted(document)
assert sorted(profiles()) == sorted(PROFILE_NAMES)
print(json.dumps({
    "package": str(pathlib.Path(punchout.__file__).resolve().parent),
    "root": str(resources.ROOT),
    "schemas": sorted(load_schemas()),
    "profiles": len(profiles()),
}))
"""


def _probe(python: Path | str, cwd: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    result = subprocess.run(
        [python, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    assert found["schemas"] == ["cxml-emitted"] and found["profiles"] == 7, found
    return found


def test_the_installed_wheel_carries_pages_schemas_settings_and_profiles(tmp_path: Path) -> None:
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
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = _probe(python, elsewhere)
    package = Path(str(found["package"]))
    assert "site-packages" in package.parts, package
    assert Path(str(found["root"])) == package  # the folders travel inside the package


def _installed_editable() -> bool:
    """Whether a virtual environment holds the package in editable mode (a build's egg-info
    in the checkout, also on sys.path, does not count)."""
    for dist in metadata.distributions(name="printnow-punchout"):
        direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
        if direct_url.get("dir_info", {}).get("editable"):
            return True
    return False


@pytest.mark.parametrize("how", ["editable install", "source on PYTHONPATH"])
def test_a_checkout_finds_them_at_the_top_of_the_repository(tmp_path: Path, how: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if how == "source on PYTHONPATH":
        env["PYTHONPATH"] = str(ROOT)
    elif not _installed_editable():
        pytest.skip("the package is not installed in editable mode here (tasks.py setup does)")
    found = _probe(sys.executable, tmp_path, env)
    assert Path(str(found["package"])) == ROOT / "punchout"
    assert Path(str(found["root"])) == ROOT
    for folder in ("templates", "xml_schemas", "config"):
        assert not (ROOT / "punchout" / folder).exists(), f"punchout/{folder} is back"
