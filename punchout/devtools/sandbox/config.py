"""The sandbox's configuration: credentials it accepts, timings, storefronts and statuses.

One frozen value, built once by whoever starts the sandbox (the demo, the tests, or
``python -m punchout.devtools.sandbox``); nothing here is read from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from punchout.devtools.sandbox.profile import EXTENDED, PROFILES

#: A PrintNow storefront's order statuses, lowest sequence first. A new order gets the first.
DEFAULT_ORDER_STATUSES = ("New Order", "In Production", "Order Shipped", "Cancelled")


@dataclass(frozen=True)
class SandboxConfig:
    """What the sandbox accepts and how it behaves.

    ``api_token`` / ``api_key`` are the Basic Auth pair every ``/api`` and ``/_sandbox`` call
    must present. ``token_idle_seconds`` is how long a PIPO session token lives without use
    (every call with it starts the period again). ``merge_seconds`` is how long after
    ``order/{id}/process`` the print-ready files become downloadable. ``storefronts`` are
    ``(id, name)`` pairs. ``order_statuses`` are the statuses of every storefront, lowest
    sequence first; leaving out "Order Shipped" makes the shipped endpoints answer 400, as
    PrintNow does. ``max_body_bytes`` caps request bodies (413 beyond it). ``profile`` is
    ``extended`` or ``documented`` (answers with only what the documentation states; see
    ``profile.py``). ``webhooks`` are ``(url, secret)`` pairs that receive a signed
    ``order_updated`` event after every order change (see ``webhooks.py``). The credentials
    and secrets are left out of ``repr`` so they never reach a log.
    """

    api_token: str = field(repr=False)
    api_key: str = field(repr=False)
    token_idle_seconds: float = 1800
    merge_seconds: float = 2.0
    storefronts: tuple[tuple[int, str], ...] = ((1, "Demo Print Shop"),)
    order_statuses: tuple[str, ...] = DEFAULT_ORDER_STATUSES
    max_body_bytes: int = 1_000_000
    profile: str = EXTENDED
    webhooks: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {self.profile!r}")

    @property
    def documented(self) -> bool:
        """Whether the sandbox answers with only what the documentation states."""
        return self.profile != EXTENDED
