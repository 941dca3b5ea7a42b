"""The lists flow, for Prefect: the steps of flows/steps.py:run_lists as tasks.

For each source, fetch -> parse -> validate -> load, each source in its own transaction. A source
that fails (unreachable, truncated, malformed, refused by the shrink guard) is reported in the run's
errors and leaves what was loaded before as it was; the other sources still load. The warehouse is
open for writing only during each list's load transaction and the last one (links and the run's
row); fetching, parsing, validating and computing the links happen with it closed.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from sanctrack.flows.steps import SOURCE_ERRORS, run_lists
from sanctrack.lists import ParsedList, parse_list
from sanctrack.lists.fetch import FetchedFile, ListSource, fetch_with_state
from sanctrack.lists.validate import validate_parsed
from sanctrack.run_summary import publish_run_artifact_from
from sanctrack.warehouse.lists import DEFAULT_MAX_SHRINK, ListLoadResult, load_list

__all__ = ["lists_flow", "run_lists"]


class _ExpectedSourceErrors(logging.Filter):
    """Keep Prefect from printing a traceback for a bad list file: the run reports it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None and record.msg and "encountered an exception" in str(record.msg):
            return not any(name.__name__ in str(record.msg) for name in SOURCE_ERRORS)
        return not isinstance(error, SOURCE_ERRORS)


logging.getLogger("prefect.task_runs").addFilter(_ExpectedSourceErrors())


@task(cache_policy=NO_CACHE, name="fetch list")
def fetch_task(source: ListSource, state: tuple | None, dest_dir: Path) -> FetchedFile:
    return fetch_with_state(source, state, dest_dir)


@task(cache_policy=NO_CACHE, name="parse list")
def parse_task(path: Path, fmt: str | None) -> ParsedList:
    return parse_list(path, fmt)


@task(cache_policy=NO_CACHE, name="validate list")
def validate_task(parsed: ParsedList) -> tuple[ParsedList, pd.DataFrame]:
    return validate_parsed(parsed)


@task(cache_policy=NO_CACHE, name="load list")
def load_task(con, run, parsed: ParsedList, quarantined: pd.DataFrame, *, force: bool,
              max_shrink: float) -> ListLoadResult:
    return load_list(con, run, parsed, quarantined, force=force, max_shrink=max_shrink)


@flow(name="lists")
def lists_flow(sources: list[str], db_path: str, fmt: str | None = None, force: bool = False,
               max_shrink: float = DEFAULT_MAX_SHRINK, wait: float | None = None) -> dict:
    """Load official sanctions lists (configured sources, paths or URLs) into the warehouse."""
    result = run_lists(sources, db_path, fmt, force, max_shrink, wait=wait, fetch=fetch_task, parse=parse_task,
                       validate=validate_task, load=load_task)
    publish_run_artifact_from(db_path, result["run_id"])  # what changed, in the Prefect UI
    return result
