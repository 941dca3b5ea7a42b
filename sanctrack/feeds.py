"""News feeds (RSS and Atom) and the sources file: what the news flow should fetch.

A feed is read (from a file or a URL) and turned into the links of its items; an item whose
URL the warehouse has already read is not fetched again, and a page whose text is already
there is one document (the content hash).
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import feedparser

from sanctrack.documents import DocumentError, SourceError, fetch_url, is_url, read_local_file
from sanctrack.fetching import http_client
from sanctrack.settings import Settings, load_settings

log = logging.getLogger(__name__)

SOURCE_KINDS = ("feed", "page")


class FeedLink(str):
    """A feed item's link that remembers the item's publication date (a fallback for the page's own)."""

    published_on: date | None

    def __new__(cls, link: str, published_on: date | None = None) -> FeedLink:
        item = super().__new__(cls, link)
        item.published_on = published_on
        return item

    def __reduce__(self):  # pickled whole when a batch goes to a Dask worker
        return FeedLink, (str(self), self.published_on)


def item_date(entry) -> date | None:
    """The item's published (else updated) date, as feedparser parsed it."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


@dataclass(frozen=True, slots=True)
class NewsSource:
    name: str
    kind: str  # feed or page (a page, a file, a folder or a glob)
    location: str


def read_sources_file(path: Path) -> list[NewsSource]:
    """The news sources file: CSV with name, kind (feed or page), location; '#' starts a comment line."""
    sources = []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.lstrip().startswith("#"))
        missing = {"name", "kind", "location"} - set(rows.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: the header lacks {', '.join(sorted(missing))}")
        for number, row in enumerate(rows, start=2):
            if row["kind"] not in SOURCE_KINDS:
                raise ValueError(f"{path}, line {number}: kind {row['kind']!r} is not one of {', '.join(SOURCE_KINDS)}")
            if not row["location"]:
                raise ValueError(f"{path}, line {number}: no location")
            sources.append(NewsSource(row["name"], row["kind"], row["location"]))
    return sources


def feed_item_links(feed: str, settings: Settings | None = None) -> tuple[list[FeedLink], list[SourceError]]:
    """The item links of an RSS or Atom feed (a file or a URL), absolute, in feed order, each with the item's
    date; and the bad items.

    An item link must be an http(s) URL (relative links of a feed read from a URL are resolved
    against it): a feed never makes sanctrack read a local path. An item with another kind of link
    is that item's error. Raises DocumentError naming the feed when it cannot be read or is not a feed.
    """
    settings = settings or load_settings()
    if is_url(feed):
        with http_client(settings) as client:
            raw, _ = fetch_url(feed, client, settings)
    else:
        raw = read_local_file(feed, settings.document_max_bytes)
    # feedparser is given bytes, never a URL: it must not fetch anything itself.
    parsed = feedparser.parse(raw, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        raise DocumentError(feed, f"not a readable RSS or Atom feed: {parsed.get('bozo_exception')}")
    if parsed.get("version", "") == "" and not parsed.entries:
        raise DocumentError(feed, "not an RSS or Atom feed")
    links, errors = [], []
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link")
        if not link:
            log.warning("%s: item %d (%r) has no link; skipped", feed, number, entry.get("title"))
            continue
        link = urljoin(feed, link) if is_url(feed) else link
        if not is_url(link):
            errors.append(SourceError(f"{feed} (item {number})",
                                      f"the item's link {link[:200]!r} is not an http(s) URL: not read"))
            continue
        links.append(FeedLink(link, item_date(entry)))
    return list(dict.fromkeys(links)), errors


def expand_feeds(feeds: list[str], already_read: set[str]) -> tuple[list[str], list[SourceError], int]:
    """Item links of the feeds that the warehouse has not read yet, the feeds and items that failed, and how
    many were known."""
    links, errors, known = [], [], 0
    settings = load_settings()
    for feed in feeds:
        try:
            items, bad_items = feed_item_links(feed, settings)
        except DocumentError as exc:
            errors.append(SourceError(exc.source_uri, exc.message))
            continue
        except Exception as exc:  # noqa: BLE001 - one feed's surprise is that feed's error
            log.exception("%s: unexpected %s while reading the feed", feed, type(exc).__name__)
            errors.append(SourceError(feed, f"unexpected {type(exc).__name__}: {exc}"))
            continue
        errors.extend(bad_items)
        for link in items:
            if link in already_read:
                known += 1
            else:
                links.append(link)
    return list(dict.fromkeys(links)), errors, known
