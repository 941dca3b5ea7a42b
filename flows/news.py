"""The news flow: read -> extract -> validate each batch of documents, stage it; then load the run.

Batches are processed by tasks (on threads, or on a Dask cluster: workers extract, this process
is the one writer) and staged on disk as they come back, so memory does not grow with the number
of documents; the load merges the whole run inside one transaction: a failure or a kill leaves
the warehouse as it was.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from sanctrack.extract.known import from_warehouse as known_entities
from sanctrack.documents import SourceError, expand_sources, read_documents
from sanctrack.feeds import expand_feeds
from sanctrack.news import Extraction, ValidatedBatch, extract_batch, validate_batch
from sanctrack.progress import progress_bar
from sanctrack.run_summary import publish_run_artifact_from
from sanctrack.warehouse.db import connect, transaction, within_memory_budget
from sanctrack.warehouse.links import links_outdated, recompute_mention_links
from sanctrack.warehouse.news import NewsStage, already_read, known_extractions, merge_news
from sanctrack.warehouse.runs import Run, record_run, repair_runs

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500


@dataclass
class BatchResult:
    """What one batch of documents became, with the time each step took."""

    validated: ValidatedBatch
    errors: list[SourceError]
    document_ids: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """itertools.batched of Python 3.12."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def process_batch(uris: list[str], known: dict[str, str], extraction: Extraction) -> BatchResult:
    """Read, extract and validate one batch of documents (no warehouse access: runs on any worker)."""
    seconds = {}
    started = time.perf_counter()
    documents, errors = [], []
    for item in read_documents(uris):
        (errors if isinstance(item, SourceError) else documents).append(item)
    seconds["read"] = time.perf_counter() - started
    extracted = extract_batch(documents, known, extraction)
    seconds["extract"] = time.perf_counter() - started - seconds["read"]
    validated = validate_batch(extracted, extraction.version)
    seconds["validate"] = time.perf_counter() - started - seconds["read"] - seconds["extract"]
    return BatchResult(validated, errors + extracted.failures, [d.document_id for d in documents], seconds)


@task(cache_policy=NO_CACHE, name="process batch")
def process_batch_task(uris: list[str], known: dict[str, str], extraction: Extraction) -> BatchResult:
    return process_batch(uris, known, extraction)


@task(cache_policy=NO_CACHE, name="stage")
def stage_task(stage: NewsStage, batch: ValidatedBatch) -> int:
    return stage.add(batch)


@task(cache_policy=NO_CACHE, name="load")
def load_task(con, run: Run, stage: NewsStage) -> None:
    merge_news(con, run, stage)


def submitted_in_order(chunks: Iterable[list[str]], known: dict[str, str], extraction: Extraction,
                       in_flight: int) -> Iterator[BatchResult]:
    """Submit batches to the flow's task runner, at most `in_flight` at a time, and yield results in order.

    With one in flight the task is called in this thread: submitting costs far more than the call.
    """
    if in_flight <= 1:
        # quote(): Prefect would otherwise walk every item of the inputs looking for futures
        # (seconds per run). Submitted tasks get the inputs plainly: Dask ships them to a worker.
        quoted, extraction_q = quote(known), quote(extraction)
        yield from (process_batch_task(quote(chunk), quoted, extraction_q) for chunk in chunks)
        return
    pending: deque = deque()
    for chunk in chunks:
        pending.append(process_batch_task.submit(chunk, known, extraction))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def processed_here(chunks: Iterable[list[str]], known: dict[str, str], extraction: Extraction) -> Iterator[BatchResult]:
    return (process_batch(chunk, known, extraction) for chunk in chunks)


def task_runner_for(name: str, address: str | None):
    """The task runner the flow fans batches out to: Prefect's threads, or a Dask cluster."""
    if name == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True})
    if name == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=1)
    raise ValueError(f"unknown task runner {name!r}: choose threads or dask")


