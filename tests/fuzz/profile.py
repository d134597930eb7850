"""One Hypothesis setting for every fuzz property: bounded and repeatable in CI.

``derandomize`` makes each run try the same examples (no flaky CI), no example database is
written, and there is no per-example deadline on a shared machine. Set ``FUZZ_EXAMPLES``
to run more examples locally, e.g. ``FUZZ_EXAMPLES=20000 pytest tests/fuzz``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
