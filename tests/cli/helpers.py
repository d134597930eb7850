"""Running `punchout ...` against a live connector, and reading what it printed."""

from __future__ import annotations

import re

from click.testing import Result

from tests.cli.runner import PunchoutRunner
from tests.web.conftest import LiveConnector


def run(connector: LiveConnector, *args: str, input: str | None = None) -> Result:
    return PunchoutRunner(connector.app).invoke(args=list(args), input=input)


def secret_in(output: str, kind: str = "cXML SharedSecret") -> str:
    match = re.search(re.escape(kind) + r" \(shown only now.*:\n\s+(\S+)", output)
    assert match, output
    return match.group(1)
