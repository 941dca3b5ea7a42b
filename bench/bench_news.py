"""The news flow at scale: 10,000 documents cold, the same again unchanged, against the bare cost.

Usage:  .venv/bin/python bench/bench_news.py [--docs 10000] [--small-docs 1000] [--workdir DIR]
                                             [--lists-dir DIR | --no-lists]

Documents (about 3 KB each) come from bench/corpus_gen.py, the generator of the extraction
benchmark (sanctions sentences, filler and noise written for it; seeded, so every run is alike).
Every figure is one whole process, measured from outside:
  fixed     `sanctrack run news EMPTY_DIR`: Prefect's fixed start-up cost (temporary API server,
            imports, flow and task bookkeeping) with no documents
  cold      `sanctrack run news DOCS` into a fresh warehouse
  unchanged the same command again: every document is read, hashed and skipped
  bare      the same work without Prefect: `sanctrack extract DOCS --format jsonl` plus one bulk
            load of documents and mentions into a fresh DuckDB file
and `cold` again over the small set, to show that peak memory does not grow with the documents.
Peak memory is the largest resident set of any process of the command (GNU time's %M).
Stage times come from the run's own record (runs.counts.seconds).

With every shipped list loaded first (the default when ../shared/data/lists is there: the files of
bench/bench_lists.py, by `sanctrack run lists`, which also saves the index the links are made with),
each news run starts from a copy of that warehouse, so the mentions are linked to the lists as
analysts' runs are: the link stage is compared with the extraction's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.bench_lists import SHIPPED  # noqa: E402
from bench.corpus_gen import generate_documents  # noqa: E402

SANCTRACK = str(Path(sys.executable).with_name("sanctrack"))

BULK_LOAD = """
import sys, duckdb
docs_dir, jsonl, db = sys.argv[1:4]
con = duckdb.connect(db)
con.execute("create table documents as select filename as source_uri, sha256(content) as document_id, content as text "
            "from read_text(?)", [docs_dir + '/*.txt'])
con.execute("create table mentions as select * from read_json(?, format='newline_delimited')", [jsonl])
print(con.execute("select (select count(*) from documents), (select count(*) from mentions)").fetchone())
"""


def write_documents(folder: Path, n: int, seed: int = 7) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for i, text in enumerate(generate_documents(n, seed)):
        path = folder / f"doc_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        size += path.stat().st_size
    return size


def measure(command: list[str], env: dict, stdout=subprocess.DEVNULL) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of a command and its children."""
    started = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, stdout=stdout,
                            stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return wall, peak_kb // 1024


def from_lists(lists_db: Path | None, db: Path) -> Path:
    """A fresh warehouse at `db`: a copy of the one holding the lists (with its saved index), or none."""
    if lists_db is not None:
        shutil.copy(lists_db, db)
        index = lists_db.with_name(lists_db.name + ".screen-index")
        if index.exists():
            shutil.copytree(index, db.with_name(db.name + ".screen-index"))
    return db


