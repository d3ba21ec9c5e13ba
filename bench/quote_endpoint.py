"""Load the quote endpoint next to a trivial JSON endpoint of the same app, in the same run.

Issue 13 target: the quote endpoint costs at most 1/0.7 of the trivial endpoint GET /api/health (auth=None,
returns {"status": "ok"}) **by the server's own CPU per request**, for a free-terms and a product quote:
health CPU/request ÷ quote CPU/request ≥ 0.7. Throughput under load (requests/s, p95) is measured too, but
the load generator shares the machine's cores with the server, so its ratio flatters the quote.

Run with::

    uv run python bench/quote_endpoint.py                         # demo data in bench/out/quote_demo.sqlite3
    uv run python bench/quote_endpoint.py --duration 15 --concurrency 8 --rounds 2
    uv run python bench/quote_endpoint.py --database-url postgres://angsur:angsur@127.0.0.1:5432/angsur_quote

What it does:

1. unless the database already holds the demo company, seeds it with ``angsur demo --no-serve``
   (default database: a scratch SQLite file under bench/out/, which is git-ignored);
2. starts the app on 127.0.0.1 on a free port as a subprocess, with DEBUG off: by default gunicorn, the
   production server (``--workers`` sync workers, default one per CPU; ``--worker-class gthread`` for
   threaded workers with keep-alive). ``--server wsgiref`` runs Django's own WSGIServer instead (the
   wsgiref server of ``runserver``, a thread per connection, single-threaded with ``--nothreading``)
   with TCP_NODELAY and no access log; ``--server runserver`` runs plain ``runserver --noreload``,
   whose Nagle + delayed-ACK stall (~40 ms per keep-alive response) hides what the endpoints cost;
3. gets a bearer token from POST /api/auth/token (cmo.jkt / demo-angsur); besides the health check
   and the two quotes it also drives GET /api/me with the token (trivial, but authenticated);
4. drives each endpoint in turn with ``--concurrency`` client threads, each on its own keep-alive
   http.client connection, for ``--duration`` seconds after a short warm-up — closed loop, so the load is
   bounded by the concurrency and the duration, plus a hard cap of ``--max-requests`` per phase;
   ``--rounds`` alternates the order (health, me, quotes, then the reverse) so drift hits all alike;
5. prints requests/s, p50 / p95 / p99 / max latency and errors per endpoint, the ratio of each
   quote endpoint's requests/s to the health endpoint's, and the CPU time per request of the server
   (gunicorn's workers included) and of the load generator (Linux); writes JSON to bench/out/;
6. server CPU per request, the target's measure: for each endpoint in turn, exactly ``--cpu-requests``
   requests from one client thread; the gunicorn master's and workers' user + system CPU time is read
   from /proc/<pid>/stat before and after (``--cpu-rounds`` rounds, alternating the order, after an
   untimed warm-up of every endpoint). Ratio = health's CPU per request ÷ the quote's, taken two ways: of
   the endpoints' median rounds, and the median of each round's own ratio (steadier when the machine's
   load drifts); the target is met only when both reach it. The same rounds time the product quote's body
   without its vehicle year, which the route refuses (400) after authenticating, parsing and validating it,
   before any pricing: the route's floor. Health ÷ 0.7 minus that floor is what the target leaves for
   pricing and the answer, printed beside what they take (product quote minus floor);
7. in-process CPU per request (no server, no sockets): a subprocess sets Django up with the same
   settings and calls the WSGI application directly ``--inprocess-requests`` times per endpoint, timing
   ``time.process_time()``; the same ratio, the part of a request that is the app's own code. It also counts
   the Python bytecode instructions of one request of each endpoint (sys.monitoring): exact, whatever the load.

The load generator runs on the same machine as the server: on a small machine it takes CPU from the
server, which lowers both endpoints' throughput alike (the ratio is the figure to read).
"""

import argparse
import contextlib
import datetime as dt
import http.client
import importlib.util
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_DB = OUT / "quote_demo.sqlite3"
HOST = "127.0.0.1"
TARGET_RATIO = 0.7

