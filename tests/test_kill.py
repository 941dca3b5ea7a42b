"""A run killed with SIGKILL leaves the previous state readable and whole, nothing dangling, no child behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sanctrack.flows.steps import run_lists, run_news
from sanctrack.warehouse.db import connect
from tests.helpers import query, table_fingerprints

# Merges the staged run inside its transaction (or stages a batch), says so, then waits to be killed.
KILLED_RUN = """
import sys, time
import sanctrack.warehouse.news as loader
from sanctrack.flows.steps import run_news

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


def kill_when_it_says(script: str, args: list[str], word: str) -> None:
    """Run the script in a real process, SIGKILL it once it prints `word`."""
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == word
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


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
    kill_when_it_says(KILLED_RUN, [str(more), str(db), step], "loaded")

    assert table_fingerprints(db) == before
    # In `runs` from its start, as `running`; nothing it read or staged reached the tables.
    assert query(db, "select status from runs order by started_at") == [("succeeded",), ("running",)]
    # And the warehouse still takes a writer and a new run, which marks the killed one.
    connect(db).close()
    result = run_news([str(more)], db)
    assert result["status"] == "succeeded" and result["counts"]["documents_added"] == 3
    assert query(db, "select status from runs order by started_at") == [("succeeded",), ("killed",), ("succeeded",)]
    assert not any(tmp_path.glob("*.staging/*")), "the killed run's staging files are cleared"


# A lists run (each list in its own transaction) killed at a point: the step named by argv[3] does its
# work, says so, and waits to be killed.
KILLED_LISTS_RUN = """
import sys, time
import sanctrack.flows.steps as flow
import sanctrack.warehouse.lists as loader
from sanctrack.lists import parse_list

def say_and_wait():
    print("reached", flush=True)
    time.sleep(120)

def load_then_wait(con, run, parsed, quarantined, force, max_shrink):  # inside the first list's transaction
    loader.load_list(con, run, parsed, quarantined, force=force, max_shrink=max_shrink)
    say_and_wait()

def parse_second_then_wait(path, fmt):  # the first list committed, the second being read
    if "eu" in str(path):
        say_and_wait()
    return parse_list(path, fmt)

record = flow.record_run
def record_then_wait(con, run, status=None):  # inside the run's last transaction (links, runs row)
    record(con, run, status)
    say_and_wait()

point = sys.argv[3]
steps = {"load": {"load": load_then_wait}, "between": {"parse": parse_second_then_wait}, "final": {}}[point]
if point == "final":
    flow.record_run = record_then_wait
flow.run_lists(sys.argv[1].split(","), sys.argv[2], **steps)
"""
LISTS = Path(__file__).parent / "fixtures" / "lists"


def dangling_run_ids(db: Path) -> list[tuple[str, str]]:
    """(table, run_id) of every data row that points at a run `runs` does not hold."""
    from sanctrack.warehouse.runs import RUN_COLUMNS

    found = []
    for table, (column, _, _) in RUN_COLUMNS.items():
        found += [(table, run_id) for (run_id,) in query(
            db, f"select distinct {column} from {table} where {column} not in (select run_id from runs)")]
    return found


@pytest.mark.parametrize("point, committed_lists", [("load", 0), ("between", 1), ("final", 2)])
def test_sigkill_of_a_lists_run_leaves_nothing_dangling_and_the_next_run_repairs(
        tmp_path: Path, point: str, committed_lists: int) -> None:
    db = tmp_path / "warehouse.duckdb"
    sources = [str(LISTS / "un_5.xml"), str(LISTS / "eu_fsf_5.xml")]
    kill_when_it_says(KILLED_LISTS_RUN, [",".join(sources), str(db), point], "reached")

    (killed_id, status), = query(db, "select run_id, status from runs")
    assert status == "running"  # in `runs` from its start
    assert query(db, "select count(*) from list_versions") == [(committed_lists,)]
    assert dangling_run_ids(db) == []

    result = run_lists(sources, db)
    assert result["status"] == "succeeded"
    assert query(db, "select status, errors like '%killed%' from runs where run_id = ?", [killed_id]) == [
        ("killed", True)]
    assert query(db, "select count(*) from list_versions") == [(2,)]
    assert dangling_run_ids(db) == []
    assert not any((tmp_path / "warehouse.duckdb.runs").glob("*.lock")), "no lease left behind"


def test_rows_of_a_run_missing_from_runs_get_a_killed_run(tmp_path: Path) -> None:
    """Warehouses killed before runs were recorded at their start: the next run repairs them."""
    db = tmp_path / "warehouse.duckdb"
    run_lists([str(LISTS / "un_5.xml")], db)
    con = connect(db)
    con.execute("delete from runs")
    con.close()
    assert {table for table, _ in dangling_run_ids(db)} == {"list_versions", "designations", "designation_changes"}
    run_lists([str(LISTS / "eu_fsf_5.xml")], db)
    assert dangling_run_ids(db) == []
    assert query(db, "select flow, status from runs order by started_at") == [("lists", "killed"), ("lists", "succeeded")]


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = set(), [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.add(child)
            queue.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.prefect
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_sigkill_of_the_run_lists_command_ends_its_prefect_server(tmp_path: Path) -> None:
    """The real command, with Prefect's temporary server: killed while its second list downloads."""
    from http.server import BaseHTTPRequestHandler
    import threading

    from tests.helpers import serving

    asked = threading.Event()

    class Stalling(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            asked.set()
            time.sleep(60)

        def log_message(self, *args) -> None:
            pass

    db = tmp_path / "w.duckdb"
    network_log = tmp_path / "network.log"  # the audit hook of tests/offline: Prefect's server stays offline
    env = {**os.environ, "SANCTRACK_DATA_DIR": str(tmp_path / "data"), "SANCTRACK_NETWORK_LOG": str(network_log),
           "PYTHONPATH": str(Path(__file__).parent / "offline")}
    env.pop("PREFECT_HOME", None)
    env.pop("PREFECT_API_URL", None)
    sanctrack = Path(sys.executable).with_name("sanctrack")
    with serving(Stalling) as base:
        process = subprocess.Popen([str(sanctrack), "--db", str(db), "run", "lists", "--prefect", str(LISTS / "un_5.xml"),
                                    f"{base}/eu.xml"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert asked.wait(timeout=240), "the run never reached its second list"
            below = _descendants(process.pid)
            assert below, "the temporary Prefect server runs as a child"
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in below if _alive(pid)], "a child of the killed command is still running"

    assert query(db, "select status from runs") == [("running",)]
    assert query(db, "select authority from list_versions") == [("UN",)]
    calls_out = network_log.read_text() if network_log.exists() else ""
    assert calls_out == "", f"something tried to reach the network:\n{calls_out}"
    assert dangling_run_ids(db) == []
    run_lists([str(LISTS / "eu_fsf_5.xml")], db)
    assert query(db, "select status from runs order by started_at") == [("killed",), ("succeeded",)]
