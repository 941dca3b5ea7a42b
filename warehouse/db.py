"""Opening the warehouse: one writer at a time, migrations applied, views refreshed."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import duckdb

from sanctrack.settings import load_settings

T = TypeVar("T")

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
ROW_GROUP_SIZE = 8192
VIEWS_DIR = Path(__file__).parent / "views"
# A large load's memory budget (see within_memory_budget): room to work, plus room for the indexes
# (primary keys) that DuckDB must hold in memory, about 150 bytes per row measured; four times the
# first budget after each "out of memory", up to the largest.
WORKING_MEMORY = 32 * 2**20
INDEX_BYTES_PER_ROW = 160
LARGEST_BUDGET = 16 * 2**30
# Every connection: DuckDB never installs or loads an extension by itself (it would download it from
# the internet, e.g. for a SQLite file given as --db), and community extensions are refused.
CONNECTION_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


class WarehouseError(Exception):
    """The warehouse cannot be opened as asked."""


class WarehouseBusy(WarehouseError):
    """Another process held the warehouse for longer than the wait."""


# How often a waiting process tries the file again: a writer more often than a reader, so that a
# reader loop does not starve it (DuckDB's lock has no queue).
WRITER_POLL_S, READER_POLL_S = 0.02, 0.05


def connect(db_path: Path | str, *, read_only: bool = False, wait: float = 0.0,
            on_wait: Callable[[str], None] | None = None, timings: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. A writer brings the schema up to date; a reader needs an existing file.

    DuckDB lets one process write a file, or several read it, never both. Meeting another
    process's lock, this waits up to `wait` seconds for it, trying again every few hundredths of a
    second, and says once (through `on_wait`, or the log) what it waits for: a run writing, or a
    reader. Past the wait it raises WarehouseBusy naming the holder; nothing is written.
    `timings`, when given, gets `locked_at` (time.perf_counter()) the moment the file was opened.
    """
    path = Path(db_path)
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `sanctrack run news` first, or pass --db")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    waiting_for = None
    while True:
        try:
            con = _attach(path, read_only)
            if timings is not None:
                timings["locked_at"] = time.perf_counter()
            break
        except _Locked as locked:
            holder = describe_holder(path, locked.pid, locked.reader_hint)
            waited = time.monotonic() - started
            if waited >= wait:
                raise WarehouseBusy(_busy_message(path, holder, read_only, wait)) from None
            if holder != waiting_for:
                waiting_for = holder
                message = f"waiting for the warehouse (up to {wait:g} s): {holder}"
                (on_wait or log.warning)(message)
            time.sleep(min(READER_POLL_S if read_only else WRITER_POLL_S, max(wait - waited, 0)))
    if waiting_for is not None:
        (on_wait or log.warning)(f"waited {time.monotonic() - started:.2f} s for the warehouse")
    con.execute(f"set temp_directory = '{_sql_string(path.with_name(path.name + '.tmp'))}'")
    if limit := load_settings().duckdb_memory_limit:
        con.execute(f"set memory_limit = '{_sql_string(limit)}'")
    if not read_only:
        identity = (str(path.resolve()), path.stat().st_ino)
        if identity not in _UP_TO_DATE or not _schema_is_current(con):  # a run opens the file several times
            migrate(con)
            apply_views(con)
            _UP_TO_DATE.add(identity)
    return con


_UP_TO_DATE: set[tuple[str, int]] = set()  # (path, inode) of the files this process has migrated


