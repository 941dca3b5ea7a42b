"""The runs as plain functions: the steps each flow sequences, with no Prefect.

`run_news` and `run_lists` are what `sanctrack run` calls when no Prefect server is configured, and
what tests and benchmarks call; the Prefect flows (flows/news.py, flows/lists.py) call them with
their tasks as the steps. Each opens the warehouse only for short moments: to record the run's
start (warehouse/runs.py: start_run), to read what the work needs, and to write (a merge
transaction); the work itself (fetching, reading, extracting, validating, staging, computing the
links) happens with the file closed, so readers are never blocked for longer than a write.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sanctrack.documents import SourceError, expand_sources, read_documents
from sanctrack.feeds import expand_feeds
from sanctrack.lists import ListFormatError, parse_list
from sanctrack.lists.fetch import FetchError, ListSource, fetch_state, fetch_with_state, remember_fetch, resolve_sources
from sanctrack.lists.validate import validate_parsed
from sanctrack.extract.known import from_warehouse as known_entities
from sanctrack.news import Extraction, ValidatedBatch, extract_batch, validate_batch
from sanctrack.progress import progress_bar
from sanctrack.settings import load_settings
from sanctrack.warehouse.db import WarehouseBusy, opened, transaction, within_memory_budget
from sanctrack.warehouse.entities import entities_outdated, prepare_entities
from sanctrack.warehouse.links import links_outdated, prepare_links, write_prepared_links
from sanctrack.warehouse.lists import (
    DEFAULT_MAX_SHRINK, ListIntegrityError, ListLoadRefused, load_list, loaded_version,
)
from sanctrack.warehouse.news import NewsStage, already_read, known_extractions, merge_news
from sanctrack.warehouse.runs import Run, record_failure, record_run, start_run, utcnow, writing

log = logging.getLogger(__name__)

# The failures a list source can meet: reported per source, the run goes on with the next one.
SOURCE_ERRORS = (FetchError, ListFormatError, ListLoadRefused, ListIntegrityError)

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


def processed_here(chunks: Iterable[list[str]], known: dict[str, str], extraction: Extraction) -> Iterator[BatchResult]:
    return (process_batch(chunk, known, extraction) for chunk in chunks)


def run_news(
    sources: Iterable[str],
    db_path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    feeds: Iterable[str] = (),
    wait: float | None = None,
    process: Callable[[Iterable[list[str]], dict, Extraction], Iterator[BatchResult]] = processed_here,
    stage: Callable[[NewsStage, ValidatedBatch], int] = NewsStage.add,
    load: Callable = merge_news,
) -> dict:
    """The steps of the flow; with the default plain functions it runs without Prefect.

    `wait`: seconds to wait for the warehouse when another process holds it (default SANCTRACK_WAIT,
    60); past it the run fails with WarehouseBusy naming the holder, and is recorded as failed.
    """
    wait = load_settings().lock_wait_s if wait is None else wait
    sources, feeds = list(sources), list(feeds)
    run = Run("news", params={"sources": sources, "feeds": feeds, "db_path": str(db_path)})
    try:
        lease = start_run(db_path, run, wait=wait)  # in `runs` from now on; runs that died are marked
    except WarehouseBusy as exc:
        record_failure(db_path, run, exc, wait=wait)
        raise
    staged = None
    try:
        with opened(db_path, read_only=True, wait=wait) as con:  # what extraction needs, read once
            # The names on the official lists loaded are recognised as such; the extraction's version
            # says which lists, so a new list version re-extracts the documents.
            extraction = Extraction.with_lists(known_entities(con, db_path))
            known = known_extractions(con)
            read_before = already_read(con) if feeds else set()
        run.extractor_version = extraction.version
        staged = NewsStage(db_path, run.run_id)
        document_ids = stage_documents(run, sources, feeds, read_before, known, extraction, staged, batch_size,
                                       process, stage)
        extracted = staged.files("extractions")
        prepared = None
        if extracted:  # screening the run's names against the lists: before the merge, not inside it
            with run.timed("link"), opened(db_path, read_only=True, wait=wait) as con:
                prepared = prepare_links(con, db_path, f"read_parquet('{extracted}')",
                                         staged_mentions=staged.files("mentions"), staged_documents=staged.files("documents"))

        def merge(con) -> None:  # one transaction: the whole run or none of it
            with run.timed("load"):
                load(con, run, staged)
            with run.timed("link"):  # the prepared links; computed here only if the lists changed since
                changed = bool(run.counts["mentions_added"] or run.counts["mentions_replaced"])
                if (written := write_prepared_links(con, prepared, changed=changed)) is not None:
                    run.counts["mention_links"] = written
            record_run(con, run)

        with writing(db_path, run, wait=wait) as con:
            within_memory_budget(con, staged.rows(con), lambda: merge(con))
        log.info("event=run_loaded run_id=%s counts=%s", run.run_id, run.counts)
    except Exception as exc:
        record_failure(db_path, run, exc, wait=wait)  # the warehouse is as it was; `runs` says why
        raise
    finally:
        if staged is not None:
            staged.remove()
        lease.release()
    return {
        "run_id": run.run_id,
        "status": run.status,
        "counts": run.counts,
        "errors": run.errors,
        "document_ids": list(dict.fromkeys(document_ids)),
        "seconds": run.seconds,
    }


def stage_documents(run: Run, sources: list[str], feeds: list[str], read_before: set[str],
                    known: dict[str, str], extraction: Extraction, staged: NewsStage, batch_size: int, process,
                    stage) -> list[str]:
    """List the documents, read, extract and validate them batch by batch, and stage each batch (the
    warehouse is not open meanwhile); returns the ids of the documents read."""
    document_ids: list[str] = []
    run.counts.update(documents_read=0, documents_extracted=0, documents_skipped=0)
    with run.timed("list"):
        uris = list(expand_sources(sources))
        if feeds:  # an item whose URL was read before is not fetched again
            links, feed_errors, known_links = expand_feeds(feeds, read_before)
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
            run.sources_ok += read
            document_ids.extend(result.document_ids)
            log.info("event=batch_staged documents=%d extracted=%d failed=%d mentions=%d",
                     read, extracted, len(result.errors), len(result.validated.mentions.valid))
            advance(read + len(result.errors))
    run.counts["source_errors"] = len(run.errors)
    return document_ids


def run_lists(sources: list[str], db_path: str | Path, fmt: str | None = None, force: bool = False,
              max_shrink: float = DEFAULT_MAX_SHRINK, *, wait: float | None = None, fetch=fetch_with_state,
              parse=parse_list, validate=validate_parsed, load=load_list) -> dict:
    """The steps of the flow; with the default plain functions it runs without Prefect.

    `wait`: seconds to wait for the warehouse when another process holds it (default SANCTRACK_WAIT).
    """
    wait = load_settings().lock_wait_s if wait is None else wait
    run = Run("lists", params={"sources": list(sources), "db_path": str(db_path), "format": fmt, "force": force,
                               "max_shrink": max_shrink})
    dest_dir = Path(db_path).resolve().parent / "list_files"
    results: list[dict] = []
    # Each list loads in its own transaction: the run is in `runs` from its start, and its lease
    # tells the next run whether this process is still alive (warehouse/runs.py).
    try:
        lease = start_run(db_path, run, wait=wait)
    except WarehouseBusy as exc:
        record_failure(db_path, run, exc, wait=wait)
        raise
    try:
        resolved = resolve_sources(list(sources), fmt)
        rows = 0
        with progress_bar(len(resolved), "lists") as advance:
            for source in resolved:
                advance(0, source.name)
                try:
                    result = load_source(db_path, run, source, dest_dir, force, max_shrink, wait,
                                         fetch=fetch, parse=parse, validate=validate, load=load)
                except WarehouseBusy:
                    raise  # not this source's fault: the run cannot write
                except Exception as exc:  # noqa: BLE001 - reported in the run; the other sources still load
                    if isinstance(exc, SOURCE_ERRORS):  # bad data: the run's errors carry it to the CLI and artifact
                        log.info("%s: %s", source.name, exc)
                    else:  # a bug, not bad data: keep the traceback
                        log.exception("%s: unexpected %s", source.name, type(exc).__name__)
                    # bad data speaks for itself; a bug keeps its exception's name
                    message = str(exc) if isinstance(exc, SOURCE_ERRORS) else f"{type(exc).__name__}: {exc}"
                    run.add_error(source.name, message)
                    results.append({"source": source.name, "status": "failed", "error": message})
                    advance(1, f"{source.name} failed")
                    continue
                results.append({"source": source.name, **result})
                run.sources_ok += 1
                run.bump(f"lists_{result['status']}")
                for key in ("added", "amended", "removed"):
                    run.bump(f"designations_{key}", result.get(key, 0))
                rows += result.get("designations", 0)
                advance(1, f"{rows:,} list rows")
        run.counts["source_errors"] = len(run.errors)
        with run.timed("link"), opened(db_path, read_only=True, wait=wait) as con:
            # The lists (or the matcher) changed: every link again, computed before the write.
            relink = bool(run.counts.get("lists_loaded")) or links_outdated(con)
            prepared = prepare_links(con, db_path) if relink else None
        with run.timed("entities"), opened(db_path, read_only=True, wait=wait) as con:
            # Entities across lists: only what changed is compared again (seconds); the first time, or after a
            # new linker or matcher version, everything (about half a minute for every shipped list).
            regroup = bool(run.counts.get("lists_loaded")) or entities_outdated(con)
            entities = prepare_entities(con, db_path) if regroup else None
        with writing(db_path, run, wait=wait) as con, transaction(con):
            with run.timed("link"):
                if (written := write_prepared_links(con, prepared)) is not None:
                    run.counts["mention_links"] = written
            if entities is not None:
                with run.timed("entities"):
                    entities.write(con)
                run.counts.update(entities_relinked=entities.counts.entries_relinked, entities=entities.counts.entities)
            record_run(con, run)
    except Exception as exc:
        record_failure(db_path, run, exc, wait=wait)
        raise
    finally:
        lease.release()
    return {"run_id": run.run_id, "status": run.status, "counts": run.counts, "errors": run.errors,
            "sources": results, "seconds": run.seconds}


def load_source(db_path: str | Path, run: Run, source: ListSource, dest_dir: Path, force: bool, max_shrink: float,
                wait: float, *, fetch, parse, validate, load) -> dict:
    """One source: skip it when unchanged (304 or a known sha256), else parse, validate and load it atomically.

    Only the load holds the warehouse for writing; the download, the parse and the validation do not
    hold it at all."""
    state = None
    if source.is_url:
        with opened(db_path, read_only=True, wait=wait) as con:
            state = fetch_state(con, source.location)
    fetched = fetch(source, state, dest_dir)
    if fetched.not_modified:
        return {"status": "unchanged", "reason": "HTTP 304 Not Modified"}
    with opened(db_path, read_only=True, wait=wait) as con:
        known = loaded_version(con, fetched.sha256)
    if known is not None and not force:
        if source.is_url:
            with writing(db_path, run, wait=wait) as con, transaction(con):
                remember_fetch(con, fetched, utcnow())
        return {"status": "unchanged", "reason": f"sha256 already loaded ({known[0]} {known[1]})"}
    parsed = parse(fetched.path, source.fmt)
    valid, quarantined = validate(parsed)
    with writing(db_path, run, wait=wait) as con, transaction(con):
        result = load(con, run, valid, quarantined, force=force, max_shrink=max_shrink)
        remember_fetch(con, fetched, utcnow())
    return {"status": result.status, "authority": result.authority, "list_name": result.list_name,
            "published_on": str(parsed.published_on), "designations": result.designations, "added": result.added,
            "amended": result.amended, "removed": result.removed, "quarantined": result.quarantined}
