"""The `runs` table: one row per flow run, with its counts, errors and versions."""

from __future__ import annotations

import json
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
        return "partial" if self.errors else "succeeded"


def record_run(con: duckdb.DuckDBPyConnection, run: Run, status: str | None = None) -> None:
    """Insert the run's row (inside the caller's transaction when it loads data)."""
    con.execute(
        "insert into runs (run_id, flow, started_at, ended_at, status, counts, errors, params, "
        "code_version, extractor_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run.run_id, run.flow, run.started_at, utcnow(), status or run.status,
            json.dumps({**run.counts, "seconds": {k: round(v, 3) for k, v in run.seconds.items()}}, sort_keys=True),
            json.dumps(run.errors), json.dumps(run.params, default=str),
            code_version(), run.extractor_version,
        ],
    )