def _schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    latest = max(int(p.name[:3]) for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    try:
        return con.execute("select max(version) from schema_migrations").fetchall()[0][0] == latest
    except duckdb.CatalogException:
        return False


class _Locked(Exception):
    def __init__(self, pid: int | None, reader_hint: bool) -> None:
        self.pid, self.reader_hint = pid, reader_hint


def _attach(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    # The file is attached to an in-memory host connection so that its row groups can be small:
    # DuckDB writes a transaction's full row groups to disk as it goes, so a large run's load
    # holds at most a row group per table in memory instead of every new row until the commit.
    con = duckdb.connect(config=CONNECTION_CONFIG)
    # TYPE duckdb: any other file (SQLite, Parquet) is refused rather than handed to an extension.
    options = "TYPE duckdb, READ_ONLY" if read_only else f"TYPE duckdb, ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
    try:
        con.execute(f"attach '{_sql_string(path)}' as warehouse ({options})")
        con.execute("use warehouse")
    except duckdb.Error as exc:
        con.close()
        message = str(exc)
        if "could not set lock" in message.lower():
            holder = re.search(r"\(PID (\d+)\)", message)
            raise _Locked(int(holder[1]) if holder else None, "open this database in read-only mode" in message) from None
        if "not a valid DuckDB database file" in message:
            raise WarehouseError(f"{path} is not a DuckDB warehouse file: {_file_kind(path)}; pass --db "
                                 "with a warehouse made by sanctrack") from None
        raise WarehouseError(f"{path}: {message}") from None
    return con


def _busy_message(path: Path, holder: str, read_only: bool, wait: float) -> str:
    after = f"still held after {wait:g} s" if wait else "held"
    if read_only or "reader" not in holder:
        return f"{path} is {after}: {holder}; try again when it has finished, or wait longer (--wait)"
    return (f"{path} is {after}: {holder}. A run writes only while no one reads; close that connection "
            "(or open the warehouse for each query: README, Reading while runs write) and run again")


def leases_dir(db_path: Path | str) -> Path:
    """`<db>.runs/`: the leases of the runs in progress (warehouse/runs.py), and failures not yet recorded."""
    path = Path(db_path)
    return path.with_name(f"{path.name}.runs")


def lock_holders(path: Path) -> list[tuple[int, str]]:
    """(pid, "READ" or "WRITE") of the processes holding DuckDB's lock on the file (Linux: /proc/locks)."""
    try:
        stat = path.stat()
        table = Path("/proc/locks").read_text()
    except OSError:
        return []
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    holders = []
    for line in table.splitlines():
        fields = line.split()
        if "->" in fields:  # a request waiting for a lock, not a lock held
            continue
        if len(fields) >= 6 and fields[1] in ("POSIX", "OFDLCK") and fields[5] == device:
            holders.append((int(fields[4]), fields[3]))
    return holders


def describe_holder(path: Path, pid: int | None, reader_hint: bool = False) -> str:
    """Who holds the warehouse, in words: a run (by its id, when its lease says so), a writer, or readers."""
    holders = lock_holders(path) or ([(pid, "READ" if reader_hint else "WRITE")] if pid else [])
    if not holders:
        return "another process holds it"
    runs = _runs_by_pid(path)
    readers = [p for p, kind in holders if kind == "READ"]
    if readers:
        shown = ", ".join(f"process {p}{_command_of(p)}" for p in readers[:3])
        more = f" and {len(readers) - 3} more" if len(readers) > 3 else ""
        return f"{'a reader' if len(readers) == 1 else f'{len(readers)} readers'} ({shown}{more}) has it open"
    writer = holders[0][0]
    if writer in runs:
        return f"run {runs[writer]} (process {writer}) is writing"
    return f"a writer (process {writer}{_command_of(writer)}) has it open"


def _runs_by_pid(path: Path) -> dict[int, str]:
    """pid -> run id, from the run leases beside the warehouse (each holds its process's pid)."""
    found = {}
    for lease in leases_dir(path).glob("*.lock"):
        try:
            found[int(lease.read_text().split()[0])] = lease.stem
        except (OSError, ValueError, IndexError):
            continue
    return found


def _command_of(pid: int) -> str:
    """': the command line' of a process, shortened (Linux), or nothing."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return ""
    line = " ".join(Path(words[0]).name if i == 0 else w for i, w in enumerate(words) if w)
    return f": {line[:80]}{'...' if len(line) > 80 else ''}" if line else ""


@contextmanager
def opened(db_path: Path | str, *, read_only: bool = False, wait: float = 0.0,
           on_wait: Callable[[str], None] | None = None, timings: dict | None = None,
           ) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse for the block, then closed: DuckDB's lock is held for the block only."""
    con = connect(db_path, read_only=read_only, wait=wait, on_wait=on_wait, timings=timings)
    try:
        yield con
    finally:
        con.close()


def _file_kind(path: Path) -> str:
    """What a file that is not a DuckDB database looks like, from its first bytes (for the error message)."""
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"SQLite format 3"):
        return "it is a SQLite database"
    if head.startswith(b"PAR1"):
        return "it is a Parquet file"
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP file"
    return "unrecognised content" if head else "it is empty"


def seal(con: duckdb.DuckDBPyConnection, readable_dirs: Sequence[Path] = ()) -> None:
    """Shut a read-only connection in with the warehouse: no other file, no network, no settings change.

    After this, the connection reads the attached warehouse (and the files under `readable_dirs`)
    and nothing else: reading, writing, globbing or attaching any other path is refused by DuckDB,
    extensions cannot be installed or loaded, and no setting can be changed back.
    """
    if readable_dirs:
        listed = ", ".join(f"'{_sql_string(str(Path(d).resolve()) + '/')}'" for d in readable_dirs)
        con.execute(f"set allowed_directories = [{listed}]")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


def _sql_string(value: object) -> str:
    return str(value).replace("'", "''")


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the numbered migrations not yet recorded in schema_migrations, each in its own transaction."""
    con.execute(
        "create table if not exists schema_migrations "
        "(version integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    applied = {version for (version,) in con.execute("select version from schema_migrations").fetchall()}
    done = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
        version = int(path.name[:3])
        if version in applied:
            continue
        with transaction(con):
            con.execute(path.read_text())
            con.execute(
                "insert into schema_migrations values (?, ?, ?)",
                [version, path.stem, datetime.now(timezone.utc).replace(tzinfo=None)],
            )
        log.info("applied migration %s", path.name)
        done.append(path.stem)
    return done


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view in views/; a view built on another waits until that one exists (or, in a
    warehouse made by an older version, until that one has been recreated with its new columns)."""
    pending = {path.stem: path.read_text() for path in sorted(VIEWS_DIR.glob("*.sql"))}
    while pending:
        failed: dict[str, str] = {}
        errors: dict[str, str] = {}
        for name, sql in pending.items():
            try:
                con.execute(sql)
            except (duckdb.CatalogException, duckdb.BinderException) as exc:
                failed[name], errors[name] = sql, str(exc)
        if len(failed) == len(pending):
            raise WarehouseError(f"views that cannot be created: {errors}")
        pending = failed


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit on success, roll back on any error (the previous state stays)."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    try:
        con.execute("commit")
    except duckdb.Error:
        _rollback_quietly(con)  # a failed commit leaves nothing behind, and the connection usable
        raise


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass  # no transaction was open any more


def within_memory_budget(con: duckdb.DuckDBPyConnection, new_rows: int, work: Callable[[], T]) -> T:
    """Run `work` in one transaction, with DuckDB's memory bounded by a budget sized to the indexes it
    must hold (the warehouse's rows and the load's), not to everything the load writes.

    DuckDB holds a transaction's new rows, and keeps the blocks it writes, in memory up to its memory
    limit (80% of RAM by default), so without a bound a run's peak memory grows with its documents.
    Under a budget it writes them to the database file or its temporary folder instead. The budget is
    WORKING_MEMORY plus INDEX_BYTES_PER_ROW for every row of the warehouse and of the load (the
    primary-key indexes must fit in memory). Where DuckDB still runs out, the transaction is rolled
    back and run again with four times the budget. SANCTRACK_DUCKDB_MEMORY_LIMIT, when set, is the
    limit instead, and an out-of-memory error is final.
    """
    if load_settings().duckdb_memory_limit:
        with transaction(con):
            return work()
    (rows,) = con.execute(
        "select coalesce(sum(estimated_size), 0) from duckdb_tables() where database_name = current_database()"
    ).fetchall()[0]
    budget = WORKING_MEMORY + INDEX_BYTES_PER_ROW * (int(rows) + new_rows)
    try:
        while True:
            con.execute(f"set memory_limit = '{max(budget // 2**20, 1)}MiB'")
            try:
                with transaction(con):
                    return work()
            except (duckdb.OutOfMemoryException, duckdb.TransactionException) as exc:
                if "out of memory" not in str(exc).lower() and "allocate" not in str(exc).lower():
                    raise
                if budget >= LARGEST_BUDGET:
                    raise
                log.warning("event=memory_budget_exceeded budget_mb=%d retry_mb=%d", budget // 2**20,
                            budget * 4 // 2**20)
                budget *= 4
    finally:
        con.execute("reset memory_limit")


def table_names(con: duckdb.DuckDBPyConnection, kind: str = "BASE TABLE") -> list[str]:
    """Tables (or views, with kind="VIEW") of the main schema, sorted."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'main' and table_type = ? "
        "order by table_name",
        [kind],
    ).fetchall()
    return [name for (name,) in rows]
