"""A run killed with SIGKILL in the middle of its load leaves the previous state readable and whole."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sanctrack.flows.news import run_news
from sanctrack.warehouse.db import connect
from tests.helpers import query, table_fingerprints

# Merges the staged run inside its transaction (or stages a batch), says so, then waits to be killed.
KILLED_RUN = """
import sys, time
import sanctrack.warehouse.news as loader
from sanctrack.flows.news import run_news

def load_then_wait(con, run, stage):
    loader.merge_news(con, run, stage)
    print("loaded", flush=True)
    time.sleep(120)

def stage_then_wait(stage, batch):
    stage.add(batch)
    print("loaded", flush=True)
    time.sleep(120)

steps = {"load": {"load": load_then_wait}, "stage": {"stage": stage_then_wait}}[sys.argv[3]]
run_news([sys.argv[1]], sys.argv[2], batch_size=1, **steps)
"""


@pytest.mark.parametrize("step", ["load", "stage"])
def test_sigkill_during_a_run_leaves_previous_state(tmp_path: Path, seed_article: Path, step: str) -> None:
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
        [sys.executable, "-c", KILLED_RUN, str(more), str(db), step], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "loaded"
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
    assert not any(tmp_path.glob("*.staging/*")), "the killed run's staging files are cleared"
