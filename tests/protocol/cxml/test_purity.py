"""The protocol core stays pure: importing it pulls in no web framework, Redis or HTTP."""

from __future__ import annotations

import subprocess
import sys


def test_cxml_core_imports_no_flask_redis_or_requests() -> None:
    probe = (
        "import sys, punchout.protocol.cxml.parse, punchout.protocol.cxml.read, "
        "punchout.protocol.cxml.build, "
        "punchout.protocol.cxml.encode, punchout.protocol.cxml.schemas\n"
        "bad = [m for m in ('flask', 'redis', 'requests', 'werkzeug') if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
