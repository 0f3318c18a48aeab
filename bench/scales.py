"""Throughput and latency of ``qadam.scales.score``, validation included, in one process.

For each instrument: scorings per second over fixed time windows (best and median), the p50 / p99 latency of one
scoring, and the peak memory allocated while scoring (``tracemalloc``) beside the process's maximum
resident set size. Responses are complete administrations built from the instrument's own items
(``tests/scales/examples.py``: lowest, highest and mixed answers) with the example context,
cycled through in turn. An instrument that is not registered is skipped with a
message. Each instrument takes about 1.5 × ``--seconds`` plus a fraction of a second, so the run
is bounded in time whatever the machine.

Run from the repository root:

    .venv/bin/python bench/scales.py                      # HFMSE, NIHSS and GAS
    .venv/bin/python bench/scales.py --codes phq9 hads --seconds 1 --json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import sys
import time
import tracemalloc

import _support

from qadam import scales

DEFAULT_CODES = ("hfmse", "nihss", "gas")
GOAL = ("hfmse", 50_000)  # issue 2: at least 50,000 HFMSE scorings per second on one core
MIXED_CASES = 14
MEMORY_CALLS = 2_000


def build_cases(instrument, examples) -> tuple[list[tuple[dict, dict]], list[str]]:
    """Valid (responses, context) pairs: lowest, highest and random mixes; invalid mixes dropped."""
    context = examples.example_context(instrument)
    low = examples.full_responses(instrument, min)
    high = examples.full_responses(instrument, max)
    rng = random.Random(2)  # fixed seed: the same inputs on every run
    candidates = [low, high] + [
        {item_id: (low if rng.random() < 0.5 else high)[item_id] for item_id in high} for _ in range(MIXED_CASES)
    ]
    cases, problems = [], []
    for responses in candidates:
        try:
            scales.score(instrument.code, responses, context)
        except scales.ScaleError as error:
            problems.extend(error.messages("en"))
            continue
        cases.append((responses, context))
    return cases, problems


def throughput(code: str, cases, seconds: float) -> tuple[int, float]:
    """Scorings completed in about ``seconds`` of wall time, in batches to keep the clock cheap."""
    score = scales.score
    batch = [cases[i % len(cases)] for i in range(1_000)]
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for responses, context in batch:
            score(code, responses, context)
        done += len(batch)
        now = time.perf_counter()
        if now >= deadline:
            return done, now - start


def throughput_windows(code: str, cases, seconds: float, windows: int) -> list[float]:
    """Scorings per second in ``windows`` consecutive windows sharing ``seconds``.

    Other processes on the machine only ever slow a window down, so the best window is the figure
    least disturbed by them (the ``timeit`` convention); the median shows the typical one.
    """
    rates = []
    for _ in range(windows):
        done, elapsed = throughput(code, cases, seconds / windows)
        rates.append(done / elapsed)
    return rates


def latencies(code: str, cases, seconds: float, limit: int = 200_000) -> list[int]:
    """Nanoseconds of single scorings, one clock pair around each call."""
    score = scales.score
    clock = time.perf_counter_ns
    samples: list[int] = []
    deadline = clock() + int(seconds * 1e9)
    n = len(cases)
    i = 0
    while i < limit:
        responses, context = cases[i % n]
        t0 = clock()
        score(code, responses, context)
        t1 = clock()
        samples.append(t1 - t0)
        i += 1
        if t1 >= deadline:
            break
    return samples


def percentile(sorted_samples: list[int], fraction: float) -> float:
    index = min(len(sorted_samples) - 1, int(round(fraction * (len(sorted_samples) - 1))))
    return sorted_samples[index]


def peak_memory(code: str, cases, calls: int = MEMORY_CALLS) -> int:
    """Peak bytes allocated above the baseline while scoring ``calls`` times (results discarded)."""
    gc.collect()
    tracemalloc.start()
    try:
        for i in range(200):  # first traced calls allocate tracemalloc's own tables; leave them out
            responses, context = cases[i % len(cases)]
            scales.score(code, responses, context)
        gc.collect()
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        for i in range(calls):
            responses, context = cases[i % len(cases)]
            scales.score(code, responses, context)
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def max_rss_kib() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage // 1024 if sys.platform == "darwin" else usage  # bytes on macOS, KiB on Linux


def pin_to_one_core(cpu: int | None = None) -> int | None:
    """Run on a single CPU (the first allowed one unless named) so the figure is a one-core figure."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    if cpu is None:
        cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def load_average() -> float | None:
    """The 1-minute load average: above about 1 other work shares the CPU and the figures drop."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def measure(instrument, cases, seconds: float, windows: int) -> dict:
    code = instrument.code
    throughput(code, cases, min(0.3, seconds))  # warm-up: lookup tables, caches, branch history
    rates = sorted(throughput_windows(code, cases, seconds, windows))
    samples = sorted(latencies(code, cases, seconds / 2))
    return {
        "code": code,
        "items": len(instrument.items),
        "inputs": len(cases),
        "windows": windows,
        "per_second": round(rates[-1]),
        "median_per_second": round(rates[len(rates) // 2]),
        "p50_us": round(percentile(samples, 0.50) / 1000, 2),
        "p99_us": round(percentile(samples, 0.99) / 1000, 2),
        "latency_samples": len(samples),
        "peak_alloc_kib": round(peak_memory(code, cases) / 1024, 1),
    }


def print_table(rows: list[dict], out=sys.stdout) -> None:
    header = f"{'instrument':<12}{'items':>6}{'best /s':>10}{'median /s':>11}{'p50 µs':>9}{'p99 µs':>9}{'peak KiB':>10}"
    print(header, file=out)
    for row in rows:
        print(
            f"{row['code']:<12}{row['items']:>6}{row['per_second']:>10,}{row['median_per_second']:>11,}{row['p50_us']:>9.2f}"
            f"{row['p99_us']:>9.2f}{row['peak_alloc_kib']:>10.1f}",
            file=out,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--codes", nargs="+", default=list(DEFAULT_CODES), help="instrument codes (default: %(default)s)"
    )
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="throughput time per instrument (latency: half of it)"
    )
    parser.add_argument(
        "--windows", type=int, default=5, help="throughput windows within --seconds (best and median reported)"
    )
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: the first allowed one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.windows < 1:
        parser.error("--seconds must be positive and --windows at least 1")

    cpu = pin_to_one_core(args.cpu)
    load_before = load_average()
    examples = _support.load_examples()
    rows, skipped = [], []
    for code in args.codes:
        instrument = scales.INSTRUMENTS.get(code)
        if instrument is None:
            skipped.append({"code": code, "reason": "not registered yet"})
            continue
        cases, problems = build_cases(instrument, examples)
        if not cases:
            reason = "no example input scores: " + "; ".join(problems[:3])
            skipped.append({"code": code, "reason": reason})
            continue
        rows.append(measure(instrument, cases, args.seconds, args.windows))

    environment = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "cpus_available": os.cpu_count(),
        "pinned_cpu": cpu,
        "max_rss_kib": max_rss_kib(),
        "load_average_1min": {"before": load_before, "after": load_average()},
    }
    goal_code, goal_rate = GOAL
    goal_row = next((r for r in rows if r["code"] == goal_code), None)
    goal = None if goal_row is None else goal_row["per_second"] >= goal_rate
    if args.json:
        print(json.dumps({"environment": environment, "results": rows, "skipped": skipped, "goal_met": goal}, indent=2))
        return 0
    print(
        f"Python {environment['python']} on {environment['machine']}, pinned to CPU {cpu}; {args.seconds:g} s per instrument"
    )
    print_table(rows)
    for skip in skipped:
        print(f"skipped {skip['code']}: {skip['reason']}")
    print(f"process max RSS: {environment['max_rss_kib']:,} KiB")
    load = environment["load_average_1min"]
    print(f"1-minute load average: {load['before']} before, {load['after']} after", end="")
    busy = any(v is not None and v > 1.5 for v in load.values())
    print(" (other work was running: treat the figures as lower bounds)" if busy else "")
    if goal is not None:
        verdict = "met" if goal else "NOT met"
        print(
            f"goal ≥{goal_rate:,} {goal_code.upper()} scorings/s: {verdict} "
            f"(best window {goal_row['per_second']:,}/s, median {goal_row['median_per_second']:,}/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
