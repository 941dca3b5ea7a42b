"""Small helpers the tests share."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from sanctrack.warehouse.db import table_names

# `runs` is the log of runs: it grows by one row per run by design; every other table is data.
LOG_TABLES = {"runs"}


def table_fingerprints(db_path: Path | str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every data table."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        fingerprints = {}
        for name in table_names(con):
            if name in LOG_TABLES:
                continue
            rows = con.execute(f'select * from "{name}"').fetchall()
            digest = hashlib.sha256("\n".join(sorted(repr(r) for r in rows)).encode()).hexdigest()
            fingerprints[name] = (len(rows), digest)
        return fingerprints
    finally:
        con.close()


def query(db_path: Path | str, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
