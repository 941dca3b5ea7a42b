"""The lists flow: for each source, fetch -> parse -> validate -> load, each source in its own transaction.

A source that fails (unreachable, truncated, malformed, refused by the shrink guard) is reported in
the run's errors and leaves what was loaded before as it was; the other sources still load.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from sanctrack.lists import ListFormatError, ParsedList, parse_list
from sanctrack.lists.fetch import FetchedFile, FetchError, ListSource, fetch_list, remember_fetch, resolve_sources
from sanctrack.lists.validate import validate_parsed
from sanctrack.progress import progress_bar
from sanctrack.run_summary import publish_run_artifact_from
from sanctrack.warehouse.db import connect, transaction
from sanctrack.warehouse.lists import (
    DEFAULT_MAX_SHRINK, ListIntegrityError, ListLoadRefused, ListLoadResult, load_list, loaded_version,
)
from sanctrack.warehouse.links import links_outdated, recompute_mention_links
from sanctrack.warehouse.runs import Run, RunLease, record_run, record_start, repair_runs, utcnow

log = logging.getLogger(__name__)

# The failures a source can meet: reported per source, the run goes on with the next one.
SOURCE_ERRORS = (FetchError, ListFormatError, ListLoadRefused, ListIntegrityError)


class _ExpectedSourceErrors(logging.Filter):
    """Keep Prefect from printing a traceback for a bad list file: the run reports it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None and record.msg and "encountered an exception" in str(record.msg):
            return not any(name.__name__ in str(record.msg) for name in SOURCE_ERRORS)
        return not isinstance(error, SOURCE_ERRORS)


logging.getLogger("prefect.task_runs").addFilter(_ExpectedSourceErrors())


@task(cache_policy=NO_CACHE, name="fetch list")
def fetch_task(source: ListSource, con, dest_dir: Path) -> FetchedFile:
    return fetch_list(source, con, dest_dir)


@task(cache_policy=NO_CACHE, name="parse list")
def parse_task(path: Path, fmt: str | None) -> ParsedList:
    return parse_list(path, fmt)


@task(cache_policy=NO_CACHE, name="validate list")
def validate_task(parsed: ParsedList) -> tuple[ParsedList, pd.DataFrame]:
    return validate_parsed(parsed)


@task(cache_policy=NO_CACHE, name="load list")
def load_task(con, run: Run, parsed: ParsedList, quarantined: pd.DataFrame, force: bool,
              max_shrink: float) -> ListLoadResult:
    return load_list(con, run, parsed, quarantined, force=force, max_shrink=max_shrink)


@flow(name="lists")
def lists_flow(sources: list[str], db_path: str, fmt: str | None = None, force: bool = False,
               max_shrink: float = DEFAULT_MAX_SHRINK) -> dict:
    """Load official sanctions lists (configured sources, paths or URLs) into the warehouse."""
    result = run_lists(sources, db_path, fmt, force, max_shrink, fetch=fetch_task, parse=parse_task,
                       validate=validate_task, load=load_task)
    publish_run_artifact_from(db_path, result["run_id"])  # what changed, in the Prefect UI
    return result


def run_lists(sources: list[str], db_path: str | Path, fmt: str | None = None, force: bool = False,
              max_shrink: float = DEFAULT_MAX_SHRINK, *, fetch=fetch_task.fn, parse=parse_task.fn,
              validate=validate_task.fn, load=load_task.fn) -> dict:
    """The steps of the flow; with the default plain functions it runs without Prefect."""
    run = Run("lists", params={"sources": list(sources), "db_path": str(db_path), "format": fmt, "force": force,
                               "max_shrink": max_shrink})
    dest_dir = Path(db_path).resolve().parent / "list_files"
    results: list[dict] = []
    con = connect(db_path)
    # Each list loads in its own transaction: the run is in `runs` from its start, and its lease
    # tells the next run whether this process is still alive (warehouse/runs.py).
    lease = RunLease(db_path, run.run_id)
    try:
        with transaction(con):
            repair_runs(con, db_path, run)
            record_start(con, run)
        resolved = resolve_sources(list(sources), fmt)
        rows = 0
        with progress_bar(len(resolved), "lists") as advance:
            for source in resolved:
                advance(0, source.name)
                try:
                    result = load_source(con, run, source, dest_dir, force, max_shrink,
                                         fetch=fetch, parse=parse, validate=validate, load=load)
                except Exception as exc:  # noqa: BLE001 - reported in the run; the other sources still load
                    if isinstance(exc, SOURCE_ERRORS):  # bad data: the run's errors carry it to the CLI and artifact
                        log.info("%s: %s", source.name, exc)
                    else:  # a bug, not bad data: keep the traceback
                        log.exception("%s: unexpected %s", source.name, type(exc).__name__)
                    run.add_error(source.name, f"{type(exc).__name__}: {exc}")
                    results.append({"source": source.name, "status": "failed", "error": f"{type(exc).__name__}: {exc}"})
                    advance(1, f"{source.name} failed")
                    continue
                results.append({"source": source.name, **result})
                run.bump(f"lists_{result['status']}")
                for key in ("added", "amended", "removed"):
                    run.bump(f"designations_{key}", result.get(key, 0))
                rows += result.get("designations", 0)
                advance(1, f"{rows:,} list rows")
        run.counts["source_errors"] = len(run.errors)
        with transaction(con):
            if run.counts.get("lists_loaded") or links_outdated(con):  # the lists (or the matcher) changed: link again
                run.counts["mention_links"] = recompute_mention_links(con)
            record_run(con, run)
    except Exception as exc:
        run.add_error("(run)", f"{type(exc).__name__}: {exc}")
        with transaction(con):
            record_run(con, run, status="failed")
        raise
    finally:
        lease.release()
        con.close()
    return {"run_id": run.run_id, "status": run.status, "counts": run.counts, "errors": run.errors,
            "sources": results}


def load_source(con, run: Run, source: ListSource, dest_dir: Path, force: bool, max_shrink: float, *,
                fetch, parse, validate, load) -> dict:
    """One source: skip it when unchanged (304 or a known sha256), else parse, validate and load it atomically."""
    fetched = fetch(source, con, dest_dir)
    if fetched.not_modified:
        return {"status": "unchanged", "reason": "HTTP 304 Not Modified"}
    known = loaded_version(con, fetched.sha256)
    if known is not None and not force:
        with transaction(con):
            remember_fetch(con, fetched, utcnow())
        return {"status": "unchanged", "reason": f"sha256 already loaded ({known[0]} {known[1]})"}
    parsed = parse(fetched.path, source.fmt)
    valid, quarantined = validate(parsed)
    with transaction(con):
        result = load(con, run, valid, quarantined, force, max_shrink)
        remember_fetch(con, fetched, utcnow())
    return {"status": result.status, "authority": result.authority, "list_name": result.list_name,
            "published_on": str(parsed.published_on), "designations": result.designations, "added": result.added,
            "amended": result.amended, "removed": result.removed, "quarantined": result.quarantined}
