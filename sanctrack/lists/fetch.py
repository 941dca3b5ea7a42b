"""Sources of list files (the configured sources, paths, URLs) and their download.

Downloads have a timeout, a size cap, conditional requests (ETag / Last-Modified, remembered in the
warehouse's list_fetch_state once a file has loaded), a sha256 of the content, and retries on I/O
errors only: an HTTP error status or a file over the cap fails at once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb
import httpx
import pandas as pd

from sanctrack.lists.detect import FORMATS
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


def download(url: str, dest_dir: Path, headers: dict[str, str], *, timeout: float, max_bytes: int
             ) -> tuple[httpx.Response, Path | None, str | None]:
    """One GET, streamed to a file under the size cap; (response, path, sha256), path None on 304."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        with client.stream("GET", url) as response:
            if response.status_code == 304:
                return response, None, None
            if response.status_code != 200:
                raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
            declared = response.headers.get("content-length")
            if declared is not None and int(declared) > max_bytes:
                raise FetchError(f"{url}: {int(declared):,} bytes announced, over the {max_bytes:,}-byte cap")
            digest = hashlib.sha256()
            partial = dest_dir / f".{file_name_of(url)}.part"
            size = 0
            with partial.open("wb") as out:
                for chunk in response.iter_bytes(1 << 16):
                    size += len(chunk)
                    if size > max_bytes:
                        out.close()
                        partial.unlink()
                        raise FetchError(f"{url}: over the {max_bytes:,}-byte cap after {size:,} bytes")
                    digest.update(chunk)
                    out.write(chunk)
            if declared is not None and size != int(declared):
                partial.unlink()
                raise httpx.ReadError(f"{url}: {size:,} bytes received of {int(declared):,} announced")
            sha = digest.hexdigest()
            path = dest_dir / f"{sha[:16]}_{file_name_of(url)}"
            partial.replace(path)
            return response, path, sha


def fetch_list(source: ListSource, con: duckdb.DuckDBPyConnection, dest_dir: Path, *, timeout: float | None = None,
               max_bytes: int | None = None, retries: int = 2, backoff_s: float = 1.0) -> FetchedFile:
    """A local file for a source: paths as they are; URLs downloaded conditionally, retried on I/O errors."""
    if not source.is_url:
        path = Path(source.location)
        if not path.exists():
            raise FetchError(f"{path}: no such file or folder (nor a configured source name)")
        # A folder is an OFAC CSV set: hash the same files the parser reads, so the sha256 skip matches.
        files = list(ofac_files_of(path).values()) if path.is_dir() else [path]
        return FetchedFile(source, path, sha256_of(files))
    settings = load_settings()
    timeout = settings.fetch_timeout_s if timeout is None else timeout
    max_bytes = settings.fetch_max_bytes if max_bytes is None else max_bytes
    etag, last_modified, _ = fetch_state(con, source.location)
    headers = {"User-Agent": settings.user_agent}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for attempt in range(retries + 1):
        try:
            response, path, sha = download(source.location, dest_dir, headers, timeout=timeout, max_bytes=max_bytes)
            break
        except httpx.TransportError as exc:  # timeouts, refused connections, cut transfers: worth retrying
            if attempt == retries:
                raise FetchError(f"{source.location}: {type(exc).__name__}: {exc} (after {attempt + 1} attempts)") from exc
            log.warning("%s: %s; retrying", source.location, exc)
            time.sleep(backoff_s * (attempt + 1))
    return FetchedFile(source, path, sha, response.headers.get("etag"), response.headers.get("last-modified"))
