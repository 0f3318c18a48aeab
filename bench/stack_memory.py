"""Resident memory of the whole registry stack at rest: gunicorn (master and workers) and PostgreSQL.

The stack is started as ``bench/api_load.py`` starts it (``qadam serve`` on loopback, on a PostgreSQL
database the benchmark creates and drops itself), measured once it answers, then used (patients,
visits and assessments written over the API, a few seconds of submissions and timeline reads from
8 clients, so every worker has imported everything and holds its database connection) and measured
again after ``--rest`` seconds without requests.

What is counted (from ``/proc/<pid>/smaps_rollup``; run as the owner of both servers' processes, or
as root):

* **gunicorn**: the master and every worker. Workers are forked from a master that has loaded
  Django and the registry, so they share most pages with it; PSS (proportional set size: a page
  shared by n processes counts 1/n in each) adds up to what they take together, and RSS (each
  process's resident pages, shared ones counted in every process) is given beside it.
* **PostgreSQL backends**: the server processes serving the benchmark's database (one per open
  connection; connections are kept ``QADAM_DB_CONN_MAX_AGE`` seconds), PSS without shared memory.
* **PostgreSQL server**: the postmaster and its helper processes (checkpointer, background writer,
  WAL writer, launchers), PSS without shared memory, and the resident part of PostgreSQL's shared
  memory (the buffer cache and the rest; the sum of every PostgreSQL process's share, so counted once).
  This server may be shared with other databases: its shared memory is then an upper bound for the
  registry's part, capped by ``shared_buffers`` and the fixed areas.

The stack total is gunicorn's PSS + the backends + the PostgreSQL server, compared with issue 5's goal
(under 400 MB at rest).

Run from the repository root (about half a minute):

    .venv/bin/python bench/stack_memory.py
    .venv/bin/python bench/stack_memory.py --workers 3 --threads 4 --json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _support  # noqa: E402
import api_load  # noqa: E402  (the stack is started exactly as the load benchmark starts it)

GOAL_MB = 400
KIB = 1024


def rollup(pid: int) -> dict[str, int] | None:
    """The ``smaps_rollup`` figures of ``pid`` in kB (None for a process that has ended)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    figures = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        value = rest.split()
        if value and value[0].isdigit():
            figures[name] = int(value[0])
    return figures


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()[:80]
    except OSError:
        return "?"


