"""Wall and CPU time, throughput and peak memory of ``qadam export research`` on an existing registry.

Runs the real command in a child process (so its peak resident memory is the command's own, read
with ``getrusage(RUSAGE_CHILDREN)``), once per ``--chunk-size`` given, exporting every instrument in
both formats into a temporary folder that is removed afterwards. Reads the counts from the
manifest. The registry is the one the environment names (``QADAM_DATA_DIR``/``--data-dir`` for
SQLite, ``QADAM_DATABASE_URL`` for PostgreSQL); the demo cohort is a convenient one:

    QADAM_DEMO=1 .venv/bin/python -m qadam --data-dir /tmp/qd demo --no-serve --patients 3000
    QADAM_DEMO=1 .venv/bin/python bench/research_export.py --data-dir /tmp/qd --user manager
    QADAM_DEMO=1 QADAM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qadam_x \\
        .venv/bin/python bench/research_export.py --user manager --chunk-size 500 --chunk-size 2000

Each run writes one audit entry (reason "benchmark"), as every export does. Bounded: one export
per chunk size, each stopped after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(args: argparse.Namespace, chunk_size: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="qadam-bench-research-") as folder:
        out = Path(folder) / "export"
        command = [sys.executable, "-m", "qadam"]
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        command += ["export", "research", "--out", str(out), "--user", args.user, "--reason", "benchmark"]
        command += ["--format", args.format, "--chunk-size", str(chunk_size)]
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=args.timeout)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        peak_kib = after.ru_maxrss
        manifest = json.loads((out / "manifest.json").read_text())
        size = sum(p.stat().st_size for p in out.iterdir())
    assessments = sum(manifest["assessments"].values())
    item_rows = sum(manifest["item_rows"].values())
    return {
        "chunk_size": chunk_size,
        "patients": manifest["patients"],
        "assessments": assessments,
        "item_rows": item_rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "assessments_per_s": round(assessments / seconds),
        "rows_per_cpu_s": round((assessments + item_rows) / cpu),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "peak_rss_is_this_run": peak_kib > usage.ru_maxrss,
        "output_mib": round(size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True, help="a registry manager of the registry")
    parser.add_argument("--data-dir", help="the SQLite registry's data folder (not with QADAM_DATABASE_URL)")
    parser.add_argument("--format", default="both", choices=("csv", "parquet", "both"))
    parser.add_argument("--chunk-size", type=int, action="append", help="repeatable; default 2000")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = [run_once(args, size) for size in (args.chunk_size or [2000])]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        "chunk  patients  assessments  item rows  seconds  CPU s  assessments/s  rows/CPU s  peak RSS MiB  output MiB"
    )
    for r in results:
        print(
            f"{r['chunk_size']:>5}  {r['patients']:>8}  {r['assessments']:>11}  {r['item_rows']:>9}  {r['seconds']:>7}"
            f"  {r['cpu_seconds']:>5}  {r['assessments_per_s']:>13}  {r['rows_per_cpu_s']:>10}  {r['peak_rss_mib']:>12}"
            f"  {r['output_mib']:>10}"
        )


if __name__ == "__main__":
    main()
