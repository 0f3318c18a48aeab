"""Assessment submissions and patient timeline reads over HTTP, against the real server on PostgreSQL.

What runs where:

* **the server**: ``qadam serve`` (gunicorn, ``gthread`` workers) in a process of its own, on
  loopback, on a PostgreSQL database that this benchmark creates and drops itself
  (``--database-url``, default ``postgres://postgres@127.0.0.1:5432/qadam_bench_api``; a database
  that already exists is refused, so the benchmark never writes into one it did not create);
* **the data**: a center, clinicians with personal API tokens (created by a short Django process
  through the registry's services), then patients, visits and a history of assessments for the
  timeline reads, created over the API itself;
* **the load**: this process, with N client threads, each holding one keep-alive HTTP/1.1
  connection (``http.client``), sending its next request as soon as the previous answer arrived
  (a closed loop: N requests in flight at most).

Phases (each bounded: at most ``--count`` requests per client, none started after ``--seconds``):

* ``submit``: ``POST /api/v1/visits/{id}/assessments``, a complete HFMSE (33 items) with
  ``status: completed``: parsed, checked against the caller's center, scored with ``qadam.scales``,
  stored and audited (one ``create`` entry in the hash chain) in one transaction. Each client
  writes to visits of its own patients, as clinicians in a center do. At 1, 8 and 32 clients.
* ``timeline``: ``GET /api/v1/patients/{registry_id}/timeline`` (the record header and the first
  page of visits with their assessments; patients with 12 visits and 36 assessments). At 1 and 8
  clients.

Each phase starts with a short warm-up per client that is not counted. Printed per phase:
requests per second (completed requests over the phase's wall time), p50 / p95 / p99 / max latency
in ms (time to the whole answer), answers other than 2xx, and the CPU milliseconds per request spent
by the server's processes (gunicorn master and workers), by the PostgreSQL backends of the
benchmark's database and by this client process (``/proc``), which move much less than latency when
other work shares the machine; and, sampled every 100 ms from ``pg_stat_activity``, how many
backends were running a statement and how many of those were waiting for a lock ("busy/lock"; for
submissions that lock is the audit chain's single head row, which every audited write takes).
``--rounds R`` repeats every phase R times and gives the median of the rounds. The run ends with
``qadam audit verify`` over the chain it wrote.

Comparisons: ``--servers 2x4 4x1`` runs the phases against each gunicorn setting (workers x threads)
in turn, round after round; ``--source OLD/src`` serves another copy of the code (e.g. an older
commit's ``src``, unpacked with ``git archive``) with ``--read-path visits`` for code that has no
timeline yet (``GET …/visits`` lists the same visits and assessments).

Run from the repository root (about a minute with the defaults):

    .venv/bin/python bench/api_load.py
    .venv/bin/python bench/api_load.py --rounds 3 --seconds 8 --json > figures.json
    .venv/bin/python bench/api_load.py --workers 3 --threads 2 --submit-clients 8 --read-clients

Only the standard library is used on the client side (no extra HTTP package). Tokens are sent in
``Authorization: Bearer``; the server keeps its normal settings (access log included, discarded).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import _support

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/qadam_bench_api"
INSTRUMENT = "hfmse"
HISTORY_INSTRUMENTS = {"hfmse": {}, "rulm": {"side": "R"}, "phq9": {}}  # code -> context
HISTORY_VISITS = 12
READ_PATIENTS = 16
WRITE_PATIENTS_PER_CLIENT = 2
USERS = 8
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- database and server


def backend_pids(url: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to the benchmark's database (this query's excluded)."""
    import psycopg

    admin, name = _support.postgres_names(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        ).fetchall()
    return [row[0] for row in rows]


def server_environment(url: str, conn_max_age: int | None, source: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "QADAM_DATABASE_URL": url,
        "QADAM_SECRET_KEY": secrets.token_urlsafe(40),
        "QADAM_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PYTEST_VERSION", None)
    if conn_max_age is not None:
        env["QADAM_DB_CONN_MAX_AGE"] = str(conn_max_age)
    if source:
        # Another copy of the registry's code (e.g. an older commit's ``src``) ahead of the installed one.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH", "")]))
    return env


