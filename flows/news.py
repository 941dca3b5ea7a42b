"""The news flow, for Prefect: the steps of flows/steps.py:run_news as tasks.

Batches are processed by tasks (on threads, or on a Dask cluster: workers extract, this process
is the one writer) and staged on disk as they come back, so memory does not grow with the number
of documents. The warehouse is open only for short moments: to record the run's start, to read what
extraction needs, to prepare the links, and for the merge (one transaction: a failure or a kill
leaves the warehouse as it was). Readers are never blocked for longer than that merge.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from sanctrack.flows.steps import DEFAULT_BATCH_SIZE, BatchResult, process_batch, run_news
from sanctrack.news import Extraction, ValidatedBatch
from sanctrack.run_summary import publish_run_artifact_from
from sanctrack.warehouse.news import NewsStage, merge_news

__all__ = ["news_flow", "run_news", "task_runner_for"]


@task(cache_policy=NO_CACHE, name="process batch")
def process_batch_task(uris: list[str], known: dict[str, str], extraction: Extraction) -> BatchResult:
    return process_batch(uris, known, extraction)


@task(cache_policy=NO_CACHE, name="stage")
def stage_task(stage: NewsStage, batch: ValidatedBatch) -> int:
    return stage.add(batch)


@task(cache_policy=NO_CACHE, name="load")
def load_task(con, run, stage: NewsStage) -> None:
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
              feeds: list[str] | None = None, wait: float | None = None) -> dict:
    """Load news documents (files, directories, globs, URLs, and the items of RSS/Atom feeds) into the warehouse."""
    result = run_news(
        sources, db_path, batch_size, feeds=feeds or [], wait=wait,
        process=lambda chunks, known, extraction: submitted_in_order(chunks, known, extraction, in_flight),
        stage=lambda stage, batch: stage_task(stage, quote(batch)), load=load_task,
    )
    publish_run_artifact_from(db_path, result["run_id"])  # what changed, in the Prefect UI
    return result