FREE_TERMS = {"otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "flat_rate": "17", "timing": "addb"}
PRODUCT = {"otr": "23400000", "down_payment": "4700000", "tenor_months": 24, "product": "NMC", "vehicle_year": 2026}
# The product quote's body without the vehicle year: the route authenticates, parses and validates the body, checks
# the role and takes the branch's date, then refuses (400 "required") before any pricing. Its CPU is the quote
# route's own floor, so "product quote − refused" is what pricing and the answer cost.
REFUSED = {k: v for k, v in PRODUCT.items() if k != "vehicle_year"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help=f"DATABASE_URL for the server (default: sqlite:///{DEFAULT_DB})")
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per endpoint per round (default 15)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each phase (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, one connection each (default 8, at most 64)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, alternating the endpoint order (default 2)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="hard cap of requests per phase (default 200000)")
    parser.add_argument(
        "--server",
        choices=("auto", "gunicorn", "wsgiref", "runserver"),
        default="auto",
        help="auto: gunicorn if installed, else wsgiref (Django's WSGIServer with TCP_NODELAY); "
        "runserver: Django's as is (Nagle + delayed ACK add ~40 ms to every keep-alive response)",
    )
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 1)), help="gunicorn workers (default: CPU count)")
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread"),
        default="sync",
        help="gunicorn worker class: sync (one request at a time per worker, connection closed after each response — "
        "gunicorn's default, meant to sit behind a proxy) or gthread (--threads threads per worker, keep-alive)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--nothreading", action="store_true", help="wsgiref / runserver without threads (one request at a time)")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)  # internal: run the wsgiref server on this port
    parser.add_argument("--inprocess", type=int, default=0, help=argparse.SUPPRESS)  # internal: the in-process loop, N requests
    parser.add_argument("--seed-now", action="store_true", help=argparse.SUPPRESS)  # internal: seed what the bench needs
    parser.add_argument(
        "--seed",
        choices=("minimal", "demo"),
        default="minimal",
        help="minimal (default): the company, branch JKT, the CMO login and the demo products — all a quote needs; "
        "demo: the whole `angsur demo --no-serve`",
    )
    parser.add_argument("--cpu-requests", type=int, default=3000, help="requests per endpoint per CPU round (default 3000)")
    parser.add_argument(
        "--interleaved-requests",
        type=int,
        default=2000,
        help="requests per endpoint of the interleaved server-CPU measure, by the processes' ns CPU clocks (default 2000; 0: skip)",
    )
    parser.add_argument("--interleaved-block", type=int, default=10, help="requests per block of the interleaved measure (default 10)")
    parser.add_argument("--cpu-rounds", type=int, default=3, help="rounds of the server-CPU measure, alternating the order (default 3)")
    parser.add_argument(
        "--inprocess-requests", type=int, default=3000, help="requests per endpoint per in-process round (default 3000; 0: skip)"
    )
    parser.add_argument("--no-load", action="store_true", help="skip the throughput phases (only the CPU-per-request measures)")
    parser.add_argument("--username", default="cmo.jkt")
    parser.add_argument("--password", default="demo-angsur")
    parser.add_argument("--json", default=str(OUT / "quote_endpoint.json"), help="JSON output path")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 64 or args.duration <= 0 or args.duration > 300:
        parser.error("keep the load bounded: 1 ≤ --concurrency ≤ 64 and 0 < --duration ≤ 300")
    if not 100 <= args.cpu_requests <= 100_000 or not 1 <= args.cpu_rounds <= 20 or not 0 <= args.inprocess_requests <= 100_000:
        parser.error("keep the CPU measures bounded: 100 ≤ --cpu-requests ≤ 100000, 1 ≤ --cpu-rounds ≤ 20, --inprocess-requests ≤ 100000")
    if not 0 <= args.interleaved_requests <= 100_000 or not 1 <= args.interleaved_block <= 1000:
        parser.error("keep the interleaved measure bounded: --interleaved-requests ≤ 100000, 1 ≤ --interleaved-block ≤ 1000")
    return args


