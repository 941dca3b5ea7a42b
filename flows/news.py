"""The news flow: read documents -> extract mentions -> validate -> stage, in bounded batches; then load.

Batches are staged on disk as they come, so memory does not grow with the number of documents;
the load merges the whole run inside one transaction: a failure or a kill leaves the warehouse as it was.
"""

from __future__ import annotations

from itertools import islice

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from sanctrack.documents import Document, SourceError, expand_sources, read_documents
import sanctrack.extract as extractor
from sanctrack.news import ExtractedBatch, ValidatedBatch, extract_batch, validate_batch
from sanctrack.warehouse.db import connect, transaction
from sanctrack.warehouse.news import NewsStage, known_extractions, merge_news
from sanctrack.warehouse.runs import Run, record_run

DEFAULT_BATCH_SIZE = 500


def batched(items, size: int):
    """itertools.batched of Python 3.12."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@task(cache_policy=NO_CACHE, name="read documents")
def read_batch(uris: list[str]) -> tuple[list[Document], list[SourceError]]:
    documents, errors = [], []
    for item in read_documents(uris):
        (errors if isinstance(item, SourceError) else documents).append(item)
    return documents, errors


@task(cache_policy=NO_CACHE, name="extract mentions")
def extract_task(documents: list[Document], known: dict[str, str], extractor_version: str) -> ExtractedBatch:
    return extract_batch(documents, known, extractor_version)


@task(cache_policy=NO_CACHE, name="validate")
def validate_task(batch: ExtractedBatch, extractor_version: str) -> ValidatedBatch:
    return validate_batch(batch, extractor_version)


@task(cache_policy=NO_CACHE, name="stage")
def stage_task(stage: NewsStage, batch: ValidatedBatch) -> None:
    stage.add(batch)


@task(cache_policy=NO_CACHE, name="load")
def load_task(con, run: Run, stage: NewsStage) -> None:
    merge_news(con, run, stage)


@flow(name="news")
def news_flow(sources: list[str], db_path: str, batch_size: int = DEFAULT_BATCH_SIZE) -> dict:
    """Load news documents from files, directories, globs or URLs into the warehouse."""
    return run_news(sources, db_path, batch_size, read=read_batch, extract=extract_task,
                    validate=validate_task, stage=stage_task, load=load_task)


def run_news(sources, db_path, batch_size=DEFAULT_BATCH_SIZE, *, read=read_batch.fn, extract=extract_task.fn,
             validate=validate_task.fn, stage=stage_task.fn, load=load_task.fn) -> dict:
    """The steps of the flow; with the default plain functions it runs without Prefect."""
    version = extractor.EXTRACTOR_VERSION
    run = Run("news", params={"sources": list(sources), "db_path": str(db_path)}, extractor_version=version)
    con = connect(db_path)  # held for the whole run: the warehouse has one writer
    staged = NewsStage(db_path, run.run_id)
    document_ids: list[str] = []
    try:
        try:
            known = known_extractions(con)
            with run.timed("list"):
                uris = list(expand_sources(sources))
            for chunk in batched(uris, batch_size):
                for error in (u for u in chunk if isinstance(u, SourceError)):
                    run.add_error(error.source_uri, error.message)
                with run.timed("read"):
                    documents, read_errors = read([u for u in chunk if not isinstance(u, SourceError)])
                for error in read_errors:
                    run.add_error(error.source_uri, error.message)
                run.bump("documents_read", len(documents))
                document_ids.extend(d.document_id for d in documents)
                with run.timed("extract"):
                    extracted = extract(documents, known, version)
                # A text met again later in the run (at another URI) is not extracted twice.
                known.update(dict.fromkeys(extracted.extracted_ids, version))
                run.bump("documents_extracted", len(extracted.extracted_ids))
                run.bump("documents_skipped", extracted.skipped)
                with run.timed("validate"):
                    validated = validate(extracted, version)
                with run.timed("stage"):
                    stage(staged, validated)
            run.counts["source_errors"] = len(run.errors)
            with transaction(con):
                with run.timed("load"):
                    load(con, run, staged)
                record_run(con, run)
        except Exception as exc:
            # The warehouse is as it was; say in `runs` that this run failed, and why.
            run.add_error("(run)", f"{type(exc).__name__}: {exc}")
            with transaction(con):
                record_run(con, run, status="failed")
            raise
    finally:
        staged.remove()
        con.close()
    return {
        "run_id": run.run_id,
        "status": run.status,
        "counts": run.counts,
        "errors": run.errors,
        "document_ids": list(dict.fromkeys(document_ids)),
        "seconds": run.seconds,
    }
