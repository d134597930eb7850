"""PrintNow sandbox: a Flask app that behaves like PrintNow as its API documentation describes.

It serves the PIPO, Orders and Customers APIs under ``/api/v2`` (``pipo.py``, ``orders.py``,
``customers.py``) with PrintNow's Basic Auth, session tokens, messages and status codes; a
small storefront where a punched-out user saves designs (``storefront.py``); an orders page
where the print shop sets statuses and ships (``admin.py``); signed ``order_updated``
webhooks after every order change (``webhooks.py``); and test controls under ``/_sandbox``
(``control.py``), including a fault switch (``faults.py``). All
state lives in memory in one :class:`SandboxState` per app (``state.py``), so the sandbox runs
as one threaded process: ``python -m punchout.devtools.sandbox --port 8081``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from punchout.devtools.sandbox.app import create_sandbox_app
    from punchout.devtools.sandbox.config import SandboxConfig
    from punchout.devtools.sandbox.state import SandboxState

__all__ = ["SandboxConfig", "SandboxState", "create_sandbox_app"]


def __getattr__(name: str) -> Any:
    """Load the app only when it is asked for: importing
    :mod:`punchout.devtools.sandbox.profile` does not import Flask and the whole sandbox."""
    if name == "create_sandbox_app":
        from punchout.devtools.sandbox.app import create_sandbox_app

        return create_sandbox_app
    if name == "SandboxConfig":
        from punchout.devtools.sandbox.config import SandboxConfig

        return SandboxConfig
    if name == "SandboxState":
        from punchout.devtools.sandbox.state import SandboxState

        return SandboxState
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
