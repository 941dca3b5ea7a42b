"""Keeping rows that failed their contract: one insert for every flow."""

from __future__ import annotations

import duckdb

from sanctrack.warehouse.runs import Run, utcnow


def insert_quarantine(con: duckdb.DuckDBPyConnection, run: Run, relation: str) -> int:
    """Keep the rows of `relation` (QuarantineFrame columns) in `quarantine`, each failure once.

    `relation` is a registered frame's name or a table function such as `read_parquet('...')`.
    Returns how many rows this run quarantined (counted in the run even when kept before).
    """
    (seen,) = con.execute(f"select count(*) from {relation}").fetchall()[0]
    run.bump("quarantined", seen)
    if seen:
        con.execute(
            f"""
            insert into quarantine
                (quarantine_id, run_id, target_table, row_json, check_name, column_name, failure_case,
                 source_location, quarantined_at)
            select distinct on (quarantine_id)
                quarantine_id, $run_id, target_table, row_json, check_name, column_name, failure_case,
                source_location, $now
            from {relation} as b
            where not exists (select 1 from quarantine as q where q.quarantine_id = b.quarantine_id)
            """,
            {"run_id": run.run_id, "now": utcnow()},
        ).fetchall()
    return seen
