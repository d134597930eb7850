"""Browser end-to-end tests: Playwright for Python driving Debian's Chromium.

The whole demo runs (sandbox, connector on the test Redis, buyer simulator). Every step leaves
a screenshot under ``test-artifacts/browser/``; any console error, page error or failed
request in the browser fails the test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from punchout.devtools.demo import Demo, start_demo
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("PUNCHOUT_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `python3 tasks.py test`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def _demo(tmp_path: Path, redis_client: redis.Redis, *, worker: bool) -> Demo:
    profile = os.environ.get("PUNCHOUT_SANDBOX_PROFILE", "extended")
    settings = make_settings(tmp_path, printnow_url="", sandbox_profile=profile)
    return start_demo(
        settings,
        connector_port=0,
        sandbox_port=0,
        simulator_port=0,
        redis_client=redis_client,
        merge_seconds=0.2,
        worker=worker,
    )


@pytest.fixture
def demo(tmp_path: Path, redis_client: redis.Redis) -> Iterator[Demo]:
    """The demo without its worker (the pages before and at the order need none)."""
    running = _demo(tmp_path, redis_client, worker=False)
    yield running
    running.stop()


@pytest.fixture
def demo_with_worker(tmp_path: Path, redis_client: redis.Redis) -> Iterator[Demo]:
    """The whole demo, `punchout worker` process included (for what follows an order)."""
    running = _demo(tmp_path, redis_client, worker=True)
    yield running
    running.stop()


class Watched:
    """A page whose console errors, page errors and failed requests are collected."""

    def __init__(self, page: Any, name: str) -> None:
        self.page = page
        self.name = name
        self.problems: list[str] = []
        self.expected: list[str] = []
        self.shots = 0
        page.on(
            "console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}")
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "requestfailed",
            lambda r: self.problems.append(f"request failed: {r.method} {r.url} {r.failure}"),
        )

    def expect(self, text: str) -> None:
        """A console message the test provokes on purpose (an error page's own status)."""
        self.expected.append(text)

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(e in p for e in self.expected)]

    def shot(self, step: str) -> None:
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=ARTIFACTS / f"{self.name}-{self.shots:02d}-{step}.png", full_page=True
        )


@pytest.fixture
def watched(browser: Any, request: pytest.FixtureRequest) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watcher = Watched(page, request.node.name.removeprefix("test_"))
    yield watcher
    context.close()
    assert watcher.unexpected() == [], watcher.unexpected()
