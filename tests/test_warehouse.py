"""The warehouse: migrations, one writer at a time, read-only access, exports."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from sanctrack.warehouse.db import MIGRATIONS_DIR, WarehouseBusy, WarehouseError, connect, table_names
from sanctrack.warehouse.export import export_warehouse


def test_migrations_are_recorded_and_rerunnable(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    con = connect(db)  # a second open applies nothing again
    applied = [name for (name,) in con.execute("select name from schema_migrations order by version").fetchall()]
    assert applied == sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    for table in ("runs", "documents", "mentions", "quarantine", "extractions", "document_sources"):
        assert table in table_names(con)
    for view in ("sanctioned_persons", "sanctioned_organisations", "rosatom_linked_mentions",
                 "mentions_by_authority_action"):
        assert view in table_names(con, "VIEW")
    con.close()


def test_reading_a_missing_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse at .*run `sanctrack run news` first"):
        connect(tmp_path / "none.duckdb", read_only=True)


def test_a_second_writer_fails_clearly(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match=rf"is held: a writer \(process {holder.pid}: python"):
            connect(db)
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_waits_for_a_holder_that_lets_go_and_says_what_it_waits_for(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}, read_only=True); "
                               "print('ready', flush=True); time.sleep(1.0)"],
        stdout=subprocess.PIPE, text=True,
    )
    said: list[str] = []
    try:
        assert holder.stdout.readline().strip() == "ready"
        connect(db, wait=60, on_wait=said.append).close()
    finally:
        holder.kill()
        holder.wait()
    assert said[0].startswith(f"waiting for the warehouse (up to 60 s): a reader (process {holder.pid}: python")
    assert said[0].endswith("has it open") and said[-1].startswith("waited ")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exports_read_back_with_the_same_row_counts(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    con.execute("insert into runs (run_id, flow, started_at, status, code_version) values "
                "('a', 'news', now(), 'succeeded', 'x'), ('b', 'news', now(), 'partial', 'x')")
    written = export_warehouse(con, tmp_path / "out", fmt)
    con.close()
    check = duckdb.connect()
    for name, path, rows in written:
        reader = "read_csv" if fmt == "csv" else "read_parquet"
        if fmt == "csv" and rows == 0:
            assert path.read_text().count("\n") == 1  # the header alone
            continue
        assert check.execute(f"select count(*) from {reader}('{path}')").fetchone() == (rows,)
    assert {name for name, _, _ in written} >= {"runs", "mentions", "sanctioned_persons"}
    assert dict((n, r) for n, _, r in written)["runs"] == 2
