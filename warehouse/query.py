"""The `query` verb's SQL: one read-only statement, on a sealed connection, within a time limit.

Three locks, each enough on its own for what it guards: the statement is checked with DuckDB's own
parser (one SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, VALUES, FROM... or an EXPLAIN of one); the
warehouse is attached read-only; the connection is sealed (`warehouse.db.seal`: no other file, no
network, no extension, no setting change) before the user's SQL runs. A timer interrupts the query
at its time limit, and the caller closes the connection, so a forgotten query never holds the file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

# What `query` runs. DuckDB's parser gives DESCRIBE, SHOW, SUMMARIZE, PIVOT, VALUES and FROM-first
# queries the SELECT type; EXPLAIN is allowed when what it explains is itself a SELECT.
READ_STATEMENTS = {duckdb.StatementType.SELECT}


class QueryRefused(Exception):
    """SQL that the read-only query verb does not run: says which statement and why."""


class QueryTimedOut(Exception):
    """A query interrupted at its time limit."""


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but exactly one reading statement, as DuckDB's own parser reads it."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(str(exc)) from None
    if not statements:
        raise QueryRefused("the SQL is empty (nothing but white space, comments or semicolons): give one SELECT "
                           "(or WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)")
    if len(statements) != 1:
        raise QueryRefused(f"one statement at a time ({len(statements)} given): the query verb runs a single "
                           "SELECT (or WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); run the others one by one")
    statement = statements[0]
    kind = statement.type
    if kind == duckdb.StatementType.EXPLAIN:
        inner = _explained(statement.query)
        inner_statements = con.extract_statements(inner) if inner.strip() else []
        if len(inner_statements) == 1 and inner_statements[0].type in READ_STATEMENTS:
            return
        kind = inner_statements[0].type if len(inner_statements) == 1 else kind
        raise QueryRefused(f"EXPLAIN of a {kind.name} statement: the warehouse is read-only here, and the query "
                           "verb explains only SELECT queries")
    if kind not in READ_STATEMENTS:
        raise QueryRefused(f"{kind.name} statements are not run: the warehouse is read-only here; the query verb "
                           "runs a single SELECT (or WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)")


def _explained(sql: str) -> str:
    """The statement an EXPLAIN explains: after EXPLAIN, its option list `( ... )` and ANALYZE (DuckDB's tokens)."""
    tokens = duckdb.tokenize(sql)
    texts = [sql[start:end].strip() for (start, _), end in
             zip(tokens, [start for start, _ in tokens[1:]] + [len(sql)])]
    i = 1  # tokens[0] is EXPLAIN
    if i < len(texts) and texts[i] == "(":
        depth = 0
        while i < len(texts):
            depth += texts[i].count("(") - texts[i].count(")")
            i += 1
            if depth <= 0:
                break
    if i < len(texts) and texts[i].lower() in ("analyze", "analyse"):
        i += 1
    return sql[tokens[i][0]:] if i < len(tokens) else ""


@contextmanager
def time_limit(con: duckdb.DuckDBPyConnection, seconds: float) -> Iterator[None]:
    """Interrupt whatever the connection runs once `seconds` have passed (QueryTimedOut)."""
    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except duckdb.InterruptException:
        if fired.is_set():
            raise QueryTimedOut(f"stopped after {seconds:g} s (the --timeout): the warehouse is released") from None
        raise
    finally:
        timer.cancel()


def run_read_only(con: duckdb.DuckDBPyConnection, sql: str, batch_rows: int = 10_000
                  ) -> tuple[list[str], Iterator[list[tuple]]]:
    """Check the SQL, then run it: its columns, and its rows in batches (the result is streamed, not held)."""
    check_read_only(con, sql)
    result = con.execute(sql)  # a streaming result: rows are produced as they are fetched
    columns = [column[0] for column in result.description or []]

    def batches() -> Iterator[list[tuple]]:
        while rows := result.fetchmany(batch_rows):
            yield rows

    return columns, batches()
