"""``python -m punchout.devtools.sandbox``: starts on its own port, env or ephemeral credentials."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import requests

ROOT = Path(__file__).resolve().parents[3]


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


@contextmanager
def _running(env: dict[str, str], *extra: str) -> Iterator[list[str]]:
    """Start the sandbox on a free port; yield its first output lines; stop it after."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "punchout.devtools.sandbox",
            "--port",
            "0",
            "--merge-seconds",
            "0",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
    try:
        first = lines.get(timeout=20)
        output = [first]
        if "PUNCHOUT_PRINTNOW_API_TOKEN" not in env:
            output += [lines.get(timeout=5) for _ in range(3)]
        yield output
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHOUT_PRINTNOW_")}
    return {**env, **extra}


def test_without_credentials_it_generates_and_prints_ephemeral_ones() -> None:
    with _running(_env()) as output:
        text = "".join(output)
        url = re.search(r"on (http://127\.0\.0\.1:\d+)", text)
        token = re.search(r"API token: (\S+)", text)
        key = re.search(r"API key: +(\S+)", text)
        assert url and token and key and "ephemeral" in text
        response = requests.post(
            url.group(1) + "/api/v2/pipo/user/createtemp",
            json={"storefront_id": 1},
            auth=(token.group(1), key.group(1)),
            timeout=5,
        )
        assert response.status_code == 200 and response.json()["is_temp"] is True


def test_with_credentials_in_the_environment_it_uses_them() -> None:
    env = _env(PUNCHOUT_PRINTNOW_API_TOKEN="env-token", PUNCHOUT_PRINTNOW_API_KEY="env-key")
    with _running(env) as output:
        assert "ephemeral" not in output[0] and "env-key" not in output[0]
        url = re.search(r"on (http://127\.0\.0\.1:\d+)", output[0])
        assert url
        response = requests.get(
            url.group(1) + "/_sandbox/state", auth=("env-token", "env-key"), timeout=5
        )
        assert response.status_code == 200


def test_the_documented_profile_is_a_flag() -> None:
    env = _env(PUNCHOUT_PRINTNOW_API_TOKEN="env-token", PUNCHOUT_PRINTNOW_API_KEY="env-key")
    with _running(env, "--profile", "documented") as output:
        url = re.search(r"on (http://127\.0\.0\.1:\d+)", output[0])
        assert url
        response = requests.post(
            url.group(1) + "/api/v2/pipo/user/createtemp",
            json={"storefront_id": 1},
            auth=("env-token", "env-key"),
            timeout=5,
        )
        assert response.status_code == 200 and "password" not in response.json()


def test_webhook_urls_are_flags_signed_with_the_secret_from_the_environment() -> None:
    env = _env(
        PUNCHOUT_PRINTNOW_API_TOKEN="env-token",
        PUNCHOUT_PRINTNOW_API_KEY="env-key",
        PUNCHOUT_PRINTNOW_WEBHOOK_SECRET="hook-secret",
    )
    hook = "http://127.0.0.1:9/printnow/webhook"
    with _running(env, "--webhook-url", hook) as output:
        url = re.search(r"on (http://127\.0\.0\.1:\d+)", output[0])
        assert url
        listed = requests.get(
            url.group(1) + "/_sandbox/webhooks", auth=("env-token", "env-key"), timeout=5
        )
        assert listed.json()["subscriptions"] == [{"url": hook}]


def test_a_webhook_url_without_a_secret_is_refused() -> None:
    env = _env(PUNCHOUT_PRINTNOW_API_TOKEN="env-token", PUNCHOUT_PRINTNOW_API_KEY="env-key")
    command = [
        sys.executable,
        "-m",
        "punchout.devtools.sandbox",
        "--webhook-url",
        "http://127.0.0.1:9/",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "PUNCHOUT_PRINTNOW_WEBHOOK_SECRET" in done.stderr
