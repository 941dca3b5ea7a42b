"""Analysts and runs at the same time: readers are never blocked for longer than a run's write, a run
meeting a reader waits, then fails naming it, and is recorded; real processes throughout."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from bench.bench_readers import ReaderLoop, held_for_writing, run_beside_readers
from bench.corpus_gen import generate_documents
from sanctrack.flows.steps import run_news
from sanctrack.warehouse.db import WarehouseBusy, connect
from tests.helpers import query, reader_holding, table_fingerprints


def check_readers(readers: ReaderLoop, done: subprocess.CompletedProcess, what: str) -> None:
    assert done.returncode == 0, done.stderr[-3000:]
    held = held_for_writing(done.stdout)
    waits = [waited for _, waited in readers.answers]
    print(f"\n{what}: {len(waits)} queries, all answered: {not readers.failures}; longest wait {max(waits):.2f} s, "
          f"waited {sum(w > 0 for w in waits)} times; the run held the warehouse for writing {held:.2f} s at most")
    assert readers.failures == []
    assert len(waits) >= 5
    # A reader tries again every 0.05 s, and on a busy machine it may be scheduled a few tenths of a
    # second after the run lets go (0.72 s against a 0.61 s hold was seen): what must not happen is a
    # wait for the run itself (tens of seconds).
    assert max(waits) <= held + 0.5


def test_readers_are_answered_during_a_news_run_of_3000_documents(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()  # a warehouse to read from the first query on
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, text in enumerate(generate_documents(3000, seed=11)):
        (docs / f"doc_{i:05d}.txt").write_text(text, encoding="utf-8")

    readers, done = run_beside_readers(db, ["run", "news", str(docs)])
    check_readers(readers, done, "news run of 3,000 documents")
    assert query(db, "select count(*) from documents") == [(3000,)]


def test_readers_are_answered_during_a_lists_run_of_the_uk_and_ofac_files(tmp_path: Path, shared_dir: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    lists = shared_dir / "data" / "lists"
    uk, ofac = lists / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx", lists / "us-ofac" / "sdn_2024-02-23.csv"
    readers, done = run_beside_readers(db, ["run", "lists", str(uk), str(ofac)])
    check_readers(readers, done, "lists run of the UK and OFAC files")
    assert query(db, "select count(*) from list_versions") == [(2,)]


def test_a_run_meeting_a_reader_waits_then_fails_naming_it_and_runs_holds_it(loaded_db: Path, tmp_path: Path) -> None:
    more = tmp_path / "more"
    more.mkdir()
    (more / "a.txt").write_text("The UK imposed sanctions on Ivan Testov, a deputy minister.\n")
    before = table_fingerprints(loaded_db)
    with reader_holding(loaded_db) as pid:
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match=rf"still held after 1.5 s: a reader \(process {pid}: python"):
            run_news([str(more)], loaded_db, wait=1.5)
        assert 1.5 <= time.monotonic() - started < 30
    assert table_fingerprints(loaded_db) == before
    # It could not write while the reader held the file: the next run records it, with the reason.
    run_news([str(more)], loaded_db)
    (status, errors), = query(loaded_db, "select status, errors from runs where status <> 'succeeded'")
    assert status == "failed" and f"a reader (process {pid}" in errors
    assert not list((tmp_path / "w.duckdb.runs").glob("*")), "no lease or pending failure left"


def test_a_run_that_started_waits_for_a_reader_at_its_merge_and_records_why_it_failed(
        loaded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader opens the file while the run extracts: the run is `running` in `runs`, waits at the
    merge, fails naming the reader; the next run turns the row into `failed` with that reason."""
    import sanctrack.flows.steps as steps

    more = tmp_path / "more"
    more.mkdir()
    (more / "a.txt").write_text("The UK imposed sanctions on Ivan Testov, a deputy minister.\n")
    holders = []
    stage = steps.NewsStage.add

    def stage_then_a_reader_opens(staged, batch):
        holders.append(reader_holding(loaded_db))
        holders[-1].__enter__()
        return stage(staged, batch)

    try:
        with pytest.raises(WarehouseBusy, match=r"a reader \(process \d+"):
            run_news([str(more)], loaded_db, wait=1.0, stage=stage_then_a_reader_opens)
        assert query(loaded_db, "select status from runs order by started_at") == [("succeeded",), ("running",)]
    finally:
        for holder in holders:
            holder.__exit__(None, None, None)
    run_news([str(more)], loaded_db)
    statuses = query(loaded_db, "select status, errors like '%a reader (process%' from runs order by started_at")
    assert statuses == [("succeeded", False), ("failed", True), ("succeeded", False)]