# --------------------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="angsur.settings",
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def ensure_demo(database_url: str, kind: str = "demo") -> None:
    """Seed the data the bench needs (idempotent): the whole demo, or only what a quote needs."""
    if kind == "demo":
        commands = [[sys.executable, "-m", "angsur.cli", "demo", "--no-serve"]]
    else:
        commands = [
            [sys.executable, "-m", "angsur.cli", "migrate", "-v", "0"],
            [sys.executable, str(Path(__file__).resolve()), "--seed-now"],
        ]
    for command in commands:
        result = subprocess.run(command, env=server_env(database_url), cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode:
            sys.exit(f"{' '.join(command[1:])} failed:\n{result.stdout}\n{result.stderr}")


def seed_minimal() -> None:
    """The company, branch JKT, its CMO (cmo.jkt, the demo password) and the demo products (runs under Django)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    from angsur.devdata.factories import make_branch, make_company, make_products, make_user
    from angsur.devdata.seed import COMPANY_CODE
    from angsur.org.models import BranchTimeZone
    from angsur.org.roles import Role

    with transaction.atomic():
        company = make_company(COMPANY_CODE, "PT Angsur Multifinance (Demo)")
        branch = make_branch("JKT", company=company, name="Jakarta Timur", time_zone=BranchTimeZone.WIB)
        make_user(Role.CMO, branch, username="cmo.jkt")
        make_products()


def start_server(args: argparse.Namespace, database_url: str, port: int, log: Path) -> tuple[subprocess.Popen, str]:
    kind = args.server
    if kind == "auto":
        kind = "gunicorn" if importlib.util.find_spec("gunicorn") else "wsgiref"
    threads = "single-threaded" if args.nothreading else "a thread per connection"
    if kind == "wsgiref":
        cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", str(port)] + (["--nothreading"] if args.nothreading else [])
        label = f"Django's WSGIServer (wsgiref, {threads}, TCP_NODELAY, no access log)"
    elif kind == "gunicorn":
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "angsur.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads if args.worker_class == "gthread" else 1),
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
        ]
        label = f"gunicorn {args.workers} {args.worker_class} workers" + (
            f" × {args.threads} threads" if args.worker_class == "gthread" else ""
        )
    else:
        cmd = [sys.executable, "-m", "angsur.cli", "runserver", "--noreload", f"{HOST}:{port}"]
        if args.nothreading:
            cmd.append("--nothreading")
        label = f"Django runserver --noreload (wsgiref, {threads})"
    handle = log.open("w")
    proc = subprocess.Popen(cmd, env=server_env(database_url), cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with {proc.returncode}; see {log}")
        with contextlib.suppress(OSError):
            status, _body, _ms = request(port, "GET", "/api/health")
            if status == 200:
                return proc, label
        time.sleep(0.2)
    stop_server(proc)
    sys.exit(f"the server did not answer within 60 s; see {log}")


def serve(port: int, *, threading: bool) -> None:
    """The wsgiref server of `runserver`, minus what is not the app: TCP_NODELAY on (wsgiref writes the headers and the
    body separately, so with Nagle every keep-alive response waits for the client's delayed ACK) and no access log."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, WSGIServer, get_internal_wsgi_application

    class Handler(WSGIRequestHandler):
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = (ThreadedWSGIServer if threading else WSGIServer)((HOST, port), Handler)
    httpd.daemon_threads = True
    httpd.set_app(get_internal_wsgi_application())
    httpd.serve_forever()


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------------------------- client


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes, float]:
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, (time.perf_counter() - t0) * 1000
    finally:
        if own:
            conn.close()


class Endpoint:
    def __init__(self, name: str, method: str, path: str, body: dict | None = None, token: str = "", expect: int = 200) -> None:
        self.name, self.method, self.path, self.expect = name, method, path, expect
        self.body = json.dumps(body).encode() if body is not None else None
        self.headers = {"Accept": "application/json"}
        if body is not None:
            self.headers["Content-Type"] = "application/json"
        if token:
            self.headers["Authorization"] = f"Bearer {token}"


def _proc_stat(pid: int | str) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    """The live children of a process — gunicorn's workers (Linux /proc; field 4, the ppid, is index 1 after the name)."""
    return sorted(
        int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and (f := _proc_stat(e.name)) is not None and f[1] == str(pid)
    )


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process, its threads and its live children — gunicorn's workers
    (Linux /proc; None elsewhere)."""
    own = _proc_stat(pid)
    if own is None:
        return None
    ticks = int(own[11]) + int(own[12])
    for child in _children(pid):
        if (fields := _proc_stat(child)) is not None:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def process_tree_cpu(master: int) -> tuple[float, int]:
    """User + system CPU seconds of the master and its children (gunicorn's workers), and how many there are."""
    total = cpu_seconds(master)
    return (total if total is not None else float("nan")), len(_children(master))


def _send(port: int, endpoint: "Endpoint", conn: http.client.HTTPConnection) -> tuple[bool, http.client.HTTPConnection]:
    """One request on the keep-alive connection: whether it failed (no answer, or not the status expected), and the
    connection to go on with (a new one after a failure)."""
    try:
        status, _data, _ms = request(port, endpoint.method, endpoint.path, endpoint.body, endpoint.headers, conn=conn)
    except (OSError, http.client.HTTPException):
        conn.close()
        return True, http.client.HTTPConnection(HOST, port, timeout=10)
    return status != endpoint.expect, conn


def _cpu_clock(pid: int) -> int:
    """The process-wide CPU clock of another process (Linux: clock id ((~pid) << 3) | 2, CPUCLOCK_SCHED), in ns."""
    return ((~pid) << 3) | 2


def interleaved_cpu(port: int, endpoints: list["Endpoint"], *, requests: int, block: int, server_pid: int) -> dict[str, Any]:
    """Server CPU per request with the endpoints interleaved in blocks of `block` requests (the order reversed every
    other cycle), timed in nanoseconds by the server processes' CPU clocks; None where those clocks are not readable.

    /proc's CPU times count 10 ms ticks, so a round must run for seconds, and a shared machine's speed drifts within
    seconds (this machine: one round's health ÷ quote anywhere from 0.54 to 0.82). A few hundredths of a second per
    block leaves drift nothing to tell the endpoints apart by. A block is charged the CPU the server spends
    between its first request and the answer to its last, so it may receive the tail of the block before (the
    worker closing that connection) and hand its own to the next: a few requests in `block`, alike for every endpoint.
    """
    pids = [server_pid, *_children(server_pid)]
    try:
        clocks = [_cpu_clock(pid) for pid in pids]
        for clock in clocks:
            time.clock_gettime_ns(clock)
    except (OSError, AttributeError):
        return {}

    def now() -> int:
        return sum(time.clock_gettime_ns(clock) for clock in clocks)

    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    spent = {ep.name: [] for ep in endpoints}
    errors = 0
    try:
        for cycle in range(max(1, requests // block)):
            for ep in endpoints if cycle % 2 == 0 else list(reversed(endpoints)):
                t0 = now()
                for _ in range(block):
                    failed, conn = _send(port, ep, conn)
                    errors += failed
                spent[ep.name].append(now() - t0)
    except OSError:  # a worker exited (restarted): its CPU clock went with it, and the figures are void
        errors += 1
    conn.close()
    cycles = min(len(ns) for ns in spent.values())
    if not cycles:
        return {}
    spent = {name: ns[:cycles] for name, ns in spent.items()}
    return {
        "errors": errors,
        "block": block,
        "ms_per_request": {name: sum(ns) / (len(ns) * block) / 1e6 for name, ns in spent.items()},
        "blocks_ns": spent,
    }


def cpu_phase(port: int, endpoint: Endpoint, *, requests: int, server_pid: int) -> dict[str, Any]:
    """Exactly `requests` requests, one at a time from one client thread; the server's CPU time around them.

    One at a time, so the server's CPU is not spent on contention and every request pays the same
    per-request work (gunicorn's sync worker closes the connection after each answer, so the client
    reconnects as a real one behind a proxy would)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    errors = 0
    cpu0, workers0 = process_tree_cpu(server_pid)
    t0 = time.perf_counter()
    for _ in range(requests):
        failed, conn = _send(port, endpoint, conn)
        errors += failed
    elapsed = time.perf_counter() - t0
    cpu1, workers1 = process_tree_cpu(server_pid)
    conn.close()
    if workers0 != workers1:
        errors += 1  # a worker was restarted: its CPU time was lost
    return {"requests": requests, "errors": errors, "seconds": elapsed, "cpu_ms_per_request": 1000 * (cpu1 - cpu0) / requests}


def inprocess_loop(requests: int, username: str, password: str) -> None:
    """The app's own CPU per request: call the WSGI application directly (no server, no sockets); print JSON."""
    import io
    import logging

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.disable(logging.WARNING)  # refused requests would log; none should be refused
    from django.core.wsgi import get_wsgi_application

    from angsur.org.models import User
    from angsur.org.services import api_token_create

    app = get_wsgi_application()
    _row, token = api_token_create(user=User.objects.get(username=username))

    def call(method: str, path: str, body: bytes, bearer: bool) -> str:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "HTTP_HOST": HOST,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST,
            "HTTP_ACCEPT": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_TYPE"] = "application/json"
        if bearer:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        status: list[str] = []
        b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        return status[0]

    cases = {
        "health": ("GET", "/api/health", b"", False),
        "me": ("GET", "/api/me", b"", True),
        "free": ("POST", "/api/quotes", json.dumps(FREE_TERMS).encode(), True),
        "product": ("POST", "/api/quotes", json.dumps(PRODUCT).encode(), True),
        "refused": ("POST", "/api/quotes", json.dumps(REFUSED).encode(), True),
    }
    expected = {name: "400 Bad Request" if name == "refused" else "200 OK" for name in cases}
    rounds: dict[str, list[float]] = {name: [] for name in cases}
    for name, case in cases.items():
        if (status := call(*case)) != expected[name]:
            sys.exit(f"in-process {name}: {status}")
    for r in range(3):
        for name, case in cases.items() if r % 2 == 0 else reversed(cases.items()):
            for _ in range(min(200, requests)):  # warm-up
                call(*case)
            t0 = time.process_time()
            for _ in range(requests):
                call(*case)
            rounds[name].append(1000 * (time.process_time() - t0) / requests)
    print(json.dumps({**rounds, "instructions": instruction_counts(lambda name: call(*cases[name]), list(cases))}))


def instruction_counts(call: Any, names: list[str]) -> dict[str, int]:
    """The Python bytecode instructions one request of each endpoint executes (sys.monitoring): the interpreter's
    work, which the machine's noise does not move, so two versions of the code compare exactly. C code (Decimal,
    orjson, pydantic-core, the socket) counts as the one instruction that calls it; the garbage collector is held
    off while counting (finalizers it would run are not the request's). Empty where sys.monitoring is missing."""
    import gc

    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return {}
    tool = next((i for i in range(1, 6) if monitoring.get_tool(i) is None), None)
    if tool is None:
        return {}
    monitoring.use_tool_id(tool, "quote_endpoint bench")
    executed = [0]

    def count(_code: object, _offset: int) -> None:
        executed[0] += 1

    monitoring.register_callback(tool, monitoring.events.INSTRUCTION, count)
    counts = {}
    try:
        for name in names:
            call(name)  # warm: caches filled as a steady server has them
            gc.disable()
            executed[0] = 0
            monitoring.set_events(tool, monitoring.events.INSTRUCTION)
            try:
                call(name)
            finally:
                monitoring.set_events(tool, 0)
                gc.enable()
            counts[name] = executed[0]
    finally:
        monitoring.register_callback(tool, monitoring.events.INSTRUCTION, None)
        monitoring.free_tool_id(tool)
    return counts


def drive(port: int, endpoint: Endpoint, *, seconds: float, concurrency: int, max_requests: int, server_pid: int = 0) -> dict[str, Any]:
    """Closed-loop load: `concurrency` threads, each sending its next request as soon as the last one is answered."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[list[str]] = [[] for _ in range(concurrency)]
    budget = threading.Semaphore(max_requests)
    start = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        start.wait()
        while time.perf_counter() < stop_at[0] and budget.acquire(blocking=False):
            try:
                status, _data, ms = request(port, endpoint.method, endpoint.path, endpoint.body, endpoint.headers, conn=conn)
            except (OSError, http.client.HTTPException) as error:  # reconnect and count it
                errors[i].append(type(error).__name__)
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            if status >= 400:
                errors[i].append(str(status))
            latencies[i].append(ms)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + seconds
    server_cpu0, client_cpu0 = cpu_seconds(server_pid) if server_pid else None, time.process_time()
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join(seconds + 30)
    elapsed = time.perf_counter() - t0
    server_cpu1, client_cpu1 = cpu_seconds(server_pid) if server_pid else None, time.process_time()
    all_ms = sorted(ms for chunk in latencies for ms in chunk)
    all_errors = [e for chunk in errors for e in chunk]
    return {
        "endpoint": endpoint.name,
        "seconds": elapsed,
        "requests": len(all_ms),
        "errors": len(all_errors),
        "error_kinds": sorted(set(all_errors)),
        "latencies_ms": all_ms,
        "server_cpu_s": None if server_cpu0 is None or server_cpu1 is None else server_cpu1 - server_cpu0,
        "client_cpu_s": client_cpu1 - client_cpu0,
    }


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.4999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise(phases: list[dict[str, Any]]) -> dict[str, Any]:
    ms = sorted(x for p in phases for x in p["latencies_ms"])
    seconds = sum(p["seconds"] for p in phases)
    requests = sum(p["requests"] for p in phases)
    return {
        "requests": requests,
        "errors": sum(p["errors"] for p in phases),
        "seconds": seconds,
        "rps": requests / seconds,
        "rps_per_round": [p["requests"] / p["seconds"] for p in phases],
        "p50_ms": statistics.median(ms) if ms else float("nan"),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1] if ms else float("nan"),
        "error_kinds": sorted({k for p in phases for k in p["error_kinds"]}),
        # CPU per request: the server's (all its threads or workers' parent) and the load generator's.
        "server_cpu_ms_per_request": (
            None if any(p["server_cpu_s"] is None for p in phases) else 1000 * sum(p["server_cpu_s"] for p in phases) / max(requests, 1)
        ),
        "server_cpu_utilisation": (
            None if any(p["server_cpu_s"] is None for p in phases) else sum(p["server_cpu_s"] for p in phases) / seconds
        ),
        "client_cpu_ms_per_request": 1000 * sum(p["client_cpu_s"] for p in phases) / max(requests, 1),
    }


def _fmt_ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        serve(args.serve, threading=not args.nothreading)
        return 0
    if args.seed_now:
        seed_minimal()
        return 0
    if args.inprocess:
        inprocess_loop(args.inprocess, args.username, args.password)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{DEFAULT_DB}"
    print(f"database: {database_url.split('@')[-1]}")
    ensure_demo(database_url, args.seed)
    port = free_port()
    proc, server_label = start_server(args, database_url, port, OUT / "quote_endpoint-server.log")
    print(f"server: {server_label} on http://{HOST}:{port} (DEBUG off)")
    try:
        status, data, _ms = request(
            port,
            "POST",
            "/api/auth/token",
            json.dumps({"username": args.username, "password": args.password, "name": "bench"}).encode(),
            {"Content-Type": "application/json"},
        )
        if status != 201:
            sys.exit(f"POST /api/auth/token → {status}: {data[:300]!r}")
        token = json.loads(data)["token"]
        endpoints = [
            Endpoint("GET /api/health", "GET", "/api/health"),
            Endpoint("GET /api/me (bearer)", "GET", "/api/me", token=token),
            Endpoint("POST /api/quotes (free terms)", "POST", "/api/quotes", FREE_TERMS, token),
            Endpoint("POST /api/quotes (product NMC)", "POST", "/api/quotes", PRODUCT, token),
        ]
        refused = Endpoint("POST /api/quotes (400, unpriced)", "POST", "/api/quotes", REFUSED, token, expect=400)
        for ep in [*endpoints, refused]:  # one correct answer each before any load
            status, data, _ms = request(port, ep.method, ep.path, ep.body, ep.headers)
            if status != ep.expect or (ep is refused and json.loads(data).get("field") != "vehicle_year"):
                sys.exit(f"{ep.name} → {status}: {data[:300]!r}")
            if ep.name.endswith("(free terms)") and json.loads(data).get("installment") not in {"1170000", "1170000.00"}:
                sys.exit(f"the OJK example should price to an installment of 1,170,000: {data[:300]!r}")
        if not args.no_load:
            print(
                f"load: {args.concurrency} keep-alive connections, {args.duration:g} s per endpoint per round, {args.rounds} rounds, "
                f"warm-up {args.warmup:g} s, cap {args.max_requests:,} requests per phase"
            )
        phases: dict[str, list[dict[str, Any]]] = {ep.name: [] for ep in endpoints}
        for r in range(0 if args.no_load else args.rounds):
            for ep in endpoints if r % 2 == 0 else list(reversed(endpoints)):
                if args.warmup > 0:
                    drive(port, ep, seconds=args.warmup, concurrency=args.concurrency, max_requests=args.max_requests)
                phase = drive(
                    port, ep, seconds=args.duration, concurrency=args.concurrency, max_requests=args.max_requests, server_pid=proc.pid
                )
                phases[ep.name].append(phase)
                print(
                    f"  round {r + 1}: {ep.name:<32} {phase['requests'] / phase['seconds']:8.1f} req/s  "
                    f"p95 {percentile(phase['latencies_ms'], 95):7.2f} ms  errors {phase['errors']}",
                    flush=True,
                )
        # The target's measure: the server's own CPU per request, a fixed number of requests each.
        # /api/me: a trivial answer behind the same bearer-token authentication (tells authentication from pricing).
        # The refused quote: the route's floor (everything but pricing and the answer), not a target of its own.
        cpu_endpoints = [*endpoints, refused]
        print(f"server CPU: {args.cpu_requests:,} requests per endpoint, one at a time, {args.cpu_rounds} rounds", flush=True)
        cpu_phases: dict[str, list[dict[str, Any]]] = {ep.name: [] for ep in cpu_endpoints}
        # Untimed first: every worker serves every path before a round is timed (the first timed phase
        # otherwise pays the workers' first requests: health, timed first, read up to 0.95 ms instead of 0.6).
        warm_requests = max(200, args.cpu_requests // 5)
        for ep in cpu_endpoints:
            for _ in range(warm_requests):
                request(port, ep.method, ep.path, ep.body, ep.headers)
        for r in range(args.cpu_rounds):
            for ep in cpu_endpoints if r % 2 == 0 else list(reversed(cpu_endpoints)):
                request(port, ep.method, ep.path, ep.body, ep.headers)  # warm
                phase = cpu_phase(port, ep, requests=args.cpu_requests, server_pid=proc.pid)
                cpu_phases[ep.name].append(phase)
                print(
                    f"  round {r + 1}: {ep.name:<32} {phase['cpu_ms_per_request']:.3f} ms CPU/request  errors {phase['errors']}", flush=True
                )
        interleaved: dict[str, Any] = {}
        if args.interleaved_requests:
            print(
                f"server CPU, interleaved: {args.interleaved_requests:,} requests per endpoint in blocks of {args.interleaved_block}, "
                "timed by the server processes' CPU clocks",
                flush=True,
            )
            interleaved = interleaved_cpu(
                port, cpu_endpoints, requests=args.interleaved_requests, block=args.interleaved_block, server_pid=proc.pid
            )
            if not interleaved:
                print("  the server's CPU clocks are not readable here: skipped")
    finally:
        stop_server(proc)

    inprocess: dict[str, list[float]] = {}
    if args.inprocess_requests:
        print(f"in-process: {args.inprocess_requests:,} WSGI calls per endpoint, 3 rounds", flush=True)
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--inprocess", str(args.inprocess_requests), "--username", args.username],
            env=server_env(database_url),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if result.returncode:
            sys.exit(f"the in-process measure failed:\n{result.stdout}\n{result.stderr}")
        inprocess = json.loads(result.stdout.strip().splitlines()[-1])

    summary = {name: summarise(p) for name, p in phases.items() if p}
    if summary:
        base = summary[endpoints[0].name]
        for s in summary.values():
            s["rps_ratio"] = s["rps"] / base["rps"]
            s["p95_ratio"] = s["p95_ms"] / base["p95_ms"]
            # Against the trivial endpoint that pays for the same bearer-token authentication.
            s["rps_ratio_to_me"] = s["rps"] / summary[endpoints[1].name]["rps"]
        head = (
            f"{'endpoint':<32} {'requests':>9} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
            f" {'÷ health':>9} {'÷ me':>6} {'server CPU ms/req':>17} {'client CPU ms/req':>17}"
        )
        print(f"\n{server_label}; {args.concurrency} connections; {args.rounds} × {args.duration:g} s per endpoint; {os.cpu_count()} CPUs")
        print(head)
        print("-" * len(head))
        for name, s in summary.items():
            print(
                f"{name:<32} {s['requests']:9d} {s['errors']:6d} {s['rps']:8.1f} {s['p50_ms']:8.2f} {s['p95_ms']:8.2f} {s['p99_ms']:8.2f} "
                f"{s['max_ms']:8.2f} {s['rps_ratio']:9.2f} {s['rps_ratio_to_me']:6.2f} {_fmt_ms(s['server_cpu_ms_per_request']):>17}"
                f" {_fmt_ms(s['client_cpu_ms_per_request']):>17}"
            )
        for name in (endpoints[2].name, endpoints[3].name):
            print(f"{name}: throughput ratio {summary[name]['rps_ratio']:.2f} to health (flattered: the load generator shares the cores)")

    # The target: health's CPU per request ÷ the quote's, by the server's own CPU and in-process.
    server_cpu = {name: statistics.median(p["cpu_ms_per_request"] for p in ps) for name, ps in cpu_phases.items()}
    cpu_errors = sum(p["errors"] for ps in cpu_phases.values() for p in ps)
    health_cpu = server_cpu[endpoints[0].name]
    in_health = min(inprocess["health"]) if inprocess else None
    instructions: dict[str, int] = inprocess.get("instructions", {}) if inprocess else {}
    ratios: dict[str, dict[str, Any]] = {}
    print(
        f"\nCPU per request (target: health ÷ quote ≥ {TARGET_RATIO}); server: median of {args.cpu_rounds} rounds; in-process: best of 3;"
        " bytecodes: Python instructions of one in-process request (exact, not a time)"
    )
    print(f"{'endpoint':<32} {'server ms':>10} {'ratio':>6} {'in-process ms':>14} {'ratio':>6} {'bytecodes':>10} {'ratio':>6}")
    for name, key in zip((ep.name for ep in cpu_endpoints), ("health", "me", "free", "product", "refused"), strict=True):
        in_ms = min(inprocess[key]) if inprocess else None
        entry = {
            "server_cpu_ms_per_request": server_cpu[name],
            "server_cpu_rounds": [p["cpu_ms_per_request"] for p in cpu_phases[name]],
            "server_cpu_ratio": health_cpu / server_cpu[name],
            "inprocess_cpu_ms_per_request": in_ms,
            "inprocess_cpu_rounds": inprocess.get(key),
            "inprocess_cpu_ratio": None if in_ms is None else in_health / in_ms,
            "bytecodes_per_request": instructions.get(key),
            "bytecodes_ratio": instructions["health"] / instructions[key] if key in instructions else None,
        }
        ratios[key] = entry
        in_text = "n/a" if in_ms is None else f"{in_ms:14.3f} {entry['inprocess_cpu_ratio']:6.2f}"
        code_text = "" if key not in instructions else f" {instructions[key]:10,d} {entry['bytecodes_ratio']:6.2f}"
        print(f"{name:<32} {server_cpu[name]:10.3f} {entry['server_cpu_ratio']:6.2f} {in_text}{code_text}")
    # The same ratio round by round: health's phase and the quote's of one round run minutes apart at most, so
    # a change of load on the shared machine moves both; the median of those ratios is the steadier figure.
    # The target counts as met only when both figures reach it.
    for key, name in (("free", endpoints[2].name), ("product", endpoints[3].name)):
        health_rounds = cpu_phases[endpoints[0].name]
        paired = [h["cpu_ms_per_request"] / q["cpu_ms_per_request"] for h, q in zip(health_rounds, cpu_phases[name], strict=True)]
        ratios[key]["server_cpu_ratio_rounds"] = paired
        ratios[key]["server_cpu_ratio_paired_median"] = statistics.median(paired)
    # Interleaved: the endpoints' blocks alternate every few hundredths of a second, timed in ns.
    keys = dict(zip((ep.name for ep in cpu_endpoints), ("health", "me", "free", "product", "refused"), strict=True))
    if interleaved:
        per_request = interleaved["ms_per_request"]
        health_blocks = interleaved["blocks_ns"][endpoints[0].name]
        print(f"interleaved, blocks of {interleaved['block']} ({len(health_blocks)} per endpoint), by the server processes' CPU clocks:")
        for name, ms in per_request.items():
            entry = ratios[keys[name]]
            entry["interleaved_ms_per_request"] = ms
            entry["interleaved_ratio"] = per_request[endpoints[0].name] / ms
            paired = [h / q for h, q in zip(health_blocks, interleaved["blocks_ns"][name], strict=True) if q]
            entry["interleaved_ratio_blocks_median"] = statistics.median(paired)
            print(
                f"  {name:<32} {ms:7.3f} ms  ratio {entry['interleaved_ratio']:.2f} (totals), "
                f"{entry['interleaved_ratio_blocks_median']:.2f} (median of the cycles' ratios)"
            )
        cpu_errors += interleaved["errors"]

    def server_figures(key: str) -> list[float]:
        figures = [ratios[key]["server_cpu_ratio"], ratios[key]["server_cpu_ratio_paired_median"]]
        if interleaved:
            figures += [ratios[key]["interleaved_ratio"], ratios[key]["interleaved_ratio_blocks_median"]]
        return figures

    # The target counts as met only when every server-CPU figure reaches it.
    verdicts = {key: min(server_figures(key)) >= TARGET_RATIO for key in ("free", "product")}
    for key, ok in verdicts.items():
        in_ratio = ratios[key]["inprocess_cpu_ratio"]
        in_text = "" if in_ratio is None else f"; in-process {in_ratio:.2f} ({'≥' if in_ratio >= TARGET_RATIO else '<'} {TARGET_RATIO})"
        rounds_text = ", ".join(f"{r:.2f}" for r in ratios[key]["server_cpu_ratio_rounds"])
        inter_text = ""
        if interleaved:
            totals, cycles = ratios[key]["interleaved_ratio"], ratios[key]["interleaved_ratio_blocks_median"]
            inter_text = f", interleaved {totals:.2f} (totals) / {cycles:.2f} (cycles)"
        print(
            f"{key} quote: server-CPU ratio {ratios[key]['server_cpu_ratio']:.2f} (medians), "
            f"{ratios[key]['server_cpu_ratio_paired_median']:.2f} (median of the rounds' ratios: {rounds_text}){inter_text} — "
            f"target ≥ {TARGET_RATIO} {'met' if ok else 'NOT met'}{in_text}"
        )
    # What the target leaves for pricing: 0.7 allows a quote health ÷ 0.7 of server CPU; the refused quote is the
    # route without pricing and its answer, so the rest of that allowance is the pricing's budget.
    floor = ratios["refused"]
    budget = health_cpu / TARGET_RATIO - floor["server_cpu_ms_per_request"]
    pricing = {key: ratios[key]["server_cpu_ms_per_request"] - floor["server_cpu_ms_per_request"] for key in ("free", "product")}
    in_floor = floor["inprocess_cpu_ms_per_request"]
    in_text = "" if in_floor is None else f"; in-process {floor['inprocess_cpu_ratio']:.2f}"
    print(
        f"the quote route without pricing (refused before it): server-CPU ratio {floor['server_cpu_ratio']:.2f}{in_text}; "
        f"0.7 leaves pricing and the answer {budget:.3f} ms of server CPU; they take {pricing['free']:.3f} ms (free terms), "
        f"{pricing['product']:.3f} ms (product)"
    )
    ratios["pricing_budget_ms"] = budget
    ratios["pricing_ms"] = pricing
    if interleaved:
        inter = {key: ratios[key]["interleaved_ms_per_request"] for key in ("health", "free", "product", "refused")}
        inter_budget = inter["health"] / TARGET_RATIO - inter["refused"]
        print(
            f"  interleaved: without pricing {inter['health'] / inter['refused']:.2f}; 0.7 leaves {inter_budget:.3f} ms; pricing and the "
            f"answer take {inter['free'] - inter['refused']:.3f} ms (free terms), {inter['product'] - inter['refused']:.3f} ms (product)"
        )
        ratios["interleaved_pricing_budget_ms"] = inter_budget
        ratios["interleaved_pricing_ms"] = {key: inter[key] - inter["refused"] for key in ("free", "product")}
    if cpu_errors:
        print(f"{cpu_errors} errors during the CPU rounds: the figures are not valid")

    payload = {
        "benchmark": "quote_endpoint",
        "target_ratio": TARGET_RATIO,
        "server": server_label,
        "database": database_url.split("@")[-1],
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "warmup_s": args.warmup,
        "bodies": {"free_terms": FREE_TERMS, "product": PRODUCT},
        "python": platform.python_version(),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "results": summary,
        "cpu_requests": args.cpu_requests,
        "cpu_rounds": args.cpu_rounds,
        "inprocess_requests": args.inprocess_requests,
        "cpu_per_request": ratios,
        "interleaved_requests": args.interleaved_requests,
        "interleaved_block": args.interleaved_block,
    }
    Path(args.json).write_text(json.dumps(payload, indent=2))
    print(f"wrote {args.json}")
    return 0 if all(verdicts.values()) and not cpu_errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