@flow(name="news")
def news_flow(sources: list[str], db_path: str, batch_size: int = DEFAULT_BATCH_SIZE, in_flight: int = 1,
              feeds: list[str] | None = None) -> dict:
    """Load news documents (files, directories, globs, URLs, and the items of RSS/Atom feeds) into the warehouse."""
    result = run_news(
        sources, db_path, batch_size, feeds=feeds or [],
        process=lambda chunks, known, extraction: submitted_in_order(chunks, known, extraction, in_flight),
        stage=lambda stage, batch: stage_task(stage, quote(batch)), load=load_task,
    )
    publish_run_artifact_from(db_path, result["run_id"])  # what changed, in the Prefect UI
    return result


def run_news(
    sources: Iterable[str],
    db_path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    feeds: Iterable[str] = (),
    process: Callable[[Iterable[list[str]], dict, Extraction], Iterator[BatchResult]] = processed_here,
    stage: Callable[[NewsStage, ValidatedBatch], int] = stage_task.fn,
    load: Callable = load_task.fn,
) -> dict:
    """The steps of the flow; with the default plain functions it runs without Prefect."""
    sources, feeds = list(sources), list(feeds)
    con = connect(db_path)  # held for the whole run: the warehouse has one writer
    # The names on the official lists loaded in the warehouse are recognised as such; the
    # extraction's version says which lists, so a new list version re-extracts the documents.
    extraction = Extraction.with_lists(known_entities(con))
    version = extraction.version
    run = Run("news", params={"sources": sources, "feeds": feeds, "db_path": str(db_path)}, extractor_version=version)
    with transaction(con):
        repair_runs(con, db_path, run)  # runs killed before they finished: marked as such
    staged = NewsStage(db_path, run.run_id)
    run.counts.update(documents_read=0, documents_extracted=0, documents_skipped=0)
    document_ids: list[str] = []
    try:
        try:
            known = known_extractions(con)
            with run.timed("list"):
                uris = list(expand_sources(sources))
                if feeds:  # an item whose URL was read before is not fetched again
                    links, feed_errors, known_links = expand_feeds(feeds, already_read(con))
                    uris += links + feed_errors
                    run.bump("feed_items_already_read", known_links)
            for error in (u for u in uris if isinstance(u, SourceError)):
                run.add_error(error.source_uri, error.message)
            uris = [u for u in uris if not isinstance(u, SourceError)]
            with progress_bar(len(uris), "documents") as advance:
                for result in process(batched(uris, batch_size), known, extraction):
                    for step, seconds in result.seconds.items():
                        run.seconds[step] = run.seconds.get(step, 0.0) + seconds
                    for error in result.errors:
                        run.add_error(error.source_uri, error.message)
                    with run.timed("stage"):
                        extracted = stage(staged, result.validated)
                    read = len(result.document_ids)
                    run.bump("documents_read", read)
                    run.bump("documents_extracted", extracted)
                    run.bump("documents_skipped", read - extracted)
                    document_ids.extend(result.document_ids)
                    log.info("event=batch_staged documents=%d extracted=%d failed=%d mentions=%d",
                             read, extracted, len(result.errors), len(result.validated.mentions.valid))
                    advance(read + len(result.errors))
            run.counts["source_errors"] = len(run.errors)

            def merge() -> None:  # one transaction: the whole run or none of it
                with run.timed("load"):
                    load(con, run, staged)
                outdated = links_outdated(con)  # made by another matcher version: link everything again
                if run.counts["mentions_added"] or run.counts["mentions_replaced"] or outdated:
                    with run.timed("link"):  # otherwise, link the mentions of the documents this run extracted
                        extracted = staged.files("extractions")
                        scope = None if outdated or not extracted else f"read_parquet('{extracted}')"
                        run.counts["mention_links"] = recompute_mention_links(con, documents=scope)
                record_run(con, run)

            within_memory_budget(con, staged.rows(con), merge)
            log.info("event=run_loaded run_id=%s counts=%s", run.run_id, run.counts)
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
