"""The schedules, in one place: the news and lists flows as deployments that `sanctrack serve` serves.

Schedules need a Prefect server (`prefect server start`): on the temporary local server that a
plain flow run starts, `serve` warns and schedules nothing, so `check_server` refuses to go on.
The served runs go through a runner limited to one flow run at a time: the warehouse has one
writer, so a run that comes due while another is running waits for it instead of failing.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import httpx
from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.settings import get_current_settings

from sanctrack.feeds import read_sources_file
from sanctrack.flows.lists import lists_flow
from sanctrack.flows.news import news_flow
from sanctrack.settings import load_settings

# Both deployments share this name: `prefect deployment run news/scheduled` (or lists/scheduled).
DEPLOYMENT_NAME = "scheduled"

START_SERVER_HINT = (
    "start a Prefect server in another terminal: prefect server start --host 127.0.0.1 --port 4200\n"
    "then: export PREFECT_API_URL=http://127.0.0.1:4200/api"
)


class ServeError(Exception):
    """The deployments cannot be served as asked."""


def check_server() -> str:
    """The API URL of the Prefect server to serve to; ServeError when there is none, or it does not answer."""
    api_url = get_current_settings().api.url
    if not api_url:
        raise ServeError(
            "PREFECT_API_URL is not set: schedules need a running Prefect server (Prefect's temporary "
            f"local server schedules nothing).\n{START_SERVER_HINT}"
        )
    try:
        httpx.get(f"{api_url.rstrip('/')}/health", timeout=10).raise_for_status()
    except httpx.HTTPError as exc:
        raise ServeError(f"no Prefect server answers at {api_url} ({exc}).\n{START_SERVER_HINT}") from None
    return api_url


def _absolute(source: str) -> str:
    """An existing path or a glob made absolute (a run need not start in this directory); URLs and
    configured list names (`un_sc`) as they are."""
    path = Path(source).expanduser()
    return str(path.absolute()) if "://" not in source and (path.exists() or glob.has_magic(source)) else source


def build_deployments(
    db_path: str | Path,
    news_sources: Iterable[str] = (),
    news_every_minutes: float | None = None,
    lists_sources: Iterable[str] = (),
    lists_every_minutes: float | None = None,
    news_sources_file: Path | None = None,
) -> list[RunnerDeployment]:
    """The news and lists deployments with their intervals; unset arguments come from settings.

    A news sources file (seeds/reference/news_sources.csv) adds its pages to the news sources and
    its feeds to the flow's `feeds`; with neither, the news sources come from settings (seeds/).
    """
    settings = load_settings()
    db = str(Path(db_path).expanduser().absolute())
    pages, feeds = list(news_sources), []
    if news_sources_file is not None:
        try:
            listed = read_sources_file(Path(news_sources_file))
        except (OSError, ValueError) as exc:
            raise ServeError(str(exc)) from None
        pages += [source.location for source in listed if source.kind == "page"]
        feeds += [_absolute(source.location) for source in listed if source.kind == "feed"]
    if not pages and not feeds:
        pages = list(settings.news_sources)
    news_parameters = {"sources": [_absolute(s) for s in pages], "db_path": db}
    if feeds:
        news_parameters["feeds"] = feeds
    news = news_flow.to_deployment(
        name=DEPLOYMENT_NAME,
        interval=timedelta(minutes=news_every_minutes or settings.news_every_minutes),
        parameters=news_parameters,
        description="News documents into the warehouse, on a schedule (sanctrack serve).",
        tags=["sanctrack"],
    )
    lists = lists_flow.to_deployment(
        name=DEPLOYMENT_NAME,
        interval=timedelta(minutes=lists_every_minutes or settings.lists_every_minutes),
        parameters={"sources": [_absolute(s) for s in (list(lists_sources) or settings.lists_sources)], "db_path": db},
        description="Official sanctions lists into the warehouse, on a schedule (sanctrack serve).",
        tags=["sanctrack"],
    )
    return [news, lists]


def serve_deployments(deployments: list[RunnerDeployment]) -> None:
    """Serve until Ctrl-C or SIGTERM, one flow run at a time (the warehouse has one writer)."""
    serve(*deployments, limit=1)
