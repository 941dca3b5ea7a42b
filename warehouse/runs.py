"""The `runs` table: one row per flow run, with its counts, errors and versions.

Every run records itself when it starts (`start_run`: status `running`, in a short transaction of
its own), so every row it loads points at a run that exists, and holds a lease (an exclusive lock
on `<db>.runs/<run_id>.lock`) for as long as its process lives. The next run marks a `running` run
whose lease nobody holds as `killed`, and records a `killed` run for any run id that data rows
point at and `runs` lacks (left by a kill before this existed).

A run that fails when it cannot write (a reader held the warehouse past the wait) leaves its row in
`<db>.runs/<run_id>.failed.json`; the next run to start writes it into `runs`.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import duckdb

import sanctrack
from sanctrack.warehouse.db import WarehouseBusy, WarehouseError, leases_dir, opened, transaction

log = logging.getLogger(__name__)

# Tables whose rows carry the run that wrote them, with a timestamp of that run's work.
RUN_COLUMNS = {
    "documents": ("run_id", "fetched_at", "news"),
    "document_sources": ("first_seen_run_id", None, "news"),
    "extractions": ("run_id", "extracted_at", "news"),
    "mentions": ("run_id", None, "news"),
    "quarantine": ("run_id", "quarantined_at", None),
    "list_versions": ("run_id", "loaded_at", "lists"),
    "designations": ("run_id", "loaded_at", "lists"),
    "designation_changes": ("run_id", "detected_at", "lists"),
}


def utcnow() -> datetime:
    """Naive UTC, as the warehouse stores timestamps."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@cache
