"""Benchmark: load every shipped list from scratch (parse, validate, load), then again unchanged.

Prints the time of each phase and the peak memory (max RSS) of the process.
Usage: .venv/bin/python bench/bench_lists.py [LISTS_DIR]   (default ../shared/data/lists)
"""

from __future__ import annotations

import logging
import resource
import sys
import tempfile
import time
from pathlib import Path

from sanctrack.flows.steps import run_lists
from sanctrack.settings import REPO_ROOT

# Oldest first within each list, so history moves forward (the UK ConList, then the FCDO list that
# replaced it; the OFAC SDN list, then its deltas; the Consolidated list in its two XML layouts); the
# truncated EU file is expected to fail. The CSV and the XML of one FCDO date are both loaded: the
# second of them changes nothing.
SHIPPED = [
    "uk-ofsi-conlist/ConList_2022-05-04.xlsx",
    "uk-ofsi-conlist/ConList_2025-04-10.xlsx",
    "uk-ofsi-conlist/ConList_2025-04-14.xlsx",
    "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-07.xml",
    "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-07.csv",
    "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-22.csv",
    "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-22.xml",
    "us-ofac/sdn-2021-07",
    "us-ofac/sdn_2024-02-20.csv",
    "us-ofac/sdn_2024-02-23.csv",
    "us-ofac/delta/SDN_DELTA_2025-01-13.xml",
    "us-ofac/delta/SDN_DELTA_2025-02-11.xml",
    "us-ofac/delta/SDN_DELTA_2025-02-13.xml",
    "us-ofac/consolidated_2022-03-24.xml",
    "us-ofac/CONS_ENHANCED_2024-07-03.xml",
    "us-ofac/CONS_ENHANCED_2026-01-08.xml",
    "un-sc/UN_consolidated_2026-02-27.xml",
    "eu-fsf/FSF_xml_1_1_2022-03-18_cut-to-complete-entities.xml",
    "eu-fsf/FSF_xml_1_1_2022-03-18_truncated.xml",
]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def helper_cpu_s() -> float:
    """CPU seconds of the finished child processes (the entity step's helper, sanctrack/entities/helper.py,
    and the sandboxed readers of spreadsheets)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def helper_rss_mb() -> float:
    """Peak resident memory of the largest finished child process."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    lists_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT.parent / "shared" / "data" / "lists"
    sources = [str(lists_dir / name) for name in SHIPPED]
    missing = [s for s in sources if not Path(s).exists()]
    if missing:
        sys.exit(f"missing list files: {missing}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        started, cpu = time.perf_counter(), time.process_time()
        cold = run_lists(sources, db)
        cold_s, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
        cold_rss, cold_helper_cpu = peak_rss_mb(), helper_cpu_s()
        started, cpu = time.perf_counter(), time.process_time()
        again = run_lists(sources, db)
        again_s, again_cpu = time.perf_counter() - started, time.process_time() - cpu
    for item in cold["sources"]:
        name = Path(item["source"]).name
        if item["status"] == "loaded":
            print(f"  {name:58} {item['designations']:>7,} designations  +{item['added']:,} ~{item['amended']:,} "
                  f"-{item['removed']:,}  quarantined {item['quarantined']:,}")
        else:
            print(f"  {name:58} {item['status']}: {item.get('error', item.get('reason', ''))[:90]}")
    unchanged = sum(1 for item in again["sources"] if item["status"] == "unchanged")
    # CPU time is shown too: on a shared machine the wall time depends on the neighbours.
    print(f"cold load:       {cold_s:6.2f} s wall, {cold_cpu:6.2f} s CPU + {cold_helper_cpu:.2f} s in child "
          f"processes  ({len(sources)} sources; peak RSS {cold_rss:,.0f} MB, largest child {helper_rss_mb():,.0f} MB)")
    stages = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in (cold.get("seconds") or {}).items())
    print(f"cold stages:     {stages}  (entities: the cross-list clustering of issue 16, in the same run)")
    print(f"unchanged rerun: {again_s:6.2f} s wall, {again_cpu:6.2f} s CPU  ({unchanged} unchanged, "
          f"{again_s / cold_s:.1%} of cold; peak RSS {peak_rss_mb():,.0f} MB)")


if __name__ == "__main__":
    main()
