"""Benchmarks: CPU per request of the connector's hot paths, beside bare Flask's, in one run.

    python3 tasks.py bench                   # PrintNow stub answering instantly (default)
    python3 tasks.py bench --check           # exit 1 when a target is missed
    python3 tasks.py bench --compare main .  # two revisions side by side, with ratios
    python3 tasks.py bench --mode sandbox    # the PrintNow sandbox instead of the stub

The connector and a bare Flask baseline run under gunicorn with the same settings (2 workers,
gthread). Each scenario is sent as batches of a fixed number of requests by wrk; around each
batch the workers' own CPU accounting, Redis round trips and PrintNow calls are read
(:mod:`bench.accounting`). Those figures do not depend on how busy the machine is; throughput
and latency are printed beside them as context. Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import inprocess, report  # noqa: E402
from bench.accounting import Meter, read_counters, workers  # noqa: E402
from bench.documents import (  # noqa: E402
    SECRETS,
    cart_sessions,
    oci_login_body,
    order_template,
    redis_server,
    registry,
    setup_template,
)
from bench.load import Server, free_port, gunicorn, rss_kib, wait_for, wrk  # noqa: E402
from punchout.domain.keys import derive_key  # noqa: E402
from punchout.domain.user_directory import DirectoryRecord, UserDirectory  # noqa: E402
from punchout.runtime.store import Store  # noqa: E402
from punchout.web.binding import Binding  # noqa: E402

XML, FORM = "text/xml; charset=UTF-8", "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    requests: int  # per batch
    path: str = "/cxml"  # "" for prepared cart returns (each has its own path)
    items: int = 0  # cart returns: items per cart
    protocol: str = "cxml"
    body: str = ""  # floors: the scenario whose body they read


SCENARIOS = [
    Scenario("setup", "PunchOutSetupRequest (one PIPO login)", 800),
    Scenario("cart_1", "cart return, 1 item", 800, path="", items=1),
    Scenario("cart_10", "cart return, 10 items", 500, path="", items=10),
    Scenario("cart_100", "cart return, 100 items", 200, path="", items=100),
    Scenario("order_1", "OrderRequest, 1 line", 400),
    Scenario("order_10", "OrderRequest, 10 lines", 300),
    Scenario("order_100", "OrderRequest, 100 lines", 100),
    Scenario("order_1000", "OrderRequest, 1,000 lines", 16),
    Scenario("oci_login", "OCI login", 500, path="/oci/bench"),
    Scenario("oci_return", "OCI cart return, 1 item", 500, path="", items=1, protocol="oci"),
]
SANDBOX_SCENARIOS = ("setup", "oci_login")  # the sandbox has no bench user's designs
#: Saved designs of the stub's user, except for OrderRequests (one design per line).
DESIGNS = 100
BASELINE = Scenario("baseline", "bare Flask POST, same body size (baseline)", 2000, path="/")
#: The floor under a hot path (:mod:`bench.floor`): bare Flask with the same body, PrintNow
#: calls and Redis round trips, and nothing else. Measured once per run, beside the baseline.
FLOORS = {
    "setup": Scenario("floor_setup", "floor of setup: 1 PrintNow call, 2 Redis round trips",
                      800, path="/floor/setup", body="setup"),
    "cart_100": Scenario("floor_cart_100", "floor of cart return, 100 items: 2 calls, 2 trips",
                         200, path="/floor/cart", body="cart_100"),
    "order_100": Scenario("floor_order_100", "floor of OrderRequest, 100 lines: 7 calls, "
                          "12 trips", 100, path="/floor/order", body="order_100"),
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["stub", "sandbox"], default="stub")
    parser.add_argument("--repeats", type=int, default=3, help="batches of each scenario")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply requests per batch")
    parser.add_argument("--quick", action="store_true", help="one small batch each (smoke test)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("OLD", "NEW"),
        help='two git revisions ("." is the working tree), ratios NEW/OLD',
    )
    parser.add_argument("--only", help="comma-separated scenario keys (default: all)")
    parser.add_argument("--rss-requests", type=int, default=0,
                        help="also measure worker RSS over this many setup requests")  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk (python3 tasks.py bench does it)")
    if args.quick:
        args.repeats, args.scale = 1, min(args.scale, 0.2)
    scenarios = [s for s in SCENARIOS if args.mode == "stub" or s.key in SANDBOX_SCENARIOS]
    if args.only:
        scenarios = [s for s in scenarios if s.key in args.only.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        revisions = checkouts(folder, args.compare or ["."])
        results = run(args, folder, revisions, scenarios)
    results["in_process"] = inprocess.growth()
    report.show(results)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}-{args.mode}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"JSON: {path}")
    if args.check and not report.all_met(results):
        raise SystemExit(1)


def checkouts(folder: Path, revisions: list[str]) -> dict[str, Path]:
    """Each revision's files (``git archive``; "." is the working tree as it is)."""
    out: dict[str, Path] = {}
    git, tar = shutil.which("git") or "git", shutil.which("tar") or "tar"
    for rev in revisions:
        if rev == ".":
            out["working tree"] = ROOT
            continue
        commit = subprocess.run(
            [git, "-C", str(ROOT), "rev-parse", "--short", rev],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        target = folder / f"rev-{commit}"
        target.mkdir()
        archive = subprocess.run([git, "-C", str(ROOT), "archive", commit],
                                 capture_output=True, check=True).stdout  # fmt: skip
        subprocess.run([tar, "-x", "-C", str(target)], input=archive, check=True)
        out[f"{rev} ({commit})"] = target
    return out


def run(args: argparse.Namespace, folder: Path, revisions: dict[str, Path],
        scenarios: list[Scenario]) -> dict[str, Any]:  # fmt: skip
    """Batches of every scenario on every revision, interleaved, so all see the same machine."""
    results: dict[str, Any] = {
        "mode": args.mode,
        "repeats": args.repeats,
        "scale": args.scale,
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
    }
    with ExitStack() as stack:
        redis_url, client = stack.enter_context(redis_server(folder))
        registry(folder / "buyers.toml")
        stub_port = stack.enter_context(printnow(args.mode, folder))
        store = Store(client)
        UserDirectory(store).put(
            "bench", 42, DirectoryRecord.derived("bench.user@buyer.example", key_id="")
        )
        base = stack.enter_context(
            gunicorn("bench.baseline:app", {}, code=ROOT, counters=folder / "counts-base")
        )
        floors = [FLOORS[s.key] for s in scenarios if s.key in FLOORS and args.mode == "stub"]
        floor = None
        if floors:
            floor_env = {
                "REDIS_URL": redis_url,
                "BENCH_PRINTNOW_URL": f"http://127.0.0.1:{stub_port}",
            }
            floor = stack.enter_context(
                gunicorn("bench.floor:app", floor_env, code=ROOT, counters=folder / "counts-floor")
            )
        servers: dict[str, Server] = {}
        for n, (label, code) in enumerate(revisions.items()):
            port = free_port()
            env = {**SECRETS, "REDIS_URL": redis_url,
                   "PUNCHOUT_PRINTNOW_URL": f"http://127.0.0.1:{stub_port}",
                   "PUNCHOUT_PUBLIC_URL": f"http://127.0.0.1:{port}",
                   "PUNCHOUT_INSTANCE_PATH": str(folder),
                   "PUNCHOUT_BUYERS_FILE": str(folder / "buyers.toml")}  # fmt: skip
            counters = folder / f"counts-{n}"
            app = "punchout.web.app:create_app()"
            servers[label] = stack.enter_context(
                gunicorn(app, env, code=code, counters=counters, port=port)
            )
        sender = Sender(folder, store, stub_port if args.mode == "stub" else None, args.scale)
        print("Warm-up", flush=True)
        for server in servers.values():
            for scenario in scenarios:
                sender.batch(server, scenario, warm_up=True)
        for scenario in floors:
            assert floor is not None
            sender.batch(floor, scenario, warm_up=True)
        table: dict[str, dict[str, list[dict[str, Any]]]] = {"baseline": {"baseline": []}}
        table["baseline"] |= {s.key: [] for s in floors}
        table |= {label: {s.key: [] for s in scenarios} for label in servers}
        for repeat in range(args.repeats):
            print(f"Round {repeat + 1} of {args.repeats}", flush=True)
            table["baseline"]["baseline"].append(sender.batch(base, BASELINE))
            for scenario in floors:
                assert floor is not None
                table["baseline"][scenario.key].append(sender.batch(floor, scenario))
            for scenario in scenarios:
                for label, server in servers.items():
                    table[label][scenario.key].append(sender.batch(server, scenario, label))
        results["loadavg_end"] = os.getloadavg()
        labels = {s.key: s.label for s in [BASELINE, *floors, *scenarios]}
        results["revisions"] = {
            label: {"scenarios": {key: summary(labels[key], batches)
                                  for key, batches in rows.items()}}
            for label, rows in table.items()
        }  # fmt: skip
        first = next(iter(servers.values()))
        results["redis_memory"] = report.redis_memory(client)
        if args.rss_requests:
            results["rss"] = rss_run(sender, first, args.rss_requests)
    return results


def summary(label: str, batches: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the batches (each batch's figures are kept too)."""
    out: dict[str, Any] = {"label": label, "batches": batches}
    for figure in ("cpu_ms", "redis_round_trips", "redis_commands", "printnow_calls", "rate",
                   "p50", "p95", "p99"):  # fmt: skip
        out[figure] = statistics.median(b[figure] for b in batches)
    out["errors"] = sum(b["errors"] for b in batches)
    return out


class Sender:
    """Sends one batch of a scenario and reads what it cost the server."""

    def __init__(self, folder: Path, store: Store, stub_port: int | None, scale: float) -> None:
        self.folder, self.store, self.stub_port, self.scale = folder, store, stub_port, scale
        self.binding = Binding(SECRETS["PUNCHOUT_SECRET_KEY"], max_age=3600)
        self.reference_key = derive_key(SECRETS["PUNCHOUT_MASTER_KEY"], "references")
        self.serial = 0

    def batch(self, server: Server, scenario: Scenario, label: str = "",
              warm_up: bool = False) -> dict[str, Any]:  # fmt: skip
        count = 2 if warm_up else max(4, int(scenario.requests * self.scale))
        self.serial += 1
        data = self.folder / f"batch-{self.serial}.txt"
        mode = "template"
        if self.stub_port is not None:  # an OrderRequest's user has a design for each line
            designs = (scenario.body or scenario.key).removeprefix("order_")
            stub_designs(self.stub_port, int(designs) if designs.isdigit() else DESIGNS)
        if scenario.body:  # a floor reads the body of the scenario it is the floor of
            data.write_text(floor_body(scenario.body, self.reference_key))
        elif scenario.items:
            mode = "list"
            cart_sessions(self.store, self.binding, count, scenario.items, scenario.protocol,
                          data)  # fmt: skip
        elif scenario.key == "baseline":
            data.write_text("x" * len(setup_template()))
        elif scenario.key == "setup":
            data.write_text(setup_template())
        elif scenario.key == "oci_login":
            data.write_text(oci_login_body())
        else:
            lines = int(scenario.key.removeprefix("order_"))
            data.write_text(order_template(lines, self.reference_key)
                            .replace("@@N@@", f"{self.serial}-@@N@@"))  # fmt: skip
        meter = Meter(server.master, server.counters, self.stub_port)
        ctype = {"template": XML, "list": FORM}[mode] if scenario.path != "/" else "text/plain"
        if scenario.key == "oci_login" or scenario.body.startswith("cart"):
            ctype = FORM
        before = meter.snapshot()
        run = wrk(f"http://127.0.0.1:{server.port}", mode=mode, data=data, path=scenario.path,
                  ctype=ctype, requests=count,
                  served=lambda: read_counters(server.counters)["requests"])  # fmt: skip
        settle(server)
        cost = meter.cost(before, meter.snapshot())
        row = asdict(cost) | {"rate": run.rate, "p50": run.p50, "p95": run.p95, "p99": run.p99,
                              "wrk_errors": run.errors}  # fmt: skip
        if not warm_up:
            who = f"{label}: " if label else ""
            print(f"  {who}{scenario.label:<42} {cost.cpu_ms:7.2f} ms CPU  "
                  f"{cost.redis_round_trips:5.1f} Redis  {cost.printnow_calls:4.1f} PrintNow  "
                  f"{run.rate:6.0f} req/s  p50 {run.p50:6.1f} ms  errors {cost.errors}",
                  flush=True)  # fmt: skip
        return row


def floor_body(key: str, reference_key: bytes) -> str:
    """The body a floor reads: that of the scenario it is the floor of (``key``)."""
    if key == "setup":
        return setup_template()
    if key.startswith("cart_"):
        items = int(key.removeprefix("cart_"))
        return "form_token=x&action=return" + "".join(
            f"&project={n}&quantity-{n}=1" for n in range(1, items + 1)
        )
    return order_template(int(key.removeprefix("order_")), reference_key)


def settle(server: Server, timeout: float = 300.0) -> None:
    """Wait until the workers have finished every request they started.

    wrk keeps every connection busy, so when a batch has been answered a few more requests
    are still being served: they belong to this batch (their CPU and their count), not to
    the next one, which may be another scenario.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = read_counters(server.counters)
        if counts["started"] <= counts["requests"]:
            return
        time.sleep(0.02)
    raise SystemExit("the server is still busy with an earlier batch")


def rss_run(sender: Sender, server: Server, requests: int) -> dict[str, Any]:
    print(f"Worker RSS over {requests:,} setup requests", flush=True)
    pids = workers(server.master)
    before = {pid: rss_kib(pid) for pid in pids}
    setup = next(s for s in SCENARIOS if s.key == "setup")
    done = 0
    while done < requests:
        done += sender.batch(server, setup, "RSS run")["requests"]
    after = {pid: rss_kib(pid) for pid in pids}
    growth = max((after[p] - before[p]) / before[p] * 100 for p in pids)
    return {"requests": done, "before_kib": before, "after_kib": after, "growth_percent": growth}


def stub_designs(port: int, count: int) -> None:
    """Give the stub's user ``count`` saved designs (:func:`bench.stub_printnow.set_designs`)."""
    url = f"http://127.0.0.1:{port}/__bench/designs/{count}"
    with urllib.request.urlopen(url, timeout=5) as answer:
        answer.read()


@contextmanager
def printnow(mode: str, folder: Path) -> Iterator[int]:
    """The PrintNow the connector talks to: the instant stub, or the sandbox (gunicorn)."""
    if mode == "sandbox":
        app = "punchout.devtools.sandbox.__main__:app_from_environment()"
        # The sandbox keeps its state in memory: one worker process, so every call sees it.
        with gunicorn(app, SECRETS, code=ROOT, counters=folder / "counts-sandbox",
                      options=("--workers", "1", "--threads", "8")) as server:  # fmt: skip
            yield server.port
        return
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "stub_server.py"), str(port)])
    try:
        wait_for(port)
        yield port
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main()
