"""The `sanctrack` command line: a group of verbs, each with help text and an example."""

from __future__ import annotations

import csv
import glob
import json
import os
import re
import sys
from pathlib import Path

import click

from sanctrack.settings import SEEDS_DIR, configure_prefect_environment, load_settings
from sanctrack.text import list_title

# Exit status of every verb, for scripts (the table is in README.md). `screen` adds NO_MATCH.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_NO_MATCH = 0, 1, 2, 3, 4
RUN_EXIT = {"succeeded": EXIT_OK, "partial": EXIT_PARTIAL, "failed": EXIT_FAILED}


def _examples(*lines: str) -> str:
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)


def _prepare_prefect(verbose: bool = False) -> None:
    """Prefect's environment, set before it is imported (quiet but for warnings unless `verbose`); its
    temporary server tied to this process, so that a kill of this process (even SIGKILL) ends the server too."""
    configure_prefect_environment(verbose)
    from sanctrack.prefect_local import tie_temporary_server_to_this_process

    tie_temporary_server_to_this_process()


def _log_in_process(verbose: bool) -> None:
    """A run without Prefect: its steps' INFO lines with --verbose, as a Prefect run shows them
    (otherwise Python's default: warnings and errors only)."""
    if verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(levelname)-7s | %(name)s - %(message)s")


def _through_prefect(prefect: bool | None, task_runner: str = "threads") -> bool:
    """Whether a run goes through Prefect: by default when a Prefect server is configured
    (PREFECT_API_URL), so that the run shows there, and for Dask (Prefect's task runner). Otherwise the
    same steps run in this process without Prefect, which would start a temporary server for each run
    (9-19 s); --prefect asks for that anyway."""
    if task_runner == "dask":
        return True
    return bool(os.environ.get("PREFECT_API_URL")) if prefect is None else prefect


def _prefect_option(command):
    return click.option(
        "--prefect/--no-prefect", default=None,
        help="Run as a Prefect flow [default: when PREFECT_API_URL names a server; without one, --prefect "
             "starts Prefect's temporary local server, 9-19 s].",
    )(command)


