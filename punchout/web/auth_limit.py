"""Rate limits on failed authentications, per buyer credential and client address.

Guessing a buyer's cXML shared secret or OCI password costs an attacker one request per
guess; after ``auth_failure_limits`` failures (e.g. "10/minute;100/hour") from one address
against one credential, that pair is answered 429 until the window has moved on, without
the secret even being checked. Counts live in the connector's Redis (moving windows of the
``limits`` library), so every worker and every process shares them. Credentials are counted
under their SHA-256, so a huge made-up credential cannot make a huge Redis key.
"""

from __future__ import annotations

import hashlib
import math
import time

import redis
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from punchout.runtime.store import Pending, Reads, Store


class AuthLimiter:
    """Counts failed authentications and says when a credential and address are blocked."""

    def __init__(self, client: redis.Redis, namespace: str, limits_text: str) -> None:
        storage = RedisStorage(
            "redis://", connection_pool=client.connection_pool, key_prefix=f"{namespace}:limits"
        )
        self._client, self._storage = client, storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._limits: list[RateLimitItem] = parse_many(limits_text)

    @classmethod
    def for_store(cls, store: Store, limits_text: str) -> AuthLimiter:
        return cls(store.redis, store.namespace, limits_text)

    def retry_after(self, credential: str, address: str) -> int:
        """Seconds until ``credential`` may be tried again from ``address``; 0: not blocked."""
        reads = Reads(self._client)
        wait = self.queue_retry_after(reads, credential, address)
        reads.send()
        return wait.value()

    def queue_retry_after(self, reads: Reads, credential: str, address: str) -> Pending[int]:
        """:meth:`retry_after`, read in ``reads`` beside what else the request needs.

        Every cXML request and OCI login asks this before checking a secret, so all limits
        are read in one round trip, not one per limit. Each read is the limits library's own
        moving-window script, as ``MovingWindowRateLimiter.test`` and ``get_window_stats`` run
        it: blocked when the window holds ``amount`` entries, free again at the window's
        start plus its length.
        """
        names = _names(credential, address)
        now = time.time()
        script = self._storage.lua_moving_window
        calls = [
            ([self._storage.prefixed_key(limit.key_for(*names))],
             [now - limit.get_expiry(), limit.amount])
            for limit in self._limits
        ]  # fmt: skip
        queued = [reads.script(script.sha, keys, args) for keys, args in calls]

        def wait() -> int:
            waits = []
            for limit, window, (keys, args) in zip(self._limits, queued, calls, strict=True):
                try:
                    stats = window.value()
                except redis.exceptions.NoScriptError:  # a restarted Redis: loaded again
                    stats = script(keys, args)
                if stats and int(stats[1]) > limit.amount - 1:
                    waits.append(float(stats[0]) + limit.get_expiry() - now)
            return max(1, math.ceil(max(waits))) if waits else 0

        return Pending(wait)

    def failed(self, credential: str, address: str) -> None:
        """Count one failed authentication of ``credential`` from ``address``."""
        for limit in self._limits:
            self._limiter.hit(limit, *_names(credential, address))


def _names(credential: str, address: str) -> tuple[str, str]:
    """Short, fixed-length names for the counters of a credential and an address."""
    digest = hashlib.sha256(credential.encode("utf-8", "replace")).hexdigest()[:32]
    return digest, address[:64]