def postgres_processes(url: str) -> tuple[list[int], list[int], list[int]]:
    """Backends of the benchmark's database, the postmaster with its helpers, and every other backend."""
    import psycopg

    admin, name = _support.postgres_names(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute("SELECT pid, datname, backend_type, pg_backend_pid() FROM pg_stat_activity").fetchall()
    own_query = rows[0][3] if rows else None
    ours = [pid for pid, datname, kind, _ in rows if datname == name and kind == "client backend"]
    helpers = [pid for pid, datname, kind, _ in rows if datname is None and kind != "client backend"]
    others = [pid for pid, datname, kind, _ in rows if pid not in ours and pid not in helpers and pid != own_query]
    if helpers:
        postmaster = int(Path(f"/proc/{helpers[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])
        helpers.insert(0, postmaster)
    return ours, helpers, others


def shared_memory_kb(pids: list[int]) -> int:
    """Resident shared memory of PostgreSQL: the PSS of its shared mappings summed over its processes
    (each resident page counted once in all)."""
    return sum((rollup(pid) or {}).get("Pss_Shmem", 0) for pid in pids)


def measure(server: api_load.Server, url: str) -> dict:
    gunicorn = {pid: rollup(pid) for pid in server.pids()}
    gunicorn = {pid: r for pid, r in gunicorn.items() if r}
    ours, helpers, others = postgres_processes(url)
    # Everything but the shared memory, which is counted once below.
    private = {pid: r for pid in ours + helpers if (r := rollup(pid))}

    def without_shmem(r: dict[str, int]) -> int:
        return r.get("Pss", 0) - r.get("Pss_Shmem", 0)

    shared = shared_memory_kb(helpers + ours + others)
    figures = {
        "gunicorn": {
            "processes": len(gunicorn),
            "rss_mb": sum(r["Rss"] for r in gunicorn.values()) / KIB,
            "pss_mb": sum(r["Pss"] for r in gunicorn.values()) / KIB,
            "each": [
                {"pid": pid, "what": process_name(pid), "rss_mb": r["Rss"] / KIB, "pss_mb": r["Pss"] / KIB}
                for pid, r in gunicorn.items()
            ],
        },
        "postgres_backends": {
            "processes": len(ours),
            "pss_mb": sum(without_shmem(private[p]) for p in ours if p in private) / KIB,
            "rss_mb": sum(private[p]["Rss"] for p in ours if p in private) / KIB,
        },
        "postgres_server": {
            "processes": len(helpers),
            "pss_mb": sum(without_shmem(private[p]) for p in helpers if p in private) / KIB,
            "shared_memory_mb": shared / KIB,
            "other_databases_backends": len(others),
        },
    }
    figures["total_mb"] = (
        figures["gunicorn"]["pss_mb"]
        + figures["postgres_backends"]["pss_mb"]
        + figures["postgres_server"]["pss_mb"]
        + figures["postgres_server"]["shared_memory_mb"]
    )
    figures["total_without_shared_memory_mb"] = figures["total_mb"] - figures["postgres_server"]["shared_memory_mb"]
    return figures


def use(server: api_load.Server, url: str, tokens: list[str], center: str, seconds: float) -> None:
    data = api_load.build_data(server.port, tokens, center, 8)
    bodies = api_load.hfmse_bodies()
    visits, patients = data["write_visits"], data["read_patients"]

    def submit(client: int, n: int):
        return "POST", f"/api/v1/visits/{visits[client][n % len(visits[client])]}/assessments", bodies[n % len(bodies)]

    def timeline(client: int, n: int):
        return "GET", f"/api/v1/patients/{patients[(client + n) % len(patients)]}/timeline", None

    for name, job in (("submit", submit), ("timeline", timeline)):
        api_load.run_phase(
            name, server.port, 8, tokens, job, count=10_000, seconds=seconds, warmup=2, server=server, database_url=url
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("QADAM_BENCH_DATABASE_URL", api_load.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: qadam serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: qadam serve's)")
    parser.add_argument("--use-seconds", type=float, default=3.0, help="seconds of load per kind of request")
    parser.add_argument("--rest", type=float, default=5.0, help="seconds without requests before measuring")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    say = (lambda text: print(text, file=sys.stderr, flush=True)) if options.json else print
    drop = _support.create_postgres_database(options.database_url)[0]
    server = None
    try:
        env = api_load.server_environment(options.database_url, None)
        say("Migrating …")
        api_load.qadam(env, "migrate", "--noinput")
        prepared = subprocess.run(
            [api_load.PYTHON, api_load.__file__, "--prepare-accounts", "--database-url", options.database_url],
            env=env, cwd=api_load.ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if prepared.returncode != 0:
            raise SystemExit(f"Preparing accounts failed:\n{prepared.stderr}")
        accounts = json.loads(prepared.stdout)
        server = api_load.Server.start(
            env, Path(tempfile.mkdtemp(prefix="qadam-memory-")) / "server.log", options.workers, options.threads
        )
        server.wait_ready(accounts["tokens"][0])
        time.sleep(options.rest)
        started = measure(server, options.database_url)
        say("Started; using it …")
        use(server, options.database_url, accounts["tokens"], accounts["center"], options.use_seconds)
        time.sleep(options.rest)
        rested = measure(server, options.database_url)
        report = {
            "workers": rested["gunicorn"]["processes"] - 1,
            "threads": options.threads or "default",
            "goal_mb": GOAL_MB,
            "just_started": started,
            "at_rest_after_use": rested,
        }
        _support.print_report(report, as_json=options.json, table=print_table)
        return 0
    finally:
        if server is not None:
            server.stop()
        drop()


def print_table(report: dict) -> None:
    print(f"\nqadam serve: {report['workers']} workers, threads {report['threads']}  (MB = MiB)")
    print(f"{'':<44}{'just started':>14}{'at rest, used':>15}")
    a, b = report["just_started"], report["at_rest_after_use"]
    rows = [
        ("gunicorn processes", lambda f: f["gunicorn"]["processes"], "d"),
        ("gunicorn PSS", lambda f: f["gunicorn"]["pss_mb"], ".1f"),
        ("gunicorn RSS (shared pages counted per process)", lambda f: f["gunicorn"]["rss_mb"], ".1f"),
        ("PostgreSQL backends of the database", lambda f: f["postgres_backends"]["processes"], "d"),
        ("backends PSS without shared memory", lambda f: f["postgres_backends"]["pss_mb"], ".1f"),
        ("PostgreSQL postmaster + helpers PSS", lambda f: f["postgres_server"]["pss_mb"], ".1f"),
        ("PostgreSQL shared memory resident", lambda f: f["postgres_server"]["shared_memory_mb"], ".1f"),
        ("stack total", lambda f: f["total_mb"], ".1f"),
        ("stack total without PostgreSQL shared memory", lambda f: f["total_without_shared_memory_mb"], ".1f"),
    ]
    for label, get, fmt in rows:
        print(f"{label:<48}{format(get(a), fmt):>10}{format(get(b), fmt):>15}")
    for process in b["gunicorn"]["each"]:
        print(f"  {process['pid']:>7}  RSS {process['rss_mb']:6.1f}  PSS {process['pss_mb']:6.1f}  {process['what']}")
    verdict = "under" if b["total_mb"] < report["goal_mb"] else "over"
    print(f"At rest after use: {b['total_mb']:.0f} MB, {verdict} the goal of {report['goal_mb']} MB.")


if __name__ == "__main__":
    sys.exit(main())
