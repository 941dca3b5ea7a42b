"""A run killed with SIGKILL in the middle of its load leaves the previous state readable and whole."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from sanctrack.flows.news import run_news
from sanctrack.warehouse.db import connect
from tests.helpers import query, table_fingerprints

# Loads one batch inside the run's transaction, says so, then waits to be killed.
KILLED_RUN = """
import sys, time
import sanctrack.warehouse.news as loader
from sanctrack.flows.news import run_news

def load_then_wait(con, run, batch):
    loader.load_news_batch(con, run, batch)
    print("loaded a batch", flush=True)
    time.sleep(120)

run_news([sys.argv[1]], sys.argv[2], batch_size=1, load=load_then_wait)
"""


def test_sigkill_during_load_leaves_previous_state(tmp_path: Path, seed_article: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    shutil.copy(seed_article, seed_dir)
    run_news([str(seed_dir)], db)
    before = table_fingerprints(db)

    more = tmp_path / "more"
    more.mkdir()
    for i in range(3):
        (more / f"{i}.txt").write_text(f"The UK imposed sanctions on Ivan Testov{i}, a deputy minister.\n")
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(more), str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "loaded a batch"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert table_fingerprints(db) == before
    assert query(db, "select count(*), min(status) from runs") == [(1, "succeeded")]
    # And the warehouse still takes a writer and a new run.
    connect(db).close()
    result = run_news([str(more)], db)
    assert result["status"] == "succeeded" and result["counts"]["documents_added"] == 3
