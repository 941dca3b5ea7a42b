"""Benchmark: entities across lists over every shipped list, cold and after one list update.

Builds a warehouse of every shipped list except the last FCDO UK publication (bench_lists.SHIPPED), then
measures, each in a fresh process on a fresh copy of that warehouse (time and the process's peak RSS):

- cold: every entry compared again (`recompute_entities(full=True)`: the name index rebuilt, every pair
  proposed, examined and decided, entities written);
- incremental: the FCDO UK Sanctions List of 22/08/2026 loaded (the real changes from 07/08/2026: 28
  amended designations), then `recompute_entities` (only the changed entries compared again).

Prints the median of the runs and the ratio incremental / cold (the issue asks for less than 10%).
Usage: .venv/bin/python bench/bench_entities.py [LISTS_DIR] [--runs N]   (default ../shared/data/lists, 3)
"""

from __future__ import annotations

import json
import logging
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_lists import SHIPPED
from sanctrack.settings import REPO_ROOT

UPDATE = ["uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-22.csv",
          "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-22.xml"]


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM): unlike getrusage's ru_maxrss, which a child started by
    fork and exec inherits from its parent, it belongs to this process alone."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(kind: str, db: Path, lists_dir: Path) -> dict:
    """One measurement, in this (fresh) process."""
    from sanctrack.lists import parse_list
    from sanctrack.lists.validate import validate_parsed
    from sanctrack.warehouse.db import connect, transaction
    from sanctrack.warehouse.entities import recompute_entities
    from sanctrack.warehouse.lists import load_list
    from sanctrack.warehouse.runs import Run

    con = connect(db)
    if kind == "incremental":
        parsed, quarantined = validate_parsed(parse_list(lists_dir / UPDATE[0]))
        with transaction(con):
            load_list(con, Run("lists", params={}), parsed, quarantined)
    rss_before = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(con):
        counts = recompute_entities(con, db, full=kind == "cold")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return {"seconds": seconds, "cpu": cpu, "peak_rss_mb": peak_rss_mb(), "rss_before_mb": rss_before,
            "counts": counts.as_dict() if counts else None}  # rss_before: after the update's load, if any


def measure(kind: str, base: Path, work_dir: Path, lists_dir: Path) -> dict:
    """Run a phase in a child process on a copy of the base warehouse (and of its saved name index)."""
    db = work_dir / "work.duckdb"
    for path in work_dir.glob("work.duckdb*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copy(base, db)
    index = base.with_name(base.name + ".entity-index")
    if index.is_dir():
        shutil.copytree(index, db.with_name(db.name + ".entity-index"))
    out = subprocess.run([sys.executable, "-m", "bench.bench_entities", "--phase", kind, str(db), str(lists_dir)],
                         check=True, capture_output=True, text=True, cwd=REPO_ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    args = sys.argv[1:]
    if args[:1] == ["--phase"]:
        print(json.dumps(phase(args[1], Path(args[2]), Path(args[3]))))
        return
    runs = 3
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at:at + 2]
    lists_dir = Path(args[0]) if args else REPO_ROOT.parent / "shared" / "data" / "lists"
    base_sources = [str(lists_dir / name) for name in SHIPPED if name not in UPDATE]
    missing = [s for s in base_sources + [str(lists_dir / UPDATE[0])] if not Path(s).exists()]
    if missing:
        sys.exit(f"missing list files: {missing}")
    from sanctrack.flows.lists import run_lists

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.duckdb"
        started = time.perf_counter()
        run_lists(base_sources, base)
        print(f"base warehouse: {len(base_sources)} list files loaded, entities computed, in "
              f"{time.perf_counter() - started:.0f} s")
        work = Path(tmp) / "work"
        work.mkdir()
        results = {"cold": [], "incremental": []}
        for _ in range(runs):  # interleaved, so that a busy spell of the shared machine hits both
            for kind in results:
                results[kind].append(measure(kind, base, work, lists_dir))
                r = results[kind][-1]
                print(f"  {kind:11} {r['seconds']:7.2f} s wall {r['cpu']:7.2f} s CPU  peak RSS {r['peak_rss_mb']:6.0f} MB"
                      f"  {r['counts']}")
    median = {kind: statistics.median(r["seconds"] for r in rs) for kind, rs in results.items()}
    median_cpu = {kind: statistics.median(r["cpu"] for r in rs) for kind, rs in results.items()}
    rss = {kind: max(r["peak_rss_mb"] for r in rs) for kind, rs in results.items()}
    cold = results["cold"][0]["counts"]
    print(f"cold (all {cold['entries']:,} entries; {cold['pairs_compared']:,} pairs compared, {cold['entities']:,} "
          f"entities): median {median['cold']:.2f} s wall, {median_cpu['cold']:.2f} s CPU; peak RSS {rss['cold']:,.0f} MB")
    inc = results["incremental"][0]["counts"]
    print(f"incremental (one UK update: {inc['entries_relinked']:,} entries relinked, {inc['pairs_compared']:,} pairs "
          f"compared): median {median['incremental']:.2f} s wall, {median_cpu['incremental']:.2f} s CPU; peak RSS "
          f"{rss['incremental']:,.0f} MB")
    print(f"incremental / cold: {median['incremental'] / median['cold']:.1%} wall, "
          f"{median_cpu['incremental'] / median_cpu['cold']:.1%} CPU  ({runs} runs each, medians)")


if __name__ == "__main__":
    main()
