"""Loading the news side of the warehouse: stage validated batches, then merge them in one transaction.

Batches are written to Parquet files beside the warehouse as they come (memory stays flat however
many documents a run reads), and the run's merge applies them all inside the caller's transaction,
so the warehouse sees the whole run or none of it. A killed run leaves only its staging folder,
which the next run removes (the folders of runs still alive stay: runs stage side by side).
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sanctrack.news import MENTION_COLUMNS, ValidatedBatch
from sanctrack.warehouse.quarantine import insert_quarantine
from sanctrack.warehouse.runs import Run, is_alive, utcnow

log = logging.getLogger(__name__)

STAGED_TABLES = ("documents", "sources", "mentions", "extractions", "quarantine")


def known_extractions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """document_id -> extractor version of the document's current mentions."""
    return dict(con.execute("select document_id, extractor_version from extractions").fetchall())


def already_read(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every URI a document has been read from."""
    return {uri for (uri,) in con.execute("select source_uri from document_sources").fetchall()}


def staging_root(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(f"{path.name}.staging")


class NewsStage:
    """A run's validated batches, as Parquet files, waiting for the merge."""

    def __init__(self, db_path: Path | str, run_id: str) -> None:
        root = staging_root(db_path)
        if root.exists():
            for stale in root.iterdir():  # left by a run that was killed (the warehouse never saw it)
                if not is_alive(db_path, stale.name):  # not a run staging beside this one
                    log.warning("removing the staging folder of an unfinished run: %s", stale)
                    shutil.rmtree(stale, ignore_errors=True)
        self.dir = root / run_id
        self.dir.mkdir(parents=True)
        self.batches = 0
        self.staged_ids: set[str] = set()  # documents staged by earlier batches of this run

    def add(self, batch: ValidatedBatch) -> int:
        """Write the batch's frames (the non-empty ones) as one Parquet file each; returns documents staged.

        A text already staged by an earlier batch (the same article at another URI, extracted by
        another worker) is staged once: only its new source URI is kept.
        """
        self.batches += 1
        new_ids = [i for i in dict.fromkeys(batch.extracted_ids) if i not in self.staged_ids]
        if len(new_ids) < len(batch.extracted_ids) or len(batch.documents.valid):
            fresh = ~batch.documents.valid["document_id"].isin(self.staged_ids)
            batch = replace(
                batch,
                documents=replace(batch.documents, valid=batch.documents.valid[fresh]),
                mentions=replace(batch.mentions, valid=batch.mentions.valid[
                    ~batch.mentions.valid["document_id"].isin(self.staged_ids)]),
                extracted_ids=new_ids,
            )
        self.staged_ids.update(new_ids)
        self.staged_ids.update(batch.documents.valid["document_id"])
        extracted = pd.DataFrame({"document_id": pd.Series(batch.extracted_ids, dtype="str")})
        counts = batch.mentions.valid.groupby("document_id").size()
        extracted["mention_count"] = extracted["document_id"].map(counts).fillna(0).astype("int64")
        extracted["extractor_version"] = batch.extractor_version
        frames = {
            "documents": batch.documents.valid,
            "sources": batch.sources,
            "mentions": batch.mentions.valid,
            "extractions": extracted,
            "quarantine": pd.concat([batch.documents.quarantined, batch.mentions.quarantined], ignore_index=True),
        }
        for table, frame in frames.items():
            if len(frame):
                table_arrow = pa.Table.from_pandas(frame, preserve_index=False)
                pq.write_table(table_arrow, self.dir / f"{table}-{self.batches:05d}.parquet")
        return len(batch.extracted_ids)

    def files(self, table: str) -> str | None:
        """The Parquet glob of a table, or None when no batch had rows for it."""
        if not any(self.dir.glob(f"{table}-*.parquet")):
            return None
        return str(self.dir / f"{table}-*.parquet").replace("'", "''")

    def rows(self, con: duckdb.DuckDBPyConnection) -> int:
        """Rows staged in all tables (from the Parquet footers: nothing is read)."""
        total = 0
        for table in STAGED_TABLES:
            if files := self.files(table):
                total += con.execute(f"select count(*) from read_parquet('{files}', union_by_name = true)").fetchall()[0][0]
        return int(total)

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        try:
            self.dir.parent.rmdir()
        except OSError:
            pass  # another folder is still there


def merge_news(con: duckdb.DuckDBPyConnection, run: Run, stage: NewsStage) -> None:
    """Apply the staged run to the warehouse (inside the caller's transaction).

    Re-merging the same input changes nothing: documents are keyed by content, mentions by
    document, extractor version and span, quarantine rows by table, row and check. A document
    re-extracted by a new extractor version has its old mentions replaced.
    """
    run.counts.update(documents_added=0, mentions_replaced=0, mentions_added=0, quarantined=0)
    if documents := stage.files("documents"):
        run.counts["documents_added"] = _count(con, f"""
            insert into documents
                (document_id, source_uri, title, published_on, fetched_at, content_type, n_chars, text, run_id)
            select document_id, source_uri, title, cast(published_on as date), fetched_at, content_type,
                n_chars, text, $run_id
            from read_parquet('{documents}') as b
            where not exists (select 1 from documents as d where d.document_id = b.document_id)
            """, run)
    if sources := stage.files("sources"):
        con.execute(f"""
            insert into document_sources (document_id, source_uri, first_seen_run_id)
            select distinct document_id, source_uri, $run_id from read_parquet('{sources}') as b
            where not exists (
                select 1 from document_sources as s
                where s.document_id = b.document_id and s.source_uri = b.source_uri
            )
            """, {"run_id": run.run_id})
    if extractions := stage.files("extractions"):
        run.counts["mentions_replaced"] = _count(con, f"""
            delete from mentions
            where document_id in (select document_id from read_parquet('{extractions}'))
            """)
        if mentions := stage.files("mentions"):
            columns = ", ".join(MENTION_COLUMNS)
            run.counts["mentions_added"] = _count(con, f"""
                insert into mentions ({columns}, run_id)
                select {columns}, $run_id from read_parquet('{mentions}')
                """, run)
        con.execute(f"""
            insert or replace into extractions
                (document_id, extractor_version, mention_count, run_id, extracted_at)
            select document_id, extractor_version, mention_count, $run_id, $now
            from read_parquet('{extractions}')
            """, {"run_id": run.run_id, "now": utcnow()})
    if quarantine := stage.files("quarantine"):
        insert_quarantine(con, run, f"read_parquet('{quarantine}', union_by_name = true)")


def _count(con: duckdb.DuckDBPyConnection, sql: str, run: Run | None = None) -> int:
    """Run a statement and return its single count (rows changed, or a count(*))."""
    rows = con.execute(sql, {"run_id": run.run_id} if run is not None else {}).fetchall()
    return int(rows[0][0])
