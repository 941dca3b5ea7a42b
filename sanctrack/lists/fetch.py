"""Sources of list files (the configured sources, paths, URLs) and their download.

Downloads go through sanctrack.fetching (a total deadline, a size cap counted after decompression,
gzip per HTTP, retries on I/O errors only: an HTTP error status or a file over the cap fails at once),
with conditional requests (ETag / Last-Modified, remembered in the warehouse's list_fetch_state once a
file has loaded) and a sha256 of the content. Local files are held to the same size cap.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb
import httpx
import pandas as pd

from sanctrack.fetching import FetchFailed, fetch, http_client
from sanctrack.lists.detect import FORMATS
from sanctrack.lists.limits import check_file_size
from sanctrack.lists.model import sha256_of
from sanctrack.lists.ofac_csv import files_of as ofac_files_of
from sanctrack.settings import REFERENCE_DIR, load_settings

log = logging.getLogger(__name__)

SOURCES_FILE = REFERENCE_DIR / "list_sources.csv"


class FetchError(Exception):
    """A list file that could not be fetched: names the URL and the reason."""


@dataclass(frozen=True)
class ListSource:
    """One thing to load: a configured source, a local path or a URL, with an optional format."""

    name: str
    location: str  # a path or an http(s) URL
    fmt: str | None = None

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class FetchedFile:
    """A list file ready to parse (path is None when the server said 304 Not Modified)."""

    source: ListSource
    path: Path | None
    sha256: str | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.path is None


def configured_sources(path: Path = SOURCES_FILE) -> list[ListSource]:
    """The official sources in seeds/reference/list_sources.csv."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    unknown = sorted(set(table["format"]) - set(FORMATS))
    if unknown:
        raise ValueError(f"{path}: unknown formats {unknown}; known: {', '.join(FORMATS)}")
    return [ListSource(r.name, r.url, r.format) for r in table.itertuples()]


def resolve_sources(arguments: list[str], fmt: str | None = None) -> list[ListSource]:
    """Arguments as sources: a configured source name, a path or a URL; none means every configured source."""
    configured = {s.name: s for s in configured_sources()}
    if not arguments:
        return list(configured.values())
    sources = []
    for argument in arguments:
        if argument in configured:
            source = configured[argument]
            sources.append(ListSource(source.name, source.location, fmt or source.fmt))
        else:
            sources.append(ListSource(argument, argument, fmt))
    return sources


def fetch_state(con: duckdb.DuckDBPyConnection, url: str) -> tuple[str | None, str | None, str | None]:
    """(etag, last_modified, sha256) remembered for a URL from its last successful load."""
    rows = con.execute("select etag, last_modified, sha256 from list_fetch_state where url = ?", [url]).fetchall()
    return rows[0] if rows else (None, None, None)


def remember_fetch(con: duckdb.DuckDBPyConnection, fetched: FetchedFile, fetched_at) -> None:
    """Record a URL's validators once its file has loaded (or was found already loaded)."""
    if not fetched.source.is_url or fetched.path is None:
        return
    con.execute(
        "insert or replace into list_fetch_state (url, etag, last_modified, sha256, content_length, fetched_at) "
        "values (?, ?, ?, ?, ?, ?)",
        [fetched.source.location, fetched.etag, fetched.last_modified, fetched.sha256, fetched.path.stat().st_size,
         fetched_at],
    ).fetchall()


def file_name_of(url: str) -> str:
    """A safe local file name from the URL's last path segment (kept: OFAC tells SDN from CONSOLIDATED by it)."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "list"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100]


def download(url: str, dest_dir: Path, headers: dict[str, str], *, timeout: float, max_bytes: int,
             retries: int = 2, backoff_s: float = 1.0) -> tuple[httpx.Response, Path | None, str | None]:
    """One bounded GET (sanctrack.fetching), streamed to a file; (response, path, sha256), path None on 304."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    partial = dest_dir / f".{file_name_of(url)}.part"
    settings = load_settings()
    try:
        with http_client(settings) as client, partial.open("wb+") as out:
            response = fetch(url, client, out, max_bytes=max_bytes, timeout_s=timeout, headers=headers,
                             attempts=retries + 1, backoff_s=backoff_s)
    except FetchFailed as exc:
        partial.unlink(missing_ok=True)
        raise FetchError(str(exc)) from None
    if response.status_code == 304:
        partial.unlink()
        return response, None, None
    sha = sha256_of([partial])
    path = dest_dir / f"{sha[:16]}_{file_name_of(url)}"
    partial.replace(path)
    return response, path, sha


def fetch_list(source: ListSource, con: duckdb.DuckDBPyConnection, dest_dir: Path, *, timeout: float | None = None,
               max_bytes: int | None = None, retries: int = 2, backoff_s: float = 1.0) -> FetchedFile:
    """A local file for a source: paths as they are (within the size cap); URLs downloaded conditionally
    (with the validators remembered in the warehouse), within the fetch deadline and the size cap,
    retried on I/O errors."""
    state = fetch_state(con, source.location) if source.is_url else None
    return fetch_with_state(source, state, dest_dir, timeout=timeout, max_bytes=max_bytes, retries=retries,
                            backoff_s=backoff_s)


def fetch_with_state(source: ListSource, state: tuple[str | None, str | None, str | None] | None, dest_dir: Path, *,
                     timeout: float | None = None, max_bytes: int | None = None, retries: int = 2,
                     backoff_s: float = 1.0) -> FetchedFile:
    """fetch_list with the URL's remembered (etag, last_modified, sha256) read beforehand: the download
    needs no connection to the warehouse."""
    settings = load_settings()
    max_bytes = settings.fetch_max_bytes if max_bytes is None else max_bytes
    if not source.is_url:
        path = Path(source.location)
        if not path.exists():
            raise FetchError(f"{path}: no such file or folder (nor a configured source name)")
        # A folder is an OFAC CSV set: hash the same files the parser reads, so the sha256 skip matches.
        files = list(ofac_files_of(path).values()) if path.is_dir() else [path]
        for file in files:
            check_file_size(file, max_bytes)
        return FetchedFile(source, path, sha256_of(files))
    timeout = settings.fetch_timeout_s if timeout is None else timeout
    etag, last_modified, _ = state or (None, None, None)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response, path, sha = download(source.location, dest_dir, headers, timeout=timeout, max_bytes=max_bytes,
                                   retries=retries, backoff_s=backoff_s)
    return FetchedFile(source, path, sha, response.headers.get("etag"), response.headers.get("last-modified"))
