"""The failed-login limiter against a real Redis."""

from __future__ import annotations

from punchout.store import Store
from punchout.web.auth_limit import AuthLimiter


def test_failures_block_one_credential_from_one_address_with_small_keys(store: Store) -> None:
    limiter = AuthLimiter.for_store(store, "2/minute;5/hour")
    huge = "cxml:networkid:" + "A" * 100_000
    for _ in range(2):
        assert limiter.retry_after(huge, "10.0.0.1") == 0
        limiter.failed(huge, "10.0.0.1")
    assert 0 < limiter.retry_after(huge, "10.0.0.1") <= 60
    assert limiter.retry_after(huge, "10.0.0.2") == 0  # another address
    assert limiter.retry_after("cxml:networkid:b", "10.0.0.1") == 0  # another credential
    keys = [k for k in store.redis.scan_iter(f"{store.namespace}:limits*")]
    assert keys and max(len(k) for k in keys) < 200