def qadam(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "qadam", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise SystemExit(f"qadam {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """``qadam serve`` in a process of its own; its gunicorn master is that process."""

    process: subprocess.Popen
    port: int
    log: Path

    @classmethod
    def start(cls, env: dict[str, str], log: Path, workers: int | None = None, threads: int | None = None) -> Server:
        """Start ``qadam serve`` on a free loopback port (``qadam serve``'s defaults unless given)."""
        port = free_port()
        command = [PYTHON, "-m", "qadam", "serve", "--host", "127.0.0.1", "--port", str(port)]
        if workers is not None:
            command += ["--workers", str(workers)]
        if threads is not None:
            command += ["--threads", str(threads)]
        with log.open("wb") as errors:
            # The access log (one line per request on standard output) is discarded.
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
        return cls(process, port, log)

    def wait_ready(self, token: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"The server stopped while starting:\n{self.log.read_text()[-3000:]}")
            try:
                status, _ = request_once(self.port, "GET", "/api/v1/me", token)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"The server did not answer within {timeout:.0f} s:\n{self.log.read_text()[-3000:]}")

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes (those that have ended are skipped)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def load_average() -> float:
    return os.getloadavg()[0]


# --------------------------------------------------------------------------- preparing the data


def prepare_accounts(url: str, users: int) -> None:
    """(Run in a child process with Django.) A center, clinicians and one token each; prints JSON."""
    os.environ["QADAM_DATABASE_URL"] = url
    _support.setup_django()
    from qadam.api.services import token_create
    from qadam.centers.models import Role
    from qadam.centers.services import center_create, membership_grant, user_create

    center = center_create(code="bench-api", name="Bench API", region="almaty", city="Almaty", kind="city")
    tokens = []
    for number in range(users):
        user = user_create(username=f"bench-api-{number}", password=secrets.token_urlsafe(24))
        membership_grant(user=user, center=center, role=Role.CLINICIAN)
        tokens.append(token_create(by=None, user=user, name="api load benchmark").secret)
    json.dump({"center": center.code, "tokens": tokens}, sys.stdout)


def hfmse_bodies(variants: int = 16) -> list[bytes]:
    """Complete HFMSE administrations (33 items; fixed seed), as JSON request bodies."""
    import random

    from qadam import scales

    instrument = scales.get(INSTRUMENT)
    rng = random.Random(5)
    bodies = []
    for _ in range(variants):
        responses = {}
        for item in instrument.items:
            scored = [c for c in item.choices if c.points is not None]
            responses[item.id] = rng.choice(scored).code
        bodies.append(json.dumps({"instrument": INSTRUMENT, "responses": responses, "status": "completed"}).encode())
    return bodies


def complete_body(code: str, context: dict) -> bytes:
    from qadam import scales

    responses = {}
    for item in scales.get(code).items:
        scored = [c for c in item.choices if c.points is not None]
        if scored:
            responses[item.id] = scored[len(scored) // 2].code
        elif item.required:
            responses[item.id] = item.minimum if item.minimum is not None else 0
    body = {"instrument": code, "responses": responses, "context": context, "status": "completed"}
    return json.dumps(body).encode()


# --------------------------------------------------------------------------- HTTP


def request_once(port: int, method: str, path: str, token: str, body: bytes | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        return send(conn, method, path, token, body)
    finally:
        conn.close()


def send(conn: http.client.HTTPConnection, method: str, path: str, token: str, body: bytes | None = None):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def must(status: int, content: bytes, expected: int) -> dict:
    if status != expected:
        raise SystemExit(f"Expected {expected}, got {status}: {content[:500]!r}")
    return json.loads(content)


def build_data(port: int, tokens: list[str], center: str, writers: int) -> dict:
    """Patients and visits over the API: two per writing client, and patients with a history to read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    history_bodies = [complete_body(code, context) for code, context in HISTORY_INSTRUMENTS.items()]

    def patient(token: str, number: int) -> str:
        body = {
            "center": center,
            "birth_date": f"{2008 + number % 10}-0{1 + number % 9}-1{number % 10}",
            "sex": "female",
        }
        return must(*send(conn, "POST", "/api/v1/patients", token, json.dumps(body).encode()), 201)["registry_id"]

    def visit(token: str, registry_id: str, day: datetime.date) -> int:
        body = json.dumps({"visit_date": day.isoformat(), "kind": "routine"}).encode()
        return must(*send(conn, "POST", f"/api/v1/patients/{registry_id}/visits", token, body), 201)["id"]

    write_visits: list[list[int]] = []
    for client in range(writers):
        token = tokens[client % len(tokens)]
        visits = [
            visit(token, patient(token, client * 10 + n), datetime.date(2026, 3, 2))
            for n in range(WRITE_PATIENTS_PER_CLIENT)
        ]
        write_visits.append(visits)
    read_patients = []
    for number in range(READ_PATIENTS):
        token = tokens[number % len(tokens)]
        registry_id = patient(token, 1000 + number)
        for month in range(HISTORY_VISITS):
            visit_id = visit(token, registry_id, datetime.date(2025, 1 + month, 3))
            for body in history_bodies:
                must(*send(conn, "POST", f"/api/v1/visits/{visit_id}/assessments", token, body), 201)
        read_patients.append(registry_id)
    conn.close()
    return {"write_visits": write_visits, "read_patients": read_patients}


# --------------------------------------------------------------------------- load


@dataclass
class PhaseResult:
    name: str
    clients: int
    requests: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    failures: dict[int, int]
    cpu_server_ms: float
    cpu_database_ms: float
    cpu_client_ms: float
    load_before: float
    load_after: float
    lock_waiting: float = 0.0
    active: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        position = q * (len(values) - 1)
        low = int(position)
        high = min(low + 1, len(values) - 1)
        return values[low] + (values[high] - values[low]) * (position - low)

    def summary(self) -> dict:
        return {
            "phase": self.name,
            "clients": self.clients,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.rate, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p95_ms": round(self.percentile(0.95), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 2),
            "failures": {str(k): v for k, v in sorted(self.failures.items())},
            "cpu_ms_per_request": {
                "server": round(self.cpu_server_ms, 2),
                "database": round(self.cpu_database_ms, 2),
                "client": round(self.cpu_client_ms, 2),
            },
            "load_before": round(self.load_before, 2),
            "load_after": round(self.load_after, 2),
            "backends_active": round(self.active, 2),
            "backends_waiting_for_a_lock": round(self.lock_waiting, 2),
        }


Job = Callable[[int, int], tuple[str, str, bytes | None]]  # (client, n) -> method, path, body


def run_phase(
    name: str,
    port: int,
    clients: int,
    tokens: list[str],
    job: Job,
    *,
    count: int,
    seconds: float,
    warmup: int,
    server: Server,
    database_url: str,
) -> PhaseResult:
    """``clients`` threads, one keep-alive connection each, closed loop; warm-up requests not counted."""
    ready = threading.Barrier(clients + 1)
    go = threading.Event()
    results: list[tuple[list[float], dict[int, int], float]] = [([], {}, 0.0)] * clients

    def client(index: int) -> None:
        token = tokens[index % len(tokens)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies: list[float] = []
        failures: dict[int, int] = {}
        for n in range(warmup):
            send(conn, *_args(job(index, n), token))
        ready.wait()
        go.wait()
        deadline = started_at[0] + seconds
        finished = time.perf_counter()
        for n in range(warmup, warmup + count):
            method, path, body = job(index, n)
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            try:
                status, _content = send(conn, method, path, token, body)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            finished = time.perf_counter()
            latencies.append((finished - t0) * 1000)
            if not 200 <= status < 300:
                failures[status] = failures.get(status, 0) + 1
        conn.close()
        results[index] = (latencies, failures, finished)

    started_at = [0.0]
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    pids_server, pids_database = server.pids(), backend_pids(database_url)
    load_before = load_average()
    cpu_server, cpu_database = cpu_seconds(pids_server), cpu_seconds(pids_database)
    cpu_client = time.process_time()
    sampler = LockSampler(database_url)
    started_at[0] = time.perf_counter()
    go.set()
    sampler.start()
    for thread in threads:
        thread.join()
    sampler.stop()
    ended = max(r[2] for r in results)
    cpu_client = time.process_time() - cpu_client
    cpu_server = cpu_seconds(pids_server) - cpu_server
    cpu_database = cpu_seconds(pids_database) - cpu_database
    latencies = [value for r in results for value in r[0]]
    failures: dict[int, int] = {}
    for r in results:
        for status, number in r[1].items():
            failures[status] = failures.get(status, 0) + number
    done = len(latencies)
    per = 1000 / done if done else 0.0
    return PhaseResult(
        name=name,
        clients=clients,
        requests=done,
        seconds=ended - started_at[0],
        latencies_ms=latencies,
        failures=failures,
        cpu_server_ms=cpu_server * per,
        cpu_database_ms=cpu_database * per,
        cpu_client_ms=cpu_client * per,
        load_before=load_before,
        load_after=load_average(),
        lock_waiting=sampler.mean_waiting,
        active=sampler.mean_active,
    )


class LockSampler(threading.Thread):
    """Every 100 ms during a phase: how many backends of the database run a statement, and how many
    of them wait for a lock (in these writes, nearly always the audit chain's head row)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[tuple[int, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        import psycopg

        admin, name = _support.postgres_names(self.url)
        with psycopg.connect(admin, autocommit=True) as conn:
            while not self.done.wait(0.1):
                row = conn.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'),"
                    " count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')"
                    " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                ).fetchone()
                self.samples.append((row[0], row[1]))

    def stop(self) -> None:
        self.done.set()
        self.join()

    @property
    def mean_active(self) -> float:
        return statistics.fmean(a for a, _ in self.samples) if self.samples else 0.0

    @property
    def mean_waiting(self) -> float:
        return statistics.fmean(w for _, w in self.samples) if self.samples else 0.0


def _args(step: tuple[str, str, bytes | None], token: str):
    method, path, body = step
    return method, path, token, body


def median_summary(rounds: list[PhaseResult]) -> dict:
    """The median of each figure over the rounds of one phase (each round's figures kept too)."""
    summaries = [r.summary() for r in rounds]
    first = summaries[0]
    merged = {"phase": first["phase"], "clients": first["clients"], "rounds": len(rounds)}
    for key in (
        "requests", "per_second", "p50_ms", "p95_ms", "p99_ms", "max_ms", "load_before", "load_after",
        "backends_active", "backends_waiting_for_a_lock",
    ):  # fmt: skip
        merged[key] = round(statistics.median(s[key] for s in summaries), 2)
    merged["cpu_ms_per_request"] = {
        part: round(statistics.median(s["cpu_ms_per_request"][part] for s in summaries), 2)
        for part in ("server", "database", "client")
    }
    failures: dict[str, int] = {}
    for s in summaries:
        for status, number in s["failures"].items():
            failures[status] = failures.get(status, 0) + number
    merged["failures"] = failures
    merged["each_round"] = [{k: s[k] for k in ("per_second", "p50_ms", "p95_ms", "p99_ms")} for s in summaries]
    return merged


# --------------------------------------------------------------------------- main


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("QADAM_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: qadam serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: qadam serve's)")
    parser.add_argument("--conn-max-age", type=int, default=None, help="QADAM_DB_CONN_MAX_AGE for the server")
    parser.add_argument("--submit-clients", type=int, nargs="*", default=[1, 8, 32])
    parser.add_argument("--read-clients", type=int, nargs="*", default=[1, 8])
    parser.add_argument("--seconds", type=float, default=6.0, help="longest time of one phase (default 6)")
    parser.add_argument("--count", type=int, default=3000, help="most requests per client and phase (default 3000)")
    parser.add_argument("--warmup", type=int, default=5, help="uncounted requests per client first (default 5)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat every phase, report medians (default 1)")
    parser.add_argument(
        "--servers", nargs="*", default=[], metavar="WxT",
        help="compare server settings, e.g. --servers 2x4 4x1 (workers x threads), measured alternately",
    )  # fmt: skip
    parser.add_argument(
        "--read-path", choices=("timeline", "visits"), default="timeline",
        help="what the read phase asks for: the timeline (default) or the visit list, which older code offers",
    )  # fmt: skip
    parser.add_argument("--source", help="serve the code of this src folder instead of the installed one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--prepare-accounts", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def server_configurations(options: argparse.Namespace) -> list[tuple[int | None, int | None]]:
    """``--servers 2x4 4x1`` (workers x threads), else ``--workers`` / ``--threads`` (or serve's defaults)."""
    if not options.servers:
        return [(options.workers, options.threads)]
    configurations = []
    for text in options.servers:
        workers, _, threads = text.partition("x")
        if not (workers.isdigit() and threads.isdigit() and int(workers) > 0 and int(threads) > 0):
            raise SystemExit(f"--servers takes WORKERSxTHREADS, e.g. 2x4. Got {text!r}.")
        configurations.append((int(workers), int(threads)))
    return configurations


def label(workers: int | None, threads: int | None) -> str:
    """``2x4``; ``serve`` for ``qadam serve``'s own defaults."""
    return "serve" if workers is None and threads is None else f"{workers or 'd'}x{threads or 'd'}"


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    if options.prepare_accounts:
        prepare_accounts(options.database_url, USERS)
        return 0
    say = (lambda text: print(text, file=sys.stderr, flush=True)) if options.json else print
    configurations = server_configurations(options)
    drop = _support.create_postgres_database(options.database_url)[0]
    server = None
    workdir = Path(tempfile.mkdtemp(prefix="qadam-api-load-"))
    try:
        env = server_environment(options.database_url, options.conn_max_age, options.source)
        say(f"Database {_support.postgres_names(options.database_url)[1]}: migrating …")
        qadam(env, "migrate", "--noinput")
        prepared = subprocess.run(
            [PYTHON, __file__, "--prepare-accounts", "--database-url", options.database_url],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if prepared.returncode != 0:
            raise SystemExit(f"Preparing accounts failed:\n{prepared.stderr}")
        accounts = json.loads(prepared.stdout)
        tokens = accounts["tokens"]
        bodies = hfmse_bodies()
        data: dict = {}

        def submit(client: int, n: int):
            visits = data["write_visits"][client]
            return "POST", f"/api/v1/visits/{visits[n % len(visits)]}/assessments", bodies[(client + n) % len(bodies)]

        def timeline(client: int, n: int):
            patients = data["read_patients"]
            return "GET", f"/api/v1/patients/{patients[(client + n) % len(patients)]}/{options.read_path}", None

        phases = [("submit", c, submit) for c in options.submit_clients]
        phases += [("timeline", c, timeline) for c in options.read_clients]
        results: dict[tuple[str, str, int], list[PhaseResult]] = {}
        processes: dict[str, int] = {}
        # Rounds outside, configurations inside: configurations compared are measured alternately.
        for round_number in range(1, options.rounds + 1):
            for workers, threads in configurations:
                name = label(workers, threads)
                server = Server.start(env, workdir / f"server-{name}.log", workers, threads)
                server.wait_ready(tokens[0])
                say(f"Round {round_number}, server {name} on port {server.port}")
                if not data:
                    say("  preparing patients, visits and histories over the API …")
                    data.update(build_data(server.port, tokens, accounts["center"], max([*options.submit_clients, 1])))
                for phase, clients, job in phases:
                    result = run_phase(
                        phase, server.port, clients, tokens, job,
                        count=options.count, seconds=options.seconds, warmup=options.warmup,
                        server=server, database_url=options.database_url,
                    )  # fmt: skip
                    results.setdefault((name, phase, clients), []).append(result)
                    r = result.summary()
                    cpu = r["cpu_ms_per_request"]
                    say(
                        f"  {phase:<8} {clients:>3} clients: {r['per_second']:>7.1f}/s  p50 {r['p50_ms']:.1f}  "
                        f"p95 {r['p95_ms']:.1f}  p99 {r['p99_ms']:.1f} ms  failures {r['failures'] or 0}  "
                        f"CPU ms/req server {cpu['server']:.2f} db {cpu['database']:.2f} client {cpu['client']:.2f}  "
                        f"load {r['load_before']:.2f}  backends active {r['backends_active']:.1f}, "
                        f"waiting for a lock {r['backends_waiting_for_a_lock']:.1f}"
                    )
                # Counted after the load: gunicorn forks its workers while it already answers.
                processes[name] = len(children(server.process.pid))
                server.stop()
                server = None
        verdict = qadam(env, "audit", "verify").strip().splitlines()
        report = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
            "conn_max_age": options.conn_max_age,
            "instrument": INSTRUMENT,
            "seconds": options.seconds,
            "count": options.count,
            "rounds": options.rounds,
            "servers": [
                {
                    "server": label(w, t),
                    "worker_processes": processes[label(w, t)],
                    "phases": [median_summary(results[(label(w, t), p, c)]) for p, c, _ in phases],
                }
                for w, t in configurations
            ],
            "audit_verify": verdict[-1] if verdict else "",
        }
        _support.print_report(report, as_json=options.json, table=print_table)
        return 0
    finally:
        if server is not None:
            server.stop()
        drop()


def print_table(report: dict) -> None:
    print()
    print(
        f"{report['machine']['cpus']} CPUs, Python {report['machine']['python']}; "
        f"{report['rounds']} round(s), medians; HFMSE submissions and timeline pages"
    )
    print(
        f"{'server':<10}{'phase':<9}{'clients':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'fail':>6}{'CPU ms/req srv+db':>19}{'busy/lock':>11}{'load':>7}"
    )
    for server in report["servers"]:
        for p in server["phases"]:
            cpu = p["cpu_ms_per_request"]
            print(
                f"{server['server'] + ' ' + str(server['worker_processes']) + 'w':<10}{p['phase']:<9}{p['clients']:>8}{p['per_second']:>9.1f}{p['p50_ms']:>9.1f}"
                f"{p['p95_ms']:>9.1f}{p['p99_ms']:>9.1f}{p['max_ms']:>9.1f}{sum(p['failures'].values()):>6}"
                f"{cpu['server']:>11.2f}+{cpu['database']:<7.2f}"
                f"{p['backends_active']:>6.1f}/{p['backends_waiting_for_a_lock']:<4.1f}{p['load_before']:>7.2f}"
            )
    print(f"audit: {report['audit_verify']}")


if __name__ == "__main__":
    sys.exit(main())