def last_run_seconds(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    (counts,) = con.execute("select counts from runs order by started_at desc limit 1").fetchone()
    con.close()
    return json.loads(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--small-docs", type=int, default=1_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--lists-dir", type=Path, default=REPO.parent / "shared" / "data" / "lists")
    parser.add_argument("--no-lists", action="store_true", help="Measure on a warehouse with no list loaded.")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sanctrack-bench-"))
    env = {**os.environ, "SANCTRACK_DATA_DIR": str(work / "data")}
    env.pop("SANCTRACK_DB", None)

    big, small, empty = work / f"docs_{args.docs}", work / f"docs_{args.small_docs}", work / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    size = write_documents(big, args.docs)
    write_documents(small, args.small_docs)
    print(f"{args.docs:,} documents, {size / 1e6:.1f} MB, in {big}")

    lists_db = None
    if not args.no_lists:
        lists = [str(args.lists_dir / name) for name in SHIPPED if "truncated" not in name]
        if missing := [name for name in lists if not Path(name).exists()]:
            raise SystemExit(f"missing list files (or pass --no-lists): {missing}")
        lists_db = work / "lists.duckdb"
        started = time.perf_counter()
        subprocess.run([SANCTRACK, "--db", str(lists_db), "run", "lists", *lists], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        # A warehouse in use holds mentions too: the seed article's run links them, which builds and
        # saves the index the links are made with (as the first run after a lists change does).
        subprocess.run([SANCTRACK, "--db", str(lists_db), "run", "news", str(REPO / "seeds")], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"every shipped list loaded ({len(lists)} files), then the seed article, in "
              f"{time.perf_counter() - started:.1f} s")

    measure([SANCTRACK, "--db", str(from_lists(lists_db, work / "warm.duckdb")), "run", "news", str(empty)], env)
    fixed, fixed_mem = measure([SANCTRACK, "--db", str(from_lists(lists_db, work / "fixed.duckdb")), "run", "news",
                                str(empty)], env)
    db = from_lists(lists_db, work / "cold.duckdb")
    cold, cold_mem = measure([SANCTRACK, "--db", str(db), "run", "news", str(big)], env)
    cold_stages = last_run_seconds(db)
    again, again_mem = measure([SANCTRACK, "--db", str(db), "run", "news", str(big)], env)
    again_stages = last_run_seconds(db)
    small_db = from_lists(lists_db, work / "small.duckdb")
    _, small_mem = measure([SANCTRACK, "--db", str(small_db), "run", "news", str(small)], env)
    small_stages = last_run_seconds(small_db)

    jsonl = work / "mentions.jsonl"
    with jsonl.open("w") as out:
        extract_s, extract_mem = measure([SANCTRACK, "extract", str(big), "--format", "jsonl"], env, stdout=out)
    load_s, load_mem = measure([sys.executable, "-c", BULK_LOAD, str(big), str(jsonl), str(work / "bare.duckdb")], env)
    bare = extract_s + load_s

    def stages(counts: dict) -> str:
        return ", ".join(f"{k} {v:.2f}s" for k, v in counts["seconds"].items())

    print(f"\n{'':28}{'wall s':>9}{'peak MB':>9}")
    print(f"{'fixed (empty folder)':28}{fixed:9.2f}{fixed_mem:9d}")
    print(f"{'cold flow':28}{cold:9.2f}{cold_mem:9d}   {stages(cold_stages)}")
    print(f"{'unchanged re-run':28}{again:9.2f}{again_mem:9d}   {stages(again_stages)}")
    print(f"{'bare: extract + bulk load':28}{bare:9.2f}{max(extract_mem, load_mem):9d}   "
          f"extract {extract_s:.2f}s, load {load_s:.2f}s")
    print(f"{'cold flow, ' + format(args.small_docs, ',') + ' docs':28}{'':9}{small_mem:9d}   {stages(small_stages)}")
    print()
    budget = 1.5 * bare + fixed
    print(f"cold flow / (1.5 x bare + fixed) = {cold / budget:.2f}   (goal <= 1.00)")
    print(f"(re-run - fixed) / cold          = {(again - fixed) / cold:.3f}  (goal < 0.10)")
    print(f"peak memory {args.small_docs:,} -> {args.docs:,} docs: {small_mem} -> {cold_mem} MB "
          f"(ratio {cold_mem / small_mem:.2f})")
    print(f"documents/s in the cold flow, less the fixed cost: {args.docs / max(cold - fixed, 1e-9):,.0f}")
    seconds = cold_stages["seconds"]
    print(f"link / extract in the cold flow ({'every shipped list loaded' if lists_db else 'no list loaded'}): "
          f"{seconds.get('link', 0):.2f} / {seconds['extract']:.2f} s = {seconds.get('link', 0) / seconds['extract']:.2f}"
          f"   (goal <= 1.00); mention links {cold_stages.get('mention_links', 0):,}")
    if args.workdir is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
