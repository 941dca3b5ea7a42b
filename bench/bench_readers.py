"""Readers during runs: how long `sanctrack query` waits while a run loads, against a read-snapshot design.

Usage:  .venv/bin/python bench/bench_readers.py [--docs 3000] [--lists-dir DIR | --no-lists] [--workdir DIR]

Design measured (the project's): a run holds DuckDB's write lock only for its writes; a reader that
meets it waits for the commit. A `sanctrack query` runs every 0.5 s (each a whole process) during
  news   `sanctrack run news DOCS` (generated documents, bench/corpus_gen.py) into a warehouse holding
         the lists of PRELOADED (so the run also links), then
  lists  `sanctrack run lists` of the next versions of the UK ConList and the OFAC SDN CSV,
and every query's wait is taken from its own report ("waited N s for the warehouse").

Design compared: a read snapshot. Readers would open a copy of the warehouse that the writer
replaces after each commit (copy, fsync, rename: readers never meet the lock). Its cost is that copy
after every commit (each list of a lists run commits), measured here on the warehouse the runs left,
beside the time the run held the lock.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.corpus_gen import generate_documents  # noqa: E402

SANCTRACK = str(Path(sys.executable).with_name("sanctrack"))
# Loaded before the runs: earlier versions of the UK ConList and the OFAC SDN (the lists run then
# brings their next versions), and the other lists.
PRELOADED = [
    "uk-ofsi-conlist/ConList_2022-05-04.xlsx",
    "uk-ofsi-conlist/ConList_2025-04-10.xlsx",
    "us-ofac/sdn-2021-07",
    "us-ofac/sdn_2024-02-20.csv",
    "us-ofac/consolidated_2022-03-24.xml",
    "un-sc/UN_consolidated_2026-02-27.xml",
    "eu-fsf/FSF_xml_1_1_2022-03-18_cut-to-complete-entities.xml",
]
WAITED = re.compile(r"waited ([0-9.]+) s for the warehouse")


class ReaderLoop:
    """`sanctrack query` every `every` seconds in a thread, each a process: (exit code, seconds waited)."""

    def __init__(self, db: Path, every: float = 0.5, env: dict | None = None) -> None:
        self.db, self.every, self.env = db, every, env
        self.answers: list[tuple[int, float]] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            done = subprocess.run([SANCTRACK, "--db", str(self.db), "query", "select count(*) from runs",
                                   "--format", "csv"], capture_output=True, text=True, timeout=180, env=self.env)
            waited = WAITED.search(done.stderr)
            if done.returncode != 0:
                self.failures.append(done.stderr[-500:])
            self.answers.append((done.returncode, float(waited[1]) if waited else 0.0))
            self._stop.wait(self.every)

    def __enter__(self) -> ReaderLoop:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=200)


def run_beside_readers(db: Path, command: list[str], env: dict | None = None
                       ) -> tuple[ReaderLoop, subprocess.CompletedProcess]:
    """Run a sanctrack command while a reader loop queries the same warehouse."""
    with ReaderLoop(db, env=env) as readers:
        time.sleep(1.0)  # the loop is answering before the run starts
        done = subprocess.run([SANCTRACK, "--verbose", "--db", str(db), *command], capture_output=True, text=True, timeout=900,
                              env=env)
        time.sleep(1.0)
    return readers, done


def held_for_writing(output: str) -> float:
    """The longest time the run held the warehouse for writing, from its `time per stage` line
    (printed with --verbose)."""
    return float(re.search(r"merge_longest ([0-9.]+)s", output)[1])


def snapshot_seconds(db: Path) -> float:
    """One snapshot of the read-snapshot design: copy the warehouse, fsync it, rename it into place."""
    started = time.perf_counter()
    partial = db.with_name(db.name + ".snapshot.part")
    shutil.copyfile(db, partial)
    with partial.open("rb+") as fh:
        os.fsync(fh.fileno())
    partial.replace(db.with_name(db.name + ".snapshot"))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--lists-dir", type=Path, default=REPO.parent / "shared" / "data" / "lists")
    parser.add_argument("--no-lists", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sanctrack-readers-"))
    env = {**os.environ, "SANCTRACK_DATA_DIR": str(work / "data")}
    env.pop("PREFECT_API_URL", None)
    db = work / "w.duckdb"
    subprocess.run([SANCTRACK, "--db", str(db), "run", "news", str(REPO / "seeds")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    uk = args.lists_dir / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx"
    ofac = args.lists_dir / "us-ofac" / "sdn_2024-02-23.csv"
    if not args.no_lists:  # the versions before the two the lists run below brings, and the other lists
        lists = [str(args.lists_dir / name) for name in PRELOADED]
        subprocess.run([SANCTRACK, "--db", str(db), "run", "lists", *lists], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    docs = work / "docs"
    docs.mkdir(exist_ok=True)
    for i, text in enumerate(generate_documents(args.docs, seed=11)):
        (docs / f"doc_{i:05d}.txt").write_text(text, encoding="utf-8")

    runs = {"news": ["run", "news", str(docs)], "lists": ["run", "lists", str(uk), str(ofac)]}
    print(f"{'run':8}{'wall s':>8}{'queries':>9}{'failed':>8}{'waited':>8}{'median wait':>13}{'max wait':>10}"
          f"{'lock held (longest)':>21}{'snapshot copy':>15}")
    for name, command in runs.items():
        started = time.perf_counter()
        readers, done = run_beside_readers(db, command, env)
        wall = time.perf_counter() - started - 2.0
        if done.returncode not in (0, 3):
            raise SystemExit(f"{name} failed:\n{done.stderr[-2000:]}")
        waits = [w for _, w in readers.answers]
        waited = [w for w in waits if w > 0]
        copies = [snapshot_seconds(db) for _ in range(5)]
        print(f"{name:8}{wall:8.1f}{len(waits):9d}{len(readers.failures):8d}{len(waited):8d}"
              f"{statistics.median(waited) if waited else 0.0:13.2f}{max(waits):10.2f}"
              f"{held_for_writing(done.stdout):21.2f}{statistics.median(copies):15.2f}")
    size = db.stat().st_size / 2**20
    print(f"\nwarehouse {size:,.0f} MiB; a snapshot design copies it after every commit "
          f"(median of 5 copies above), and needs that much disk again")
    if args.workdir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