def _as_flow_run(call):
    """Call a Prefect flow with the flow heartbeat off (stopping its thread costs each run about 1 s)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return call()


def _fail(message: str, code: int = EXIT_FAILED) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


def _usage(message: str) -> None:
    _fail(message, EXIT_USAGE)


def _say_waiting(message: str) -> None:
    click.secho(message, fg="yellow", err=True)


def _wait_option(command):
    """--wait SECONDS: how long to wait when another process holds the warehouse."""
    def remember(ctx: click.Context, _param, value: float | None) -> None:
        ctx.ensure_object(dict)["wait"] = load_settings().lock_wait_s if value is None else value

    return click.option(
        "--wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS", expose_value=False,
        callback=remember, help="When another process holds the warehouse (a run writing, or a reader for a run), "
                                "wait up to this long, then fail saying who holds it [env SANCTRACK_WAIT; default 60].",
    )(command)


def _wait() -> float:
    return click.get_current_context().obj.get("wait", load_settings().lock_wait_s)


def _missing_paths(arguments: list[str], names: set[str] = frozenset()) -> list[str]:
    """The arguments that name local files or folders that do not exist (not URLs, globs or `names`)."""
    return [a for a in arguments if "://" not in a and a not in names and not glob.has_magic(a)
            and not Path(a).expanduser().exists()]


def _check_warehouse(db_path: Path) -> None:
    """Before any work: an existing --db must be a DuckDB file (its header), and its folder writable."""
    if db_path.exists():
        with db_path.open("rb") as fh:
            head = fh.read(12)
        if len(head) == 12 and head[8:12] != b"DUCK":
            from sanctrack.warehouse.db import WarehouseError, connect

            try:  # says what the file is instead
                connect(db_path, read_only=True).close()
            except WarehouseError as exc:
                _fail(str(exc))
    folder = db_path.resolve().parent
    existing = next(p for p in [folder, *folder.parents] if p.exists())
    if not os.access(existing, os.W_OK):
        _fail(f"cannot write the warehouse {db_path}: {existing} is not writable")


@click.group(epilog=_examples("sanctrack run news seeds/", "sanctrack query \"select * from sanctioned_persons\""))
@click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="SANCTRACK_DB",
    default=None, help="Warehouse file (env SANCTRACK_DB; default data/sanctrack.duckdb).",
)
@click.option("--verbose", is_flag=True, help="Show Prefect's, Dask's and each step's INFO logs, and timings.")
@click.version_option(package_name="sanctrack")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, verbose: bool) -> None:
    """sanctrack: sanctions mentions from news and official lists, in a DuckDB warehouse."""
    ctx.obj = {"db_path": db_path or load_settings().db_path, "db_given": db_path is not None, "verbose": verbose}


@main.group(epilog=_examples("sanctrack run news", "sanctrack run news https://example.org/article.html"))
def run() -> None:
    """Run a flow that loads the warehouse (through Prefect when PREFECT_API_URL names a server)."""


@run.command("news", epilog=_examples(
    "sanctrack run news",
    "sanctrack run news articles/ 'press/*.html' https://www.gov.uk/government/news/some-release",
    "sanctrack run news --feed https://www.gov.uk/government/organisations/office-of-financial-sanctions-implementation.atom",
    "sanctrack run news --sources-file seeds/reference/news_sources.csv",
    "sanctrack run news archive/ --task-runner dask --address tcp://10.0.0.5:8786",
))
@click.argument("sources", nargs=-1)
@click.option("--feed", "feeds", multiple=True, help="An RSS or Atom feed (URL or file) whose items to read (repeatable).")
@click.option("--sources-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV of news sources (name, kind feed|page, location), e.g. seeds/reference/news_sources.csv.")
@click.option("--batch-size", default=500, show_default=True, help="Documents per read/extract/validate batch.")
@click.option("--task-runner", type=click.Choice(["threads", "dask"]), default="threads", show_default=True,
              help="Where batches are extracted: this process, or a Dask cluster (one writer loads either way).")
@click.option("--address", default=None, help="With --task-runner dask: the scheduler (default: a local 2-worker cluster).")
@_prefect_option
@_wait_option
@click.pass_obj
def run_news_command(obj: dict, sources: tuple[str, ...], feeds: tuple[str, ...], sources_file: Path | None,
                     batch_size: int, task_runner: str, address: str | None, prefect: bool | None) -> None:
    """Load news documents (files, directories, globs, http(s) URLs; default seeds/) into the warehouse.

    Each document is read, reduced to its article text, searched for sanctions mentions and
    validated, in batches; the run is merged in one transaction (it holds the warehouse for writing
    only then, and a moment at its start). Documents that fail are reported by name and skipped; the
    others load. Through
    Prefect when PREFECT_API_URL names a server (or with --task-runner dask), else in this process.
    Exit status: 0 succeeded, 3 partial (some documents failed), 1 failed, 2 usage error.
    """
    db_path = obj["db_path"]
    if address and task_runner != "dask":
        _usage("--address goes with --task-runner dask")
    if batch_size < 1:
        _usage("--batch-size must be at least 1")
    if missing := _missing_paths(list(sources)):
        _usage(f"no such file or folder: {', '.join(missing)}")
    _check_warehouse(db_path)
    from sanctrack.feeds import read_sources_file
    from sanctrack.warehouse.db import WarehouseError

    pages, feeds = list(sources), list(feeds)
    if sources_file is not None:
        try:
            listed = read_sources_file(sources_file)
        except ValueError as exc:
            _usage(str(exc))
        pages += [s.location for s in listed if s.kind == "page"]
        feeds += [s.location for s in listed if s.kind == "feed"]
    if not pages and not feeds:
        pages = [str(SEEDS_DIR)]
    try:
        if _through_prefect(prefect, task_runner):
            _prepare_prefect(obj["verbose"])
            from sanctrack.flows.news import news_flow, task_runner_for

            flow_run = news_flow.with_options(task_runner=task_runner_for(task_runner, address))
            in_flight = 4 if task_runner == "dask" else 1
            result = _as_flow_run(lambda: flow_run(pages, str(db_path), batch_size, in_flight, feeds, _wait()))
        else:
            from sanctrack.flows.steps import run_news

            _log_in_process(obj["verbose"])
            result = run_news(pages, db_path, batch_size, feeds=feeds, wait=_wait())
    except WarehouseError as exc:
        _fail(str(exc))
    for error in result["errors"]:
        click.secho(f"skipped {error['source']}: {error['message']}", fg="yellow", err=True)
    counts = result["counts"]
    click.echo(
        f"run {result['run_id']} {result['status']}: {_plural(counts.get('documents_read', 0), 'document')} read "
        f"({counts.get('documents_skipped', 0):,} unchanged, {counts.get('documents_extracted', 0):,} extracted), "
        f"{len(result['errors']):,} failed; {_plural(counts.get('mentions_added', 0), 'mention')} added; "
        f"{_plural(counts.get('quarantined', 0), 'row')} quarantined"
    )
    if obj["verbose"]:
        stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result["seconds"].items())
        click.echo(f"time per stage: {stages}")
    click.echo(f"warehouse: {Path(db_path).resolve()}")
    _print_run_mentions(db_path, result["document_ids"])  # last: what the run found stays on the screen
    sys.exit(RUN_EXIT[result["status"]])


LIST_FORMATS = ("uk_fcdo_xml", "uk_fcdo_csv", "uk_ofsi_xlsx", "uk_ofsi_csv", "ofac_enhanced_xml", "ofac_delta_xml",
                "ofac_csv", "ofac_xml", "un_xml", "eu_fsf_xml")


@run.command("lists", epilog=_examples(
    "sanctrack run lists",
    "sanctrack run lists ../shared/data/lists/uk-ofsi-conlist/ConList_2025-04-14.xlsx",
    "sanctrack run lists ../shared/data/lists/uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-07.xml",
    "sanctrack run lists us_ofac_sdn ../shared/data/lists/us-ofac/delta/SDN_DELTA_2025-01-13.xml",
    "sanctrack run lists un_sc https://example.org/consolidated.xml --format un_xml",
))
@click.argument("sources", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(LIST_FORMATS), default=None,
              help="Read every given source in this format (default: detected from the content).")
@click.option("--force", is_flag=True,
              help="Load a list that shrank beyond --max-shrink (a version older than the loaded one is always refused).")
@click.option("--max-shrink", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="Refuse a list with this share fewer designations than its loaded version.")
@_prefect_option
@_wait_option
@click.pass_obj
def run_lists_command(obj: dict, sources: tuple[str, ...], fmt: str | None, force: bool, max_shrink: float,
                      prefect: bool | None) -> None:
    """Load official sanctions lists: configured sources (seeds/reference/list_sources.csv), paths or URLs.

    With no SOURCES, every configured official source is downloaded (conditionally). Each source is
    fetched, parsed, validated and loaded in its own transaction, keeping history (valid_from/valid_to)
    and recording added, amended and removed designations in designation_changes. Versions load in
    publication order: a file older than the loaded version of its list is refused (--force or not),
    and an OFAC delta file applies only on top of the version it follows. A source that fails is
    reported and leaves what was loaded before as it was; the other sources still load.
    Exit status: 0 succeeded, 3 partial (some sources failed), 1 failed, 2 usage error.
    """
    db_path = obj["db_path"]
    if missing := _missing_paths(list(sources), _configured_list_names()):
        _usage(f"no such file or folder, nor a configured source name: {', '.join(missing)}")
    _check_warehouse(db_path)
    from sanctrack.warehouse.db import WarehouseError

    try:
        if _through_prefect(prefect):
            _prepare_prefect(obj["verbose"])
            from sanctrack.flows.lists import lists_flow

            result = _as_flow_run(lambda: lists_flow(list(sources), str(db_path), fmt, force, max_shrink, _wait()))
        else:
            from sanctrack.flows.steps import run_lists

            _log_in_process(obj["verbose"])
            result = run_lists(list(sources), db_path, fmt, force, max_shrink, wait=_wait())
    except WarehouseError as exc:
        _fail(str(exc))
    for item in result["sources"]:
        if item["status"] == "failed":
            click.secho(f"failed    {item['source']}: {_source_error(item['source'], item['error'])}", fg="red",
                        err=True)
        elif item["status"] == "unchanged":
            click.echo(f"unchanged {item['source']}: {item['reason']}")
        else:
            click.echo(
                f"loaded    {item['source']}: {list_title(item['authority'], item['list_name'])} of "
                f"{item['published_on']}: {_plural(item['designations'], 'designation')}, {item['added']:,} added, "
                f"{item['amended']:,} amended, {item['removed']:,} removed, "
                f"{_plural(item['quarantined'], 'row')} quarantined"
            )
    click.echo(f"run {result['run_id']} {result['status']}: {_plural(len(result['sources']), 'source')}, "
               f"{len(result['errors']):,} failed")
    if obj["verbose"]:
        stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result["seconds"].items())
        click.echo(f"time per stage: {stages}")
    click.echo(f"warehouse: {Path(db_path).resolve()}")
    sys.exit(RUN_EXIT[result["status"]])


def _configured_list_names() -> set[str]:
    """The names of seeds/reference/list_sources.csv (read with the csv module: no pandas before the run)."""
    from sanctrack.settings import REFERENCE_DIR

    with (REFERENCE_DIR / "list_sources.csv").open(newline="", encoding="utf-8") as fh:
        return {row["name"] for row in csv.DictReader(fh)}


@main.command(epilog=_examples(
    "sanctrack serve",
    "sanctrack serve --news-every 15 --news-source articles/ --lists-every 720",
))
@click.option("--news-source", "news_sources", multiple=True,
              help="News file, folder, glob or URL (repeatable; env SANCTRACK_NEWS_SOURCES; default seeds/).")
@click.option("--news-sources-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV of news sources (name, kind feed|page, location), e.g. seeds/reference/news_sources.csv.")
@click.option("--news-every", type=click.FloatRange(min=1), default=None,
              help="Minutes between news runs (env SANCTRACK_NEWS_EVERY_MINUTES; default 60).")
@click.option("--lists-source", "lists_sources", multiple=True,
              help="List source name, path or URL (repeatable; env SANCTRACK_LISTS_SOURCES; default every configured source).")
@click.option("--lists-every", type=click.FloatRange(min=1), default=None,
              help="Minutes between lists runs (env SANCTRACK_LISTS_EVERY_MINUTES; default 360).")
@click.pass_obj
def serve(obj: dict, news_sources: tuple[str, ...], news_sources_file: Path | None, news_every: float | None,
          lists_sources: tuple[str, ...], lists_every: float | None) -> None:
    """Run the news and lists flows on their schedules, served to a Prefect server, until Ctrl-C or SIGTERM.

    Needs a running server (prefect server start --host 127.0.0.1 --port 4200) and
    PREFECT_API_URL=http://127.0.0.1:4200/api. One flow run at a time: a run that comes due while
    another holds the warehouse waits for it. Trigger a run by hand: prefect deployment run news/scheduled.
    """
    configure_prefect_environment()
    from sanctrack.flows.deployments import ServeError, build_deployments, check_server, serve_deployments

    try:
        api_url = check_server()
    except ServeError as exc:
        _fail(str(exc))
    try:
        deployments = build_deployments(obj["db_path"], news_sources, news_every, lists_sources, lists_every,
                                        news_sources_file)
    except ServeError as exc:
        _fail(str(exc))
    for deployment in deployments:
        every = deployment.schedules[0].schedule.interval
        feeds = deployment.parameters.get("feeds")
        click.echo(f"serving {deployment.flow_name}/{deployment.name} every {every}: sources "
                   f"{deployment.parameters['sources'] or 'every configured source'}" + (f", feeds {feeds}" if feeds else ""))
    click.echo(f"Prefect server: {api_url}; warehouse: {Path(obj['db_path']).resolve()}")
    serve_deployments(deployments)

def _source_error(source: str, error: str) -> str:
    """A source's error as said once: without the exception's class and the source's own name repeated."""
    message = re.sub(r"^\w*(?:Error|Exception): ", "", error)
    while message.startswith(f"{source}: "):
        message = message[len(source) + 2:]
    return message