def code_version() -> str:
    """The package version, with the git commit when running from a checkout."""
    repo = Path(sanctrack.__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return sanctrack.__version__
    return f"{sanctrack.__version__}+g{commit}"


@dataclass
class Run:
    """A flow run in progress; recorded in `runs` when it ends."""

    flow: str
    params: dict
    extractor_version: str | None = None
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: datetime = field(default_factory=utcnow)
    counts: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    sources_ok: int = 0  # sources (documents, lists) that were read: with errors, none read is `failed`

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the wall time of the block to the stage's total."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started

    def add_error(self, source: str, message: str) -> None:
        self.errors.append({"source": source, "message": message})

    def bump(self, key: str, by: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + by

    @property
    def status(self) -> str:
        """succeeded; partial (some sources failed, the rest loaded); failed (every source failed)."""
        if not self.errors:
            return "succeeded"
        return "partial" if self.sources_ok else "failed"


def record_run(con: duckdb.DuckDBPyConnection, run: Run, status: str | None = None) -> None:
    """Write the run's row as it ends (inside the caller's transaction when it loads data)."""
    _write_run(con, run, status or run.status, utcnow())


def record_start(con: duckdb.DuckDBPyConnection, run: Run) -> None:
    """Write the run's row as `running`: the rows it loads next point at a run that exists."""
    _write_run(con, run, "running", None)


def _write_run(con: duckdb.DuckDBPyConnection, run: Run, status: str, ended_at: datetime | None) -> None:
    _insert_row(con, _row(run, status, ended_at))


RUN_FIELDS = ("run_id", "flow", "started_at", "ended_at", "status", "counts", "errors", "params", "code_version",
              "extractor_version")


def _row(run: Run, status: str, ended_at: datetime | None) -> dict:
    return dict(zip(RUN_FIELDS, [
        run.run_id, run.flow, run.started_at, ended_at, status,
        json.dumps({**run.counts, "seconds": {k: round(v, 3) for k, v in run.seconds.items()}}, sort_keys=True),
        json.dumps(run.errors), json.dumps(run.params, default=str), code_version(), run.extractor_version,
    ]))


def _insert_row(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    con.execute(
        f"insert or replace into runs ({', '.join(RUN_FIELDS)}) values ({', '.join('?' * len(RUN_FIELDS))})",
        [row[name] for name in RUN_FIELDS],
    ).fetchall()


@contextmanager
def writing(db_path: Path | str, run: Run, *, wait: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse opened for writing for the block, then closed (DuckDB's lock with it); the time it
    was held adds to the run's `merge` seconds (and `merge_longest`): what a reader may have waited."""
    timings: dict = {}
    with opened(db_path, wait=wait, timings=timings) as con:
        yield con
    held = time.perf_counter() - timings["locked_at"]  # from the lock to the close (DuckDB's checkpoint)
    run.seconds["merge"] = run.seconds.get("merge", 0.0) + held
    run.seconds["merge_longest"] = max(run.seconds.get("merge_longest", 0.0), held)


def start_run(db_path: Path | str, run: Run, *, wait: float) -> RunLease:
    """Take the run's lease and record it as `running` (after repairing runs that died or failed
    unrecorded), in a short transaction: returns the lease, to release when the run has ended.

    Waits up to `wait` seconds for the warehouse (a reader, another run); WarehouseBusy after that.
    """
    lease = RunLease(db_path, run.run_id)
    try:
        with writing(db_path, run, wait=wait) as con:
            with transaction(con):
                recorded = repair_runs(con, db_path, run)
                record_start(con, run)
        for run_id in recorded:  # written into `runs`: the files can go
            (leases_dir(db_path) / f"{run_id}.failed.json").unlink(missing_ok=True)
    except BaseException:
        lease.release()
        raise
    return lease


def record_failure(db_path: Path | str, run: Run, error: BaseException, *, wait: float) -> bool:
    """Record the run as `failed`, with the error, in `runs`; when the warehouse cannot be written
    within `wait` (none if the error was that: a reader holds it), in `<db>.runs/<run_id>.failed.json`
    for the next run to record. Returns whether `runs` holds it now."""
    run.add_error("(run)", f"{type(error).__name__}: {error}")
    if isinstance(error, WarehouseBusy):
        wait = 0
    try:
        with opened(db_path, wait=wait) as con, transaction(con):
            record_run(con, run, status="failed")
        return True
    except WarehouseError as exc:
        log.warning("run %s failed and could not be recorded now (%s): the next run records it", run.run_id, exc)
    folder = leases_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{run.run_id}.failed.json.part"
    partial.write_text(json.dumps(_row(run, "failed", utcnow()), default=str))
    partial.replace(folder / f"{run.run_id}.failed.json")  # whole or not at all
    return False


class RunLease:
    """An exclusive lock held by the run's process while it lives; the kernel drops it when the process
    dies, however it dies. Take it before record_start; release it after the run's last row."""

    def __init__(self, db_path: Path | str, run_id: str) -> None:
        folder = leases_dir(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{run_id}.lock"
        self._handle = self.path.open("w")
        fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._handle.write(f"{os.getpid()}\n")
        self._handle.flush()

    def release(self) -> None:
        self.path.unlink(missing_ok=True)
        self._handle.close()  # closing drops the lock


def is_alive(db_path: Path | str, run_id: str) -> bool:
    """Whether the process of a `running` run still holds its lease."""
    path = leases_dir(db_path) / f"{run_id}.lock"
    try:
        handle = path.open("r+")
    except FileNotFoundError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def repair_runs(con: duckdb.DuckDBPyConnection, db_path: Path | str, by: Run) -> list[str]:
    """Record the failed runs left in `<db>.runs/*.failed.json`, mark runs whose process died as
    `killed`, and record a `killed` run for run ids that data rows point at and `runs` lacks; returns
    the run ids repaired. Call inside a transaction (start_run does)."""
    now = utcnow()
    repaired = []
    for pending in sorted(leases_dir(db_path).glob("*.failed.json")):  # failed while it could not write
        row = json.loads(pending.read_text())
        _insert_row(con, {**row, "started_at": datetime.fromisoformat(row["started_at"]),
                          "ended_at": datetime.fromisoformat(row["ended_at"])})
        repaired.append(row["run_id"])
    note = f"the process ended before the run finished (killed); marked by run {by.run_id}"
    for (run_id,) in con.execute("select run_id from runs where status = 'running'").fetchall():
        if run_id in repaired or is_alive(db_path, run_id):
            continue
        con.execute(
            "update runs set status = 'killed', ended_at = ?, "
            "errors = to_json(list_concat(coalesce(from_json(errors, '[\"json\"]'), []), [?::json])) "
            "where run_id = ?",
            [now, json.dumps({"source": "(run)", "message": note}), run_id],
        ).fetchall()
        (leases_dir(db_path) / f"{run_id}.lock").unlink(missing_ok=True)
        repaired.append(run_id)
    for run_id, flow, started_at in _runs_missing(con):
        message = f"no runs row: the run was killed before it recorded itself; recorded by run {by.run_id}"
        con.execute(
            "insert into runs (run_id, flow, started_at, ended_at, status, counts, errors, params, code_version) "
            "values (?, ?, ?, ?, 'killed', '{}', ?, '{}', 'unknown')",
            [run_id, flow, started_at or now, now, json.dumps([{"source": "(run)", "message": message}])],
        ).fetchall()
        repaired.append(run_id)
    if repaired:
        log.warning("event=runs_repaired runs=%s", repaired)
    return repaired


def _runs_missing(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, datetime | None]]:
    """(run_id, flow, earliest time) of the run ids that data rows point at and `runs` lacks."""
    selects = []
    for table, (column, stamp, flow) in RUN_COLUMNS.items():
        flow_sql = f"'{flow}'" if flow else "null"
        selects.append(f"select {column} as run_id, {flow_sql} as flow, {stamp or 'null::timestamp'} as seen_at from {table}")
    return con.execute(
        f"""
        with referenced as ({" union all ".join(selects)})
        select run_id, coalesce(max(flow), 'unknown'), min(seen_at)
        from referenced
        where run_id not in (select run_id from runs)
        group by run_id
        order by run_id
        """
    ).fetchall()
