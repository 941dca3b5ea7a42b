"""Loading validated news frames into the warehouse (inside the caller's transaction)."""

from __future__ import annotations

import duckdb
import pandas as pd

from sanctrack.news import MENTION_COLUMNS, ValidatedBatch
from sanctrack.warehouse.runs import Run, utcnow


def known_extractions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """document_id -> extractor version of the document's current mentions."""
    return dict(con.execute("select document_id, extractor_version from extractions").fetchall())


def load_news_batch(con: duckdb.DuckDBPyConnection, run: Run, batch: ValidatedBatch) -> None:
    """Insert new documents and sources, replace the mentions of re-extracted documents, keep quarantine.

    Re-loading the same batch changes nothing: documents are keyed by content, mentions by
    document, extractor version and span, quarantine rows by table, row and check.
    """
    documents = batch.documents.valid
    con.register("batch_documents", documents)
    inserted = con.execute(
        """
        insert into documents
            (document_id, source_uri, title, published_on, fetched_at, content_type, n_chars, text, run_id)
        select document_id, source_uri, title, cast(published_on as date), fetched_at, content_type,
            n_chars, text, ?
        from batch_documents as b
        where not exists (select 1 from documents as d where d.document_id = b.document_id)
        """,
        [run.run_id],
    ).fetchone()[0]
    run.bump("documents_added", inserted)
    con.unregister("batch_documents")
    con.register("batch_sources", batch.sources)
    con.execute(
        """
        insert into document_sources (document_id, source_uri, first_seen_run_id)
        select distinct document_id, source_uri, ? from batch_sources as b
        where not exists (
            select 1 from document_sources as s
            where s.document_id = b.document_id and s.source_uri = b.source_uri
        )
        """,
        [run.run_id],
    )
    con.unregister("batch_sources")

    replaced = added = 0
    if batch.extracted_ids:
        mentions = batch.mentions.valid
        extracted = pd.DataFrame({"document_id": batch.extracted_ids})
        counts = mentions.groupby("document_id").size()
        extracted["mention_count"] = extracted["document_id"].map(counts).fillna(0).astype("int64")
        con.register("batch_extracted", extracted)
        con.register("batch_mentions", mentions)
        replaced = con.execute(
            "delete from mentions where document_id in (select document_id from batch_extracted)"
        ).fetchone()[0]
        columns = ", ".join(MENTION_COLUMNS)
        added = con.execute(
            f"insert into mentions ({columns}, run_id) select {columns}, ? from batch_mentions", [run.run_id]
        ).fetchone()[0]
        con.execute(
            """
            insert or replace into extractions (document_id, extractor_version, mention_count, run_id, extracted_at)
            select document_id, ?, mention_count, ?, ? from batch_extracted
            """,
            [batch.extractor_version, run.run_id, utcnow()],
        )
        con.unregister("batch_extracted")
        con.unregister("batch_mentions")
    run.bump("mentions_replaced", replaced)
    run.bump("mentions_added", added)
    run.bump("documents_extracted", len(batch.extracted_ids))
    run.bump("documents_skipped", batch.skipped)
    for validated in (batch.documents, batch.mentions):
        load_quarantine(con, run, validated.quarantined)


def load_quarantine(con: duckdb.DuckDBPyConnection, run: Run, quarantined: pd.DataFrame) -> None:
    """Keep each failed row once (the first run that met it); count them in the run either way."""
    run.bump("quarantined", len(quarantined))
    if quarantined.empty:
        return
    con.register("batch_quarantine", quarantined)
    con.execute(
        """
        insert into quarantine
            (quarantine_id, run_id, target_table, row_json, check_name, column_name, failure_case,
             source_location, quarantined_at)
        select quarantine_id, ?, target_table, row_json, check_name, column_name, failure_case,
            source_location, ?
        from batch_quarantine as b
        where not exists (select 1 from quarantine as q where q.quarantine_id = b.quarantine_id)
        """,
        [run.run_id, utcnow()],
    )
    con.unregister("batch_quarantine")
    for table, n in quarantined["target_table"].value_counts().items():
        run.bump(f"quarantined_{table}", int(n))