def _print_run_mentions(db_path: Path, document_ids: list[str], limit: int = 40) -> None:
    import pandas as pd

    con = _open_read_only(db_path)
    try:
        con.register("run_documents", pd.DataFrame({"document_id": pd.Series(document_ids, dtype="str")}))
        (total,) = con.execute(
            "select count(*) from mentions where document_id in (select document_id from run_documents)"
        ).fetchall()[0]
        if not total:
            click.echo("No sanctions mentions in this run's documents.")
            return
        # The first `limit` mentions by place, then the text of only their documents (an unnamed group's
        # phrase is a slice of it): a large run's texts are never read all at once.
        relation = con.sql(
            f"""
            with first_mentions as (
                select m.*, s.source_uri,
                from mentions as m
                join (select document_id, source_uri from documents) as s using (document_id)
                where m.document_id in (select document_id from run_documents)
                order by s.source_uri, m.span_start
                limit {limit}
            )
            select
                coalesce(m.name, substr(d.text, m.span_start + 1, m.span_end - m.span_start)) as target,
                case when m.name is not null then replace(m.entity_type, '_', ' ')
                    when m.count is null then 'unnamed group, size not given'
                    else 'unnamed group of ' || m.count end as type,
                m.role, m.affiliation, m.authority, m.action,
                case when m.is_rosatom_linked then 'yes' else '' end as rosatom,
            from first_mentions as m
            join documents as d using (document_id)
            order by m.source_uri, m.span_start
            """
        )
        _print_table(relation.columns, relation.fetchall(), title=f"Sanctions mentions found ({total:,})", wrap=True)
        if total > limit:
            click.echo(f"... and {total - limit:,} more: sanctrack query \"select * from mentions_enriched\"")
    finally:
        con.close()


def _open_read_only(db_path: Path):
    """The warehouse for reading, waiting (--wait) while a run writes, or a clear error (no warehouse
    yet, an unreadable file, still written after the wait) and exit 1."""
    from sanctrack.warehouse.db import WarehouseError, connect

    try:
        return connect(db_path, read_only=True, wait=_wait(), on_wait=_say_waiting)
    except WarehouseError as exc:
        _fail(str(exc))


