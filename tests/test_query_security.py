"""The query verb is read-only: every attack of issue 17 is refused, the warehouse and the disk unchanged."""

from __future__ import annotations

import ast
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from sanctrack.cli import main
from sanctrack.flows.news import run_news
from sanctrack.warehouse.db import CONNECTION_CONFIG, WarehouseError, connect, seal
from tests.helpers import query, table_fingerprints

REPO = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = ["sanctrack", "warehouse", "flows", "schemas"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, seed_article: Path) -> Path:
    """One warehouse for the module (the seed article's run): every attack must leave it as it is."""
    folder = tmp_path_factory.mktemp("query")
    (folder / "news").mkdir()
    shutil.copy(seed_article, folder / "news")
    db = folder / "w.duckdb"
    run_news([str(folder / "news")], db)
    (folder / "victim.txt").write_text("keep me\n")
    return db


def disk_state(folder: Path) -> dict[str, str]:
    """Every file under the folder with its sha256: nothing created, changed or removed."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_query(db: Path, sql: str, *options: str):
    return CliRunner().invoke(main, ["--db", str(db), "query", sql, *options])


ATTACKS = {
    "detach-attach-drop": "USE memory; DETACH warehouse; ATTACH '{db}' AS w2; DROP TABLE w2.main.runs CASCADE; select 1",
    "drop": "DROP TABLE runs CASCADE",
    "delete": "DELETE FROM mentions",
    "update": "UPDATE mentions SET name = 'x'",
    "copy-overwrites-a-file": "COPY mentions TO '{dir}/victim.txt'",
    "copy-creates-a-file": "COPY (select 1) TO '{dir}/new.csv'",
    "export-database": "EXPORT DATABASE '{dir}/dump'",
    "attach-creates-a-file": "ATTACH '{dir}/other.duckdb' AS other",
    "attach-sqlite": "ATTACH '{dir}/other.sqlite' AS other (TYPE sqlite)",
    "use-memory": "USE memory",
    "set-repository": "SET custom_extension_repository = 'http://127.0.0.1:9/'",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set-then-install": "SET custom_extension_repository = 'http://127.0.0.1:9/'; INSTALL httpfs",
    "pragma": "PRAGMA enable_profiling",
    "call": "CALL enable_logging()",
    "checkpoint": "CHECKPOINT",
    "explain-analyze-delete": "EXPLAIN ANALYZE DELETE FROM mentions",
    "two-selects": "select 1; select 2",
}


@pytest.mark.parametrize("name", ATTACKS)
def test_a_writing_or_escaping_statement_is_refused_and_changes_nothing(warehouse: Path, name: str) -> None:
    folder = warehouse.parent
    before_tables, before_disk = table_fingerprints(warehouse), disk_state(folder)
    sql = ATTACKS[name].format(db=warehouse, dir=folder)
    result = run_query(warehouse, sql)
    assert result.exit_code == 1, result.output
    assert "error: refused:" in result.output
    assert "read-only" in result.output or "one statement at a time" in result.output
    assert table_fingerprints(warehouse) == before_tables
    assert disk_state(folder) == before_disk
    assert query(warehouse, "select count(*) from runs") == [(1,)]


DISABLED = "file system operations are disabled by configuration"
FILE_ACCESS = {
    "read-text": ("select * from read_text('/etc/hostname')", DISABLED),
    "read-csv": ("select * from read_csv('/etc/passwd')", DISABLED),
    "glob": ("select count(*) from glob('/**')", DISABLED),
    "sniff": ("select * from sniff_csv('/etc/passwd')", DISABLED),
    "replacement-scan": ("select * from '/etc/passwd'", "Table with name /etc/passwd does not exist"),
}


@pytest.mark.parametrize("name", FILE_ACCESS)
def test_a_select_cannot_read_or_list_other_files(warehouse: Path, name: str) -> None:
    sql, message = FILE_ACCESS[name]
    result = run_query(warehouse, sql)
    assert result.exit_code == 1
    assert message in result.output
    assert "root:" not in result.output


def test_reading_the_export_folder_is_an_explicit_option(warehouse: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    exports = tmp_path / "exports"
    monkeypatch.setenv("SANCTRACK_EXPORT_DIR", str(exports))
    assert CliRunner().invoke(main, ["--db", str(warehouse), "export", "--format", "parquet"]).exit_code == 0
    sql = f"select count(*) from '{exports}/mentions.parquet'"
    refused = run_query(warehouse, sql).output
    assert "file system operations are disabled" in refused and "add --exports to read the files" in refused
    result = run_query(warehouse, sql, "--exports", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["count_star()", "4"]
    # Only that folder: the warehouse's own folder stays out of reach.
    outside = run_query(warehouse, f"select * from read_text('{warehouse.parent}/victim.txt')", "--exports")
    assert "file system operations are disabled" in outside.output


def test_a_write_hidden_in_a_select_is_refused_in_our_words(warehouse: Path) -> None:
    before = table_fingerprints(warehouse)
    result = run_query(warehouse, "with gone as (delete from runs returning *) select count(*) from gone")
    assert result.exit_code == 1
    assert "refused: a query cannot write" in result.output
    assert table_fingerprints(warehouse) == before


def test_reading_statements_still_answer(warehouse: Path) -> None:
    for sql in ["with m as (select * from mentions) select count(*) from m", "describe mentions", "show tables",
                "summarize runs", "explain select * from mentions", "explain analyze select count(*) from mentions",
                "from mentions select count(*)", "values (1)"]:
        result = run_query(warehouse, sql, "--format", "csv")
        assert result.exit_code == 0, (sql, result.output)


def test_a_long_query_is_stopped_at_its_time_limit_and_the_file_released(warehouse: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sanctrack.cli", "--db", str(warehouse), "query",
         "select count(*) from range(1000000000000)", "--timeout", "1.5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    started = time.monotonic()
    _, stderr = process.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert process.returncode == 1
    assert "stopped after 1.5 s (the --timeout): the warehouse is released" in stderr
    assert elapsed < 15
    connect(warehouse).close()  # a writer gets the file at once


def test_a_sqlite_file_as_warehouse_is_refused_without_fetching_an_extension(tmp_path: Path) -> None:
    path = tmp_path / "not-a-warehouse.db"
    sqlite3.connect(path).execute("create table t (x)").connection.commit()
    before = disk_state(tmp_path)
    for read_only in (True, False):
        with pytest.raises(WarehouseError, match="is not a DuckDB warehouse file: it is a SQLite database"):
            connect(path, read_only=read_only)
    result = CliRunner().invoke(main, ["--db", str(path), "query", "select 1"])
    assert result.exit_code == 1 and "it is a SQLite database" in result.output
    assert disk_state(tmp_path) == before


def test_a_parquet_file_as_warehouse_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "table.parquet"
    duckdb.connect().execute(f"copy (select 1 as a) to '{path}'")
    result = CliRunner().invoke(main, ["--db", str(path), "query", "select 1"])
    assert result.exit_code == 1
    assert "is not a DuckDB warehouse file: it is a Parquet file" in result.output
    assert "Traceback" not in result.output


SETTINGS_SQL = ("select name, value from duckdb_settings() where name in "
                "('autoinstall_known_extensions', 'autoload_known_extensions', 'allow_community_extensions', "
                "'enable_external_access', 'lock_configuration') order by name")


@pytest.mark.parametrize("mode", ["read-write", "read-only", "sealed"])
def test_no_connection_installs_or_loads_extensions(warehouse: Path, mode: str) -> None:
    con = connect(warehouse, read_only=mode != "read-write")
    try:
        if mode == "sealed":
            seal(con)
        settings = dict(con.execute(SETTINGS_SQL).fetchall())
    finally:
        con.close()
    assert settings["autoinstall_known_extensions"] == "false"
    assert settings["autoload_known_extensions"] == "false"
    assert settings["allow_community_extensions"] == "false"
    sealed = mode == "sealed"
    assert settings["enable_external_access"] == ("false" if sealed else "true")
    assert settings["lock_configuration"] == ("true" if sealed else "false")


def test_every_connection_is_opened_by_warehouse_db() -> None:
    """The one place that sets CONNECTION_CONFIG is the only place that calls duckdb.connect."""
    callers = []
    for folder in PACKAGE_DIRS:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "duckdb"):
                    callers.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert callers == ["warehouse/db.py:" + str(_connect_line())]
    assert CONNECTION_CONFIG == {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                 "allow_community_extensions": False}


def _connect_line() -> int:
    source = (REPO / "warehouse" / "db.py").read_text().splitlines()
    return next(i for i, line in enumerate(source, start=1) if "duckdb.connect(config=CONNECTION_CONFIG)" in line)
