"""Exporting the warehouse's tables and views to CSV or Parquet files."""

from __future__ import annotations

from pathlib import Path

import duckdb

from sanctrack.outputs import refuse_existing, written_atomically
from sanctrack.warehouse.db import table_names

FORMATS = {"csv": "(format csv, header true)", "parquet": "(format parquet, compression zstd)"}


def export_warehouse(
    con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: str, names: list[str] | None = None, force: bool = False
) -> list[tuple[str, Path, int]]:
    """Write each table and view (or the named ones) to OUT_DIR/<name>.<fmt>; returns (name, file, rows).

    Existing files are refused (OutputExists) before anything is written, unless `force`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    available = table_names(con) + table_names(con, "VIEW")
    if names:
        unknown = sorted(set(names) - set(available))
        if unknown:
            raise ValueError(f"no such table or view: {', '.join(unknown)}")
    refuse_existing([out_dir / f"{name}.{fmt}" for name in names or available], force)
    written = []
    for name in names or available:
        target = out_dir / f"{name}.{fmt}"
        with written_atomically(target, force) as partial:
            con.execute(f"copy (select * from \"{name}\") to '{_quote(partial)}' {FORMATS[fmt]}")
        rows = con.execute(f'select count(*) from "{name}"').fetchone()[0]
        written.append((name, target, rows))
    return written


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