def _open_for_writing(db_path: Path):
    """The warehouse for writing (migrations applied), or a clear error (held by another writer) and exit 1."""
    from sanctrack.warehouse.db import WarehouseError, connect

    try:
        return connect(db_path)
    except WarehouseError as exc:
        _fail(str(exc))


def _print_table(columns: list[str], rows: list[tuple], title: str | None = None, wide: bool = False,
                 wrap: bool = False) -> None:
    """A table fitted to the terminal (cells shortened at word boundaries, or wrapped; --wide for whole cells)."""
    from sanctrack.terminal import print_table

    if print_table(columns, rows, title=title, wide=wide, wrap=wrap):
        click.echo("(cells shortened to fit the terminal: --wide shows them whole)", err=True)


def _lists_options(func):
    """--lists FILE (repeatable) and --db WAREHOUSE: the listed names the extractor recognises."""
    func = click.option("--db", "lists_db", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                        help="Recognise the names on the lists loaded in this warehouse.")(func)
    return click.option("--lists", "list_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="A list file (UK, OFAC, UN, EU) whose names to recognise (repeatable).")(func)


def _known_entities(list_files: tuple[Path, ...], lists_db: Path | None, required: bool = True):
    """The known-entity index from list files or a warehouse, or None when neither is given (or,
    unless `required`, when the warehouse holds no list)."""
    if list_files and lists_db:
        raise click.UsageError("give --lists or --db, not both")
    if list_files:
        from sanctrack.extract.known import from_list_files
        from sanctrack.lists import ListFormatError

        try:
            return from_list_files(list_files)
        except ListFormatError as exc:
            _fail(str(exc))
    if lists_db:
        from sanctrack.extract.known import from_warehouse

        con = _open_read_only(lists_db)
        try:
            known = from_warehouse(con, lists_db)
        finally:
            con.close()
        if known is None and required:
            _fail(f"{lists_db} holds no list: load one with `sanctrack run lists`")
        return known
    return None


@main.command(epilog=_examples(
    "sanctrack extract seeds/news/",
    "sanctrack extract article.html --format jsonl",
    "sanctrack extract articles/ --lists ../shared/data/lists/uk-ofsi-conlist/ConList_2025-04-14.xlsx",
))
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@_lists_options
@click.pass_obj
def extract(obj: dict, paths: tuple[str, ...], fmt: str, list_files: tuple[Path, ...], lists_db: Path | None) -> None:
    """Extract sanctions mentions from files or directories (no database writes, no Prefect).

    jsonl gives one object per mention: doc, name, entity_type, count, role, affiliation,
    authority, action, rosatom_linked, sentence, start, end, confidence, cue. With --lists or
    --db (here, or the warehouse named before the command: `sanctrack --db W extract`), names on
    the official lists are recognised as such (their entry is in `cue`).
    """
    from sanctrack.documents import SourceError, read_documents
    from sanctrack.extract import extract_mentions

    implied = lists_db is None and not list_files and obj.get("db_given") and obj["db_path"].exists()
    if implied:
        lists_db = obj["db_path"]  # `sanctrack --db W extract FILE`: that warehouse's lists, if it has any
    known = _known_entities(list_files, lists_db, required=not implied)
    records, failed, read = [], 0, 0
    for item in read_documents(paths):
        if isinstance(item, SourceError):
            failed += 1
            click.secho(f"skipped {item}", fg="yellow", err=True)
            continue
        read += 1
        for mention in extract_mentions(item.text, known=known):
            record = mention.as_record(item.source_uri)
            if fmt == "jsonl":
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                records.append(record)
    if fmt == "table":
        columns = ["doc", "name", "entity_type", "count", "role", "affiliation", "authority", "action",
                   "rosatom_linked", "start", "end", "confidence"]
        _print_table(columns, [tuple(r[c] for c in columns) for r in records])
    if failed:
        sys.exit(EXIT_PARTIAL if read else EXIT_FAILED)


@main.command(epilog=_examples(
    "sanctrack query \"select name, role, authority from sanctioned_persons\"",
    "sanctrack query \"select * from rosatom_linked\" --wide | less -S",
    "sanctrack query \"select * from mentions_by_authority_action\" --format csv",
    "sanctrack query \"select authority, count(*) from designations group by all\" --format markdown",
    "sanctrack query \"select count(*) from 'data/exports/mentions.parquet'\" --exports",
))
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown"]), default="table",
              show_default=True, help="table: fitted to the terminal; csv, json, markdown: every row, cells whole.")
@click.option("--wide", is_flag=True, help="With the table: every cell whole, the table as wide as it needs.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60, show_default=True,
              help="Seconds before the query is stopped and the warehouse released.")
@click.option("--exports", "read_exports", is_flag=True,
              help="Also let the query read the files of the export folder (SANCTRACK_EXPORT_DIR), and no other.")
@_wait_option
@click.pass_obj
def query(obj: dict, sql: str, fmt: str, wide: bool, timeout: float, read_exports: bool) -> None:
    """Run one read-only SQL statement against the warehouse.

    One SELECT (or WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), checked by DuckDB's parser: several
    statements, or none, are refused. The warehouse is opened read-only and the connection can read
    no other file (with --exports, the export folder too), reach no network and change no setting.
    The table fits the terminal: long cells are shortened at word boundaries, and rows with too many
    columns are shown as records; --wide shows every cell whole. See docs/security.md.
    """
    import duckdb

    from sanctrack.warehouse.db import seal
    from sanctrack.warehouse.query import QueryRefused, QueryTimedOut, run_read_only, time_limit

    con = _open_read_only(obj["db_path"])
    try:
        seal(con, [load_settings().export_dir] if read_exports else [])
        with time_limit(con, timeout):
            columns, batches = run_read_only(con, sql)
            if fmt == "csv":
                writer = csv.writer(sys.stdout, lineterminator="\n")
                writer.writerow(columns)
                for rows in batches:
                    writer.writerows(rows)
            elif fmt == "json":
                _write_json_rows(columns, batches)
            elif fmt == "markdown":
                _write_markdown_rows(columns, batches)
            else:
                _print_query_table(columns, batches, wide)
    except QueryRefused as exc:
        _fail(f"refused: {exc}")
    except QueryTimedOut as exc:
        _fail(f"query {exc}")
    except duckdb.PermissionException as exc:  # a file outside what the query may read
        folder = load_settings().export_dir
        allowed = (f"the warehouse and the export folder ({folder}) only" if read_exports else
                   f"the warehouse only; add --exports to read the files of the export folder ({folder})")
        _fail(f"refused: a query reads {allowed}. DuckDB: {str(exc).splitlines()[0]}")
    except duckdb.Error as exc:
        if "attached in read-only mode" in str(exc):  # a write hidden inside a SELECT (a CTE's DELETE ... RETURNING)
            _fail("refused: a query cannot write: the warehouse is opened read-only. DuckDB: " + str(exc).splitlines()[0])
        _fail(str(exc))
    finally:
        con.close()


