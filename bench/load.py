"""Load and servers for the benchmarks: wrk in its own process, gunicorn with counters.

Every server the benchmark measures runs under gunicorn with the same settings (2 workers,
gthread, 4 threads) and :mod:`bench.gunicorn_counting`, so each worker counts its requests and
Redis round trips. Load comes from wrk on loopback: a fixed number of requests per batch.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--backlog", "2048",
            "--log-level", "warning", "--keep-alive", "5",
            "--config", str(BENCH / "gunicorn_counting.py")]  # fmt: skip
LUA = r"""
local counter, idx, done_count = 0, 0, 0
local reqs, template, mode, path, ctype, limit = {}, nil, nil, nil, nil, nil
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args)
  mode, path, ctype = args[1], args[3], args[4]
  math.randomseed(os.time() * 100 + id)
  limit = tonumber(args[5] or "0")
  local nthreads = tonumber(args[6] or "1")
  local f = assert(io.open(args[2], "r"))
  if mode == "template" then
    template = f:read("*a")
  else
    local n = 0
    while true do
      local p = f:read("*l"); if not p then break end
      local cookie, body = f:read("*l"), f:read("*l")
      if n % nthreads == id then table.insert(reqs, {path = p, cookie = cookie, body = body}) end
      n = n + 1
    end
  end
  f:close()
end
function request()
  if mode == "template" then
    counter = counter + 1
    local body = template:gsub("@@N@@", id .. "x" .. counter .. "x" .. math.random(1, 1000000000))
    return wrk.format("POST", path, {["Content-Type"] = ctype}, body)
  end
  idx = idx + 1
  if idx > #reqs then return wrk.format("GET", "/healthz") end
  local r = reqs[idx]
  return wrk.format("POST", r.path, {["Content-Type"] = ctype, ["Cookie"] = r.cookie}, r.body)
end
local shown = 0
function response(status, headers, body)
  done_count = done_count + 1
  if status >= 400 and shown < 2 and os.getenv("BENCH_DEBUG") then
    shown = shown + 1
    io.write("STATUS " .. status .. " " .. string.sub(body, -400) .. "\n")
  end
  if (limit > 0 and done_count >= limit) or (mode == "list" and done_count >= #reqs) then
    wrk.thread:stop()
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, "errors": %d, "p50": %d, "p95": %d, "p99": %d}\n',
    summary.requests, summary.duration, e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


@dataclass(frozen=True)
class Server:
    port: int
    master: int
    counters: Path


@contextmanager
def gunicorn(
    app: str,
    env: dict[str, str],
    *,
    code: Path,
    counters: Path,
    options: tuple[str, ...] = (),
    port: int = 0,
) -> Iterator[Server]:
    """``app`` under gunicorn, importing the project from ``code`` (a checkout)."""
    port = port or free_port()
    counters.mkdir(parents=True, exist_ok=True)
    python_path = os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), *GUNICORN, *options, "--bind", f"127.0.0.1:{port}", app],
        cwd=code,
        env={**os.environ, **env, "PYTHONPATH": python_path, "BENCH_COUNTERS": str(counters)},
    )
    try:
        wait_for(port)
        yield Server(port, process.pid, counters)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass(frozen=True)
class Run:
    """What wrk saw of one batch: wall-clock figures, context only on a shared machine."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(url: str, *, mode: str, data: Path, path: str, ctype: str, requests: int,
        served: Callable[[], int], connections: int = 16) -> Run:  # fmt: skip
    """Send ``requests`` requests (``mode`` "template": made from a template with a unique
    number each; "list": the prepared requests in ``data``, each once).

    A wrk thread that has sent its share stops sending, but wrk itself runs for its whole
    duration; so it is interrupted (it reports on SIGINT) once the server has answered
    ``requests`` more requests, as ``served()`` counts them.
    """
    target = served() + requests
    script = data.parent / "load.lua"
    script.write_text(LUA)
    threads = min(2, connections)
    per_thread = (requests + threads - 1) // threads
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", "600s",
           "--timeout", "30s", "-s", str(script), url, "--", mode, str(data), path, ctype,
           str(per_thread), str(threads)]  # fmt: skip
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    began = time.perf_counter()
    while process.poll() is None and served() < target:
        time.sleep(0.01)
    seconds = time.perf_counter() - began
    out = ""
    for _ in range(5):  # SIGINT makes wrk report; it may reach a thread other than the main one
        process.send_signal(signal.SIGINT)
        try:
            out = process.communicate(timeout=1)[0]
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        process.kill()
        out = process.communicate()[0]
    for debug in (x for x in out.splitlines() if x.startswith("STATUS ")):
        print("   ", debug[:300])
    lines = [x for x in out.splitlines() if x.startswith("RESULT ")]
    result = json.loads(lines[0][len("RESULT ") :]) if lines else {}
    ms = {k: result.get(k, float("nan")) / 1000 for k in ("p50", "p95", "p99")}
    return Run(requests, seconds, result.get("errors", 0), ms["p50"], ms["p95"], ms["p99"])
