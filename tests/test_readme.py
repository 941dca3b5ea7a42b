"""Every SQL block of the README runs, as `sanctrack query` runs it, on a warehouse of every shipped list, the
seed article and the dev texts; and each shows something there."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from sanctrack.warehouse.db import connect, seal
from sanctrack.warehouse.query import run_read_only

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_statements() -> list[tuple[str, str]]:
    """(the comment above it, the statement) for every statement of every ```sql block, split by DuckDB."""
    parser = duckdb.connect()
    found = []
    for block in re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for statement in parser.extract_statements(block):
            comments = re.findall(r"^-- (.*)$", statement.query, re.M)
            found.append((comments[-1] if comments else statement.query.strip()[:60], statement.query))
    return found


STATEMENTS = readme_statements()


def test_the_readme_has_sql_to_check() -> None:
    assert len(STATEMENTS) >= 12


@pytest.fixture(scope="module")
def con(full_warehouse: Path):
    con = connect(full_warehouse, read_only=True)
    seal(con)  # as the query verb: read-only, nothing else reachable
    yield con
    con.close()


@pytest.mark.shared_data
@pytest.mark.parametrize("sql", [sql for _, sql in STATEMENTS], ids=[label for label, _ in STATEMENTS])
def test_every_readme_query_runs_and_shows_something(con, sql: str) -> None:
    columns, batches = run_read_only(con, sql)
    rows = [row for batch in batches for row in batch]
    assert columns and rows, f"no rows from the README's {sql!r}"


@pytest.mark.shared_data
def test_what_changed_at_the_last_load_is_not_the_whole_history(con) -> None:
    sql = next(sql for label, sql in STATEMENTS if label.startswith("What changed at the last load"))
    _, batches = run_read_only(con, sql)
    shown = sum(len(batch) for batch in batches)
    history, last = con.execute("select count(*), count(*) filter (where detected_at = (select max(detected_at) "
                                "from designation_changes)) from designation_changes").fetchone()
    assert 0 < shown == last < history


@pytest.mark.shared_data
def test_how_each_list_changed_with_its_latest_version(con) -> None:
    sql = next(sql for label, sql in STATEMENTS if label.startswith("How did each list change"))
    _, batches = run_read_only(con, sql)
    rows = {(authority, str(published_on), change): n for batch in batches
            for authority, _, published_on, change, n in batch}
    # The README of the shared lists: the FCDO list 07/08 -> 22/08/2026, 28 amended; OFAC's Consolidated list
    # 2024-07-03 -> 2026-01-08, 1 added, 32 amended, 2 removed; the SDN delta of 2025-02-13, 1 added.
    assert {key: n for key, n in rows.items() if key[0] in ("UK", "US")} == {
        ("UK", "2026-08-22", "amended"): 28, ("US", "2026-01-08", "added"): 1, ("US", "2026-01-08", "amended"): 32,
        ("US", "2026-01-08", "removed"): 2, ("US", "2025-02-13", "added"): 1}
