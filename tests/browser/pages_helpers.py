"""Helpers for the procurement user's pages in a browser: punch out, design, check with axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests

from punchout.devtools.demo import Demo
from punchout.runtime.connector import Connector
from punchout.web.context import connector_of as connector_of_app

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def connector_of(demo: Demo) -> Connector:
    return connector_of_app(demo.connector_app)


def design(frame: Any, name: str, template: str = "BC-STD-85x55") -> None:
    form = frame.locator(f"form:has(input[name=template][value='{template}'])")
    form.locator("input:not([type=hidden])").first.fill(name)
    form.get_by_role("button", name="Save design").click()
    frame.get_by_text(name).first.wait_for()


def punch_out(page: Any, demo: Demo, *, window: str = "iframe") -> Any:
    """Start a cXML create punch-out in the simulator; the storefront frame (iframe mode)."""
    page.goto(demo.simulator_url)
    if window == "new":
        page.get_by_label("in a new window").check()
    page.get_by_role("button", name="Punch out to the print shop").click()
    if window == "new":
        page.get_by_role("link", name="Open the storefront in a new window").wait_for()
        page.wait_for_load_state("load")  # its stylesheet and script, before the test moves on
        return None
    frame = page.frame_locator("iframe.storefront")
    frame.get_by_role("heading", name="Design a product").wait_for()
    return frame


def to_review(frame: Any) -> None:
    frame.get_by_role("link", name="Return to procurement").last.click()
    frame.get_by_role("heading", name=re.compile("Review your cart|Your cart")).wait_for()


def cart_frame(page: Any) -> Any:
    """The connector's cart page inside the simulator's iframe, as a Playwright Frame."""
    return next(f for f in page.frames if "/cart/" in f.url and f != page.main_frame)


def axe_problems(target: Any) -> list[str]:
    """Serious or critical axe-core violations of the page or frame ``target``."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `python3 tasks.py test` (npm install).")
    target.add_script_tag(path=str(AXE))
    result = target.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sandbox_fault(demo: Demo, **fault: Any) -> None:
    s = connector_of(demo).settings
    answer = requests.post(
        f"{demo.sandbox_url}/_sandbox/faults",
        json=fault,
        auth=(s.printnow_api_token, s.printnow_api_key),
        timeout=10,
    )
    answer.raise_for_status()


def session_keys(demo: Demo) -> list[str]:
    return connector_of(demo).store.keys("session")