TABLE_ROWS = 10_000  # a terminal table beyond this is unreadable: csv, json and markdown stream every row


def _print_query_table(columns: list[str], batches, wide: bool) -> None:
    rows, more = [], 0
    for batch in batches:
        room = TABLE_ROWS - len(rows)
        rows.extend(batch[:room])
        more += max(len(batch) - room, 0)
    _print_table(columns, rows, wide=wide)
    if not rows:
        click.echo("(no rows)", err=True)
    if more:
        click.echo(f"... and {more:,} more rows: use --format csv, json or markdown for all of them", err=True)


def _write_json_rows(columns: list[str], batches) -> None:
    """A JSON array of objects, written as the rows come."""
    first = True
    sys.stdout.write("[")
    for batch in batches:
        for row in batch:
            record = json.dumps(dict(zip(columns, row)), default=str, ensure_ascii=False, indent=2)
            sys.stdout.write(("\n" if first else ",\n") + "  " + record.replace("\n", "\n  "))
            first = False
    sys.stdout.write("\n]\n" if not first else "]\n")


def _write_markdown_rows(columns: list[str], batches) -> None:
    """A Markdown table, written as the rows come; values escaped so that they show as written."""
    from sanctrack.run_summary import escape_markdown

    sys.stdout.write("| " + " | ".join(escape_markdown(c) for c in columns) + " |\n")
    sys.stdout.write("|" + "---|" * len(columns) + "\n")
    for batch in batches:
        for row in batch:
            sys.stdout.write("| " + " | ".join(escape_markdown(v) for v in row) + " |\n")


@main.command(epilog=_examples(
    "sanctrack screen \"Artyom Chayka\"",
    "sanctrack screen \"Fradkov Pavel Mikhaylovich\" --type person --authority UK,US --format json",
    "sanctrack screen --file names.csv --out results.csv",
    "sanctrack screen \"Putin\" --all --limit 5",
) + "\n\n\b\nExit status: 0 a match at or above the threshold; 4 no match at or above it;\n"
    "2 a usage error (unknown authority or type, empty name, no names in the file); 1 a failure.")
@click.argument("name", required=False)
@click.option("--type", "entity_type", type=click.Choice(["person", "organisation", "vessel", "aircraft"]),
              default=None, help="Only designations of this entity type.")
@click.option("--authority", "authorities", default=None,
              help="Only these authorities, comma-separated, among those loaded (UK,US,EU,UN).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1), help="Candidates per name.")
@click.option("--min-score", default=None, type=click.FloatRange(0, 1),
              help="Leave out candidates scoring below this [default: the recommended threshold, 0.80].")
@click.option("--all", "show_all", is_flag=True, default=False,
              help="Show every candidate, ranked, whatever its score (the exit status still says whether one "
                   "reached the threshold).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--file", "names_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV with a `name` column (optional `type`): screen every row, write the results as CSV.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --file: write the CSV here instead of standard output.")
@click.option("--force", is_flag=True, help="With --out: overwrite the file if it exists (refused otherwise).")
@_wait_option
@click.pass_obj
def screen(obj: dict, name: str | None, entity_type: str | None, authorities: str | None, limit: int,
           min_score: float | None, show_all: bool, fmt: str, names_file: Path | None, out_file: Path | None,
           force: bool) -> None:
    """Screen a name against every name and alias of the loaded lists; print ranked candidates.

    A score of 1.0 is an exact match of a full name; 0.80 is the recommended threshold (see
    docs/matching.md for what it means as measured). Each candidate shows the name or alias that
    matched (and its Latin form when it is written in another script) and the evidence (tokens that
    agreed, and how; tokens missing on either side). JSON gives a list of objects with authority,
    list_id, list_ref, name, matched_name, matched_name_latin, score, evidence.
    """
    from sanctrack.matching import RECOMMENDED_THRESHOLD
    from sanctrack.matching.persist import screening_index
    from sanctrack.matching.screen import (ScreenInputError, check_filters, describe, read_names_file, screen_many,
                                           write_csv)

    if (name is None) == (names_file is None):
        _usage("give either a NAME or --file names.csv")
    if show_all and min_score is not None:
        _usage("--all shows every candidate: leave out --min-score")
    if name is not None and not name.strip():
        _usage("the name to screen is empty")
    threshold = RECOMMENDED_THRESHOLD if min_score is None else min_score
    try:
        rows = read_names_file(names_file) if names_file else [{"name": name.strip(), "type": entity_type}]
    except ScreenInputError as exc:
        _usage(str(exc))
    index = screening_index(obj["db_path"], lambda: _open_read_only(obj["db_path"]))
    if not len(index):
        _fail("no designations in the warehouse: load lists first (sanctrack run lists)")
    wanted = [a.strip().upper() for a in authorities.split(",") if a.strip()] if authorities else None
    try:
        check_filters(index, wanted, [row["type"] or entity_type for row in rows])
    except ScreenInputError as exc:
        _usage(str(exc))
    results = screen_many(index, rows, authorities=wanted, limit=limit, min_score=0.0 if show_all else threshold,
                          default_type=entity_type)
    matched = any(cand.score >= threshold for _, _, cand in results)
    if names_file:
        if out_file:
            from sanctrack.outputs import OutputExists, written_atomically

            try:
                with written_atomically(out_file, force) as partial, partial.open("w", newline="", encoding="utf-8") as fh:
                    write_csv(results, fh)
            except OutputExists as exc:
                _fail(str(exc))
            hits = len({query for query, _, cand in results if cand.score >= threshold})
            click.echo(f"{_plural(len(rows), 'name')} screened, {hits:,} with a match at or above {threshold:.2f}, "
                       f"{_plural(len(results), 'candidate')} written to {out_file}", err=True)
        else:
            write_csv(results, sys.stdout)
    elif fmt == "json":
        click.echo(json.dumps([cand.as_record() for _, _, cand in results], ensure_ascii=False, indent=2))
    else:
        if results:
            _print_table(["rank", "score", "authority", "list_id", "list_ref", "name", "matched_name", "evidence"],
                         [(rank, f"{c.score:.4f}", c.authority, c.list_id, c.list_ref, c.name, _shown_name(c),
                           describe(c.evidence)) for _, rank, c in results],
                         title=f"Candidates for {name!r}", wrap=True)
        if not matched:
            click.echo(f"No match at or above {threshold:.2f}" + (" (candidates below it are shown above)"
                                                                   if results else "") + ".", err=True)
    sys.exit(EXIT_OK if matched else EXIT_NO_MATCH)


def _shown_name(cand) -> str:
    """The matched name as listed, and its Latin form when it is written in another script."""
    latin = cand.matched_name_latin
    return cand.matched_name if latin == cand.matched_name else f"{cand.matched_name} ({latin})"


@main.command(epilog=_examples("sanctrack export --format parquet --out exports/",
                               "sanctrack export --format parquet --format csv --out exports/ --force",
                               "sanctrack export --format csv --out exports/ --table mentions --verbose",
                               "sanctrack export --format ftm --out exports/"))
@click.option("--format", "formats", type=click.Choice(["csv", "parquet", "ftm"]), required=True, multiple=True,
              help="csv, parquet (repeatable: both in one go); ftm: FollowTheMoney entities as JSON lines, in "
                   "DIR/entities.ftm.json.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: SANCTRACK_EXPORT_DIR, data/exports).")
@click.option("--table", "tables", multiple=True, help="Only this table or view (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist (refused otherwise).")
@click.option("--verbose", is_flag=True, help="List every file written, with its rows.")
@_wait_option
@click.pass_obj
def export(obj: dict, formats: tuple[str, ...], out_dir: Path | None, tables: tuple[str, ...], force: bool,
           verbose: bool) -> None:
    """Export the warehouse's tables and views to CSV or Parquet, one file each; or as FollowTheMoney entities.

    Each file is written whole under a temporary name, then renamed; existing files are refused
    (before anything is written) unless --force. Prints one line naming the exports (--verbose: each file).
    """
    from sanctrack.outputs import OutputExists
    from sanctrack.warehouse.export import export_warehouse

    out_dir = out_dir or load_settings().export_dir
    formats = tuple(dict.fromkeys(formats))
    if "ftm" in formats:
        if len(formats) > 1 or tables:
            _usage("--format ftm goes alone, without --table (it writes every designation and mention)")
        _export_ftm(obj["db_path"], out_dir, force)
        return
    con = _open_read_only(obj["db_path"])
    try:
        written = [row for fmt in formats for row in export_warehouse(con, out_dir, fmt, list(tables) or None, force)]
    except ValueError as exc:  # a --table that names no table or view
        _usage(str(exc))
    except OutputExists as exc:
        _fail(str(exc))
    except OSError as exc:  # a folder that cannot be made or written: say which
        _fail(f"cannot write the exports in {out_dir}: {exc.strerror or exc}")
    finally:
        con.close()
    if verbose:
        for name, path, rows in written:
            click.echo(f"{rows:>8,} {'row ' if rows == 1 else 'rows'}  {path}")
    names = {name for name, _, _ in written}
    kinds = " and ".join({"csv": "CSV", "parquet": "Parquet"}[f] for f in formats)
    click.echo(f"exports: {_plural(len(names), 'table or view', 'tables and views')} as {kinds} in "
               f"{out_dir.resolve()}")


def _export_ftm(db_path: Path, out_dir: Path, force: bool) -> None:
    from sanctrack.outputs import OutputExists
    from sanctrack.warehouse.ftm import export_ftm

    con = _open_read_only(db_path)
    try:
        result = export_ftm(con, out_dir, force)
    except OutputExists as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write the exports in {out_dir}: {exc.strerror or exc}")
    finally:
        con.close()
    click.echo("entities: " + ", ".join(f"{n:,} {schema}" for schema, n in result.counts.items()))
    click.echo(result.unmapped.summary_line())
    click.echo(f"exports: {result.path.resolve()}")


def _plural(n: int, one: str, many: str | None = None) -> str:
    """"1 source", "2 sources": the count and the word that goes with it."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


@main.command(epilog=_examples("sanctrack report --out report.html",
                               "sanctrack --db data/sanctrack.duckdb report --out /tmp/sanctrack-report.html"))
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write.")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists (refused otherwise).")
@_wait_option
@click.pass_obj
def report(obj: dict, out_file: Path, force: bool) -> None:
    """Write a standalone HTML report: headline figures, a chart over time by authority, and tables.

    The page opens without a network (inline CSS and SVG, no scripts): mentions by authority and
    action, latest mentions and runs, designation changes, Rosatom-linked entries, quarantine reasons.
    """
    from sanctrack.outputs import OutputExists, refuse_existing, written_atomically
    from sanctrack.report import build_report

    try:
        refuse_existing([out_file], force)  # before the work, not after it
        con = _open_read_only(obj["db_path"])
        try:
            page = build_report(con)
        finally:
            con.close()
        with written_atomically(out_file, force) as partial:
            partial.write_text(page, encoding="utf-8")
    except OutputExists as exc:
        _fail(str(exc))
    click.echo(f"report: {out_file.resolve()}")


@main.command(epilog=_examples(
    "sanctrack evaluate --gold ../shared/corpus/dev --gold ../shared/corpus/dev2",
    "sanctrack evaluate --gold ../shared/corpus/dev --gold ../shared/corpus/dev2 --cross-validate",
    "sanctrack evaluate --gold my-texts/ --lists ../shared/data/lists/un-sc/UN_consolidated_2026-02-27.xml",
))
@click.option("--gold", "gold_dirs", type=click.Path(exists=True, file_okay=False, path_type=Path), multiple=True,
              required=True, help="Folder with texts/, gold.jsonl (and evidence.jsonl); repeatable.")
@click.option("--cross-validate", "cross_validate", is_flag=True,
              help="Leave-one-document-out: each text is extracted by a model trained on all the others.")
@_lists_options
@click.option("--floor", "floor_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="JSON with the recorded strict_f1: fail when strict F1 drops more than 0.02 below it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def evaluate(gold_dirs: tuple[Path, ...], cross_validate: bool, list_files: tuple[Path, ...], lists_db: Path | None,
             floor_file: Path | None, fmt: str) -> None:
    """Score the extractor against labelled texts: strict and entity precision, recall, F1, per
    folder and in total, and the calibration of `confidence`."""
    from sanctrack.evaluate import evaluate_folders, render_report
    from sanctrack.extract.learn import GoldFolderError

    known = _known_entities(list_files, lists_db)
    try:
        report = evaluate_folders(list(gold_dirs), known=known, cross_validate=cross_validate)
    except GoldFolderError as exc:
        _fail(str(exc))
    click.echo(json.dumps(report, indent=2, default=str) if fmt == "json" else render_report(report))
    if floor_file is not None:
        floor = json.loads(floor_file.read_text())["strict_f1"]
        strict_f1 = report["strict"]["f1"]
        if strict_f1 < floor - 0.02:
            _fail(f"strict F1 {strict_f1:.3f} is more than 0.02 below the recorded floor {floor:.3f}")
        click.echo(f"strict F1 {strict_f1:.3f} holds the floor {floor:.3f} (tolerance 0.02)")


@main.command(epilog=_examples(
    "sanctrack train --gold ../shared/corpus/dev --gold ../shared/corpus/dev2 --lists ../shared/data/lists/un-sc/UN_consolidated_2026-02-27.xml",
))
@click.option("--gold", "gold_dirs", type=click.Path(exists=True, file_okay=False, path_type=Path), multiple=True,
              required=True, help="Folder with texts/, gold.jsonl and evidence.jsonl; repeatable.")
@_lists_options
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the model (default: the one the extractor reads, seeds/reference/extractor_model.json).")
def train(gold_dirs: tuple[Path, ...], list_files: tuple[Path, ...], lists_db: Path | None, out_file: Path | None) -> None:
    """Learn the extractor's decision weights from labelled texts (with and without known entities),
    with the output threshold and the calibration of `confidence` from cross-validation."""
    from sanctrack.extract.learn import GoldFolderError, train as run_train
    from sanctrack.extract.scorer import MODEL_PATH

    known = _known_entities(list_files, lists_db)
    try:
        stats = run_train(list(gold_dirs), known, out_file or MODEL_PATH)
    except GoldFolderError as exc:
        _fail(str(exc))
    click.echo(json.dumps(stats, indent=2))
    click.echo(f"model: {(out_file or MODEL_PATH).resolve()}")


@main.group(epilog=_examples("sanctrack entities divergence", "sanctrack entities show UK:RUS2387",
                             "sanctrack entities review"))
def entities() -> None:
    """Entities across lists: designations of any authorities that are one party (docs/entities.md)."""


def _entity_counts_line(counts) -> str:
    return (f"{counts.entries:,} list entries, {counts.entities:,} entities ({counts.multi_list_entities:,} on "
            f"several lists), {counts.links:,} links, {counts.candidates:,} candidates for review")


@entities.command("recompute", epilog=_examples("sanctrack entities recompute", "sanctrack entities recompute --full"))
@click.option("--full", is_flag=True, help="Compare every entry again (default: only the entries that changed).")
@click.pass_obj
def entities_recompute(obj: dict, full: bool) -> None:
    """Bring the entities up to date with the loaded lists (a lists run does this by itself)."""
    from sanctrack.warehouse.db import transaction
    from sanctrack.warehouse.entities import recompute_entities

    con = _open_for_writing(obj["db_path"])
    try:
        with transaction(con):
            counts = recompute_entities(con, obj["db_path"], full=full)
    finally:
        con.close()
    click.echo("entities: up to date, nothing changed" if counts is None else f"entities: {_entity_counts_line(counts)}")


@entities.command("review", epilog=_examples(
    "sanctrack entities review", "sanctrack entities review --confirm 3f2a9c --note 'same passport in the UK SoR'",
    "sanctrack entities review --reject 3f2a9c"))
@click.option("--confirm", "confirm", default=None, help="Confirm the candidate link with this id (or id prefix).")
@click.option("--reject", "reject", default=None, help="Reject the link with this id (or id prefix).")
@click.option("--note", default=None, help="The reviewer's reason, stored with the decision.")
@click.option("--limit", default=20, show_default=True, help="Candidates to list.")
@click.pass_obj
def entities_review(obj: dict, confirm: str | None, reject: str | None, note: str | None, limit: int) -> None:
    """List the candidate links for review, best first, or record a decision on one.

    A confirmed link joins the two entries' entities; a rejected one never links them; both survive every
    recomputation (entity_reviews).
    """
    if confirm and reject:
        _usage("give --confirm or --reject, not both")
    if confirm or reject:
        from sanctrack.warehouse.db import transaction
        from sanctrack.warehouse.entities import ReviewError, record_review

        con = _open_for_writing(obj["db_path"])
        try:
            with transaction(con):
                counts = record_review(con, confirm or reject, "confirmed" if confirm else "rejected", note)
        except ReviewError as exc:
            _fail(str(exc))
        finally:
            con.close()
        click.echo(f"{'confirmed' if confirm else 'rejected'}; entities: {_entity_counts_line(counts)}")
        return
    con = _open_read_only(obj["db_path"])
    try:
        (total,) = con.execute("select count(*) from entity_links where decision = 'candidate'").fetchall()[0]
        rows = con.execute(
            "select left(link_id, 12), authority_a || ':' || list_id_a, name_a, authority_b || ':' || list_id_b, name_b, "
            "rule, round(score, 3), birth_dates, countries, coalesce(shared_identifiers, '') from entity_links "
            "where decision = 'candidate' order by score desc, link_id limit ?", [limit]).fetchall()
    finally:
        con.close()
    _print_table(["link", "entry a", "name a", "entry b", "name b", "rule", "score", "birth dates", "countries",
                  "identifiers"], rows, title=f"candidate links: {len(rows)} of {total:,}")
    click.echo("decide: sanctrack entities review --confirm LINK (or --reject LINK)")


@entities.command("show", epilog=_examples("sanctrack entities show UK:RUS2387", "sanctrack entities show US:23303",
                                           "sanctrack entities show ent-5ff569077f5c8218d42a"))
@click.argument("entry")
@click.pass_obj
def entities_show(obj: dict, entry: str) -> None:
    """An entity (by its id, or by one entry as AUTHORITY:LIST_ID): its entries and the links between them."""
    con = _open_read_only(obj["db_path"])
    try:
        if entry.startswith("ent-"):
            ids = [entry]
        else:
            authority, _, list_id = entry.partition(":")
            ids = [r[0] for r in con.execute("select distinct entity_id from entity_members where authority = ? "
                                             "and list_id = ?", [authority.upper(), list_id]).fetchall()]
        if not ids:
            _fail(f"no entity with an entry {entry!r} (give AUTHORITY:LIST_ID, e.g. UK:RUS2387, or an entity id)")
        for ident in ids:
            members = con.execute(
                "select e.authority, e.list_name, e.list_id, e.primary_name, e.entity_type, e.regimes, e.listed_on, "
                "e.removed_on from entity_members as m inner join list_entries as e using (authority, list_name, list_id) "
                "where m.entity_id = ? order by all", [ident]).fetchall()
            _print_table(["authority", "list", "list id", "name", "type", "regimes", "listed on", "removed on"],
                         members, title=ident)
            links = con.execute(
                "select authority_a || ':' || list_id_a, authority_b || ':' || list_id_b, decision, rule, round(score, 3), "
                "name_a, name_b, birth_dates, countries, coalesce(shared_identifiers, ''), left(link_id, 12) "
                "from entity_links where link_id in (select link_id from entity_links as l inner join entity_members "
                "as m on (m.authority, m.list_name, m.list_id) in ((l.authority_a, l.list_name_a, l.list_id_a), "
                "(l.authority_b, l.list_name_b, l.list_id_b)) where m.entity_id = ?) order by decision, score desc",
                [ident]).fetchall()
            _print_table(["a", "b", "decision", "rule", "score", "name a", "name b", "birth dates", "countries",
                          "identifiers", "link"], links, title="links and candidates")
    finally:
        con.close()


@entities.command("divergence", epilog=_examples(
    "sanctrack entities divergence", "sanctrack entities divergence --rosatom",
    "sanctrack entities divergence --as-of 2023-01-01 --by regime"))
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The lists as they stood on this date (default: the current lists).")
@click.option("--rosatom", is_flag=True, help="Only the entities the lists link to Rosatom (the rosatom_linked view).")
@click.option("--by", "by", type=click.Choice(["regime", "country"]), default=None,
              help="Also break down each pair's divergence by the regime of the listing or the entity's country.")
@click.option("--limit", default=5, show_default=True, help="With --by: groups shown per pair of authorities.")
@click.pass_obj
def entities_divergence(obj: dict, as_of, rosatom: bool, by: str | None, limit: int) -> None:
    """Who lists whom: for each authority, the entities it lists and, per other authority, how many of
    those the other does not list."""
    from sanctrack.entities.figures import divergence_breakdown, divergence_matrix

    day = as_of.date() if as_of else None
    con = _open_read_only(obj["db_path"])
    try:
        columns, rows = divergence_matrix(con, day, rosatom)
        what = "Rosatom-linked entities" if rosatom else "entities"
        _print_table(columns, rows, title=f"{what} listed by one authority and not by another, "
                                          f"{'as of ' + day.isoformat() if day else 'current lists'}")
        if by:
            columns, rows = divergence_breakdown(con, by, day, rosatom, limit)
            _print_table(columns, rows, title=f"by {by} (the {limit} largest per pair)")
    finally:
        con.close()


@entities.command("latency", epilog=_examples("sanctrack entities latency"))
@click.pass_obj
def entities_latency(obj: dict) -> None:
    """How fast the lists follow the news: days from a linked mention's publication to each authority's
    listing (medians per year), and days between authorities listing the same entity."""
    from sanctrack.entities.figures import latency_by_authority, listing_lags, undated_mentions

    con = _open_read_only(obj["db_path"])
    try:
        columns, rows = latency_by_authority(con)
        undated, total = undated_mentions(con)
        _print_table(columns, rows, title="days from publication to listing (negative: listed before the news)")
        click.echo(f"linked mentions: {total:,}; of undated articles, left out of the figures: {undated:,}")
        columns, rows = listing_lags(con)
        _print_table(columns, rows, title="days from authority a's listing to authority b's, same entity")
    finally:
        con.close()


@entities.command("evaluate", epilog=_examples("sanctrack entities evaluate"))
@click.option("--show", default=10, show_default=True, help="Errors listed of each kind.")
@click.pass_obj
def entities_evaluate(obj: dict, show: int) -> None:
    """Measure the linker against references no one wrote by hand: UK entries carrying a UN reference
    (linked with every UN reference removed) and vessels by IMO number."""
    from sanctrack.warehouse.entities import evaluate_warehouse

    con = _open_read_only(obj["db_path"])
    try:
        result = evaluate_warehouse(con)
    finally:
        con.close()
    for label, scores in (("UN reference", result.un), ("IMO", result.imo)):
        if not (scores.true_positives or scores.false_positives or scores.false_negatives):
            click.echo(f"{label}: nothing to evaluate (no pair of entries of two lists shares one, and none was linked)")
            continue
        click.echo(f"{label}: precision {scores.precision:.4f}, recall {scores.recall:.4f} "
                   f"({scores.true_positives:,} pairs right, {scores.false_positives:,} wrong, "
                   f"{scores.false_negatives:,} missed)")
        for kind, pairs in (("wrong", scores.false_positive_pairs), ("missed", scores.false_negative_pairs)):
            for a, b in pairs[:show]:
                click.echo(f"  {kind}: {a[0]}:{a[2]} {result.names[a]!r} ~ {b[0]}:{b[2]} {result.names[b]!r}")
    click.echo(f"UK entries carrying a UN reference: {result.carrying:,} ({result.truth_pairs:,} pairs with a UN entry "
               f"loaded); vessels with an IMO number: {result.vessels:,}")


if __name__ == "__main__":
    main()
