"""Reading news documents from files, directories, globs and http(s) URLs.

A source that cannot be read (missing, empty, binary, not UTF-8/16/32, an HTML page without
article text, over the size caps, any fetch failure: see sanctrack/fetching.py) becomes a
`SourceError` naming the document and what is wrong; the other documents of the run go on.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

import httpx

from sanctrack.fetching import FetchFailed, fetch, http_client, own_client
from sanctrack.settings import Settings, load_settings
from sanctrack.text import control_share, strip_control_characters

log = logging.getLogger(__name__)

# Files a directory or glob contributes; a file named explicitly is read whatever its suffix.
DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ".html", ".htm", ".xhtml"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


@dataclass(frozen=True, slots=True)
class Document:
    """One news document, reduced to its article text."""

    document_id: str  # sha256 of the text: the same content is one document
    source_uri: str
    title: str | None
    published_on: date | None
    fetched_at: datetime
    content_type: str  # "text/plain" or "text/html"
    text: str


@dataclass(frozen=True, slots=True)
class SourceError:
    """A source that yielded no document, and why."""

    source_uri: str
    message: str

    def __str__(self) -> str:
        return f"{self.source_uri}: {self.message}"


class DocumentError(Exception):
    def __init__(self, source_uri: str, message: str) -> None:
        super().__init__(f"{source_uri}: {message}")
        self.source_uri = source_uri
        self.message = message


def is_url(spec: str) -> bool:
    return urlparse(spec).scheme in ("http", "https")


def expand_sources(specs: Iterable[str]) -> Iterator[str | SourceError]:
    """Turn files, directories, globs and URLs into document URIs (sorted within a spec)."""
    for spec in specs:
        if is_url(spec):
            yield spec
            continue
        path = Path(spec)
        if path.is_file():
            yield str(path)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
            if not found:
                log.warning("%s: directory holds no documents (%s)", spec, ", ".join(sorted(DOCUMENT_SUFFIXES)))
            yield from (str(p) for p in found)
        elif glob.has_magic(spec):
            matches = sorted(p for p in glob.glob(spec, recursive=True) if Path(p).is_file())
            if not matches:
                yield SourceError(spec, "the pattern matches no file")
            yield from matches
        elif path.exists():
            yield SourceError(spec, "not a regular file (a device, a pipe or a socket): refused")
        else:
            yield SourceError(spec, "no such file or directory")


def read_documents(specs: Iterable[str]) -> Iterator[Document | SourceError]:
    """Read every document the specs name; failures come back as SourceError, in order.

    Whatever goes wrong with one source is that source's error: the others are still read.
    """
    settings = load_settings()
    client: httpx.Client | None = None  # made on the first URL: files need none
    try:
        for uri in expand_sources(specs):
            if isinstance(uri, SourceError):
                yield uri
                continue
            if client is None and is_url(uri):
                client = http_client(settings)
            try:
                yield read_document(uri, client=client, settings=settings)
            except DocumentError as exc:
                yield SourceError(exc.source_uri, exc.message)
            except Exception as exc:  # noqa: BLE001 - a bug or a library's surprise: still only this source's error
                log.exception("%s: unexpected %s while reading", uri, type(exc).__name__)
                yield SourceError(uri, f"unexpected {type(exc).__name__}: {exc}")
    finally:
        if client is not None:
            client.close()


def read_document(uri: str, *, client: httpx.Client | None = None, settings: Settings | None = None) -> Document:
    """Read one file or URL into a Document, or raise DocumentError saying what is wrong.

    The publication date is the document's own (HTML metadata, a dateline), else the feed item's (a
    `feeds.FeedLink`), else one in the URL or file name.
    """
    settings = settings or load_settings()
    if is_url(uri):
        with own_client(client, settings) as http:
            raw, header_type = fetch_url(uri, http, settings)
        is_html = "html" in header_type or _looks_like_html(raw)
    else:
        raw = read_local_file(uri, settings.document_max_bytes)
        is_html = Path(uri).suffix.lower() in HTML_SUFFIXES or _looks_like_html(raw)
    document = document_from_bytes(uri, raw, is_html=is_html, max_chars=settings.document_max_chars)
    if document.published_on is None and getattr(uri, "published_on", None):  # a feed item's own date
        document = replace(document, published_on=uri.published_on)
    return document


def document_from_bytes(uri: str, raw: bytes, *, is_html: bool, max_chars: int | None = None) -> Document:
    """Decode and reduce raw content to a Document (HTML to its article text), control characters removed."""
    if not raw.strip():
        raise DocumentError(uri, "empty file" if raw == b"" else "the file holds only white space")
    decoded = _decode_with_bom(uri, raw)  # UTF-8/16/32 with a byte-order mark; None without one
    if decoded is None and _looks_binary(raw) or decoded is not None and control_share(decoded[:8192]) > 0.05:
        raise DocumentError(uri, "binary content, not a text or HTML document")
    if is_html:
        text, title, published_on = _article_from_html(uri, raw if decoded is None else decoded)
        content_type = "text/html"
    else:
        text = _decode_utf8(uri, raw) if decoded is None else decoded
        title, published_on = _title_of_text(text), _date_of_text(uri, text)
        content_type = "text/plain"
    text = strip_control_characters(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise DocumentError(uri, "no text after decoding")
    max_chars = load_settings().document_max_chars if max_chars is None else max_chars
    if len(text) > max_chars:
        raise DocumentError(uri, f"{len(text):,} characters of text, over the {max_chars:,}-character cap "
                                 "for one document (SANCTRACK_DOCUMENT_MAX_CHARS)")
    return Document(
        document_id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source_uri=uri,
        title=strip_control_characters(title) if title else title,
        published_on=published_on,
        fetched_at=datetime.now(timezone.utc),
        content_type=content_type,
        text=text,
    )


def fetch_url(uri: str, client: httpx.Client, settings: Settings) -> tuple[bytes, str]:
    """GET a URL within the fetch deadline and the document size cap: (content, content type)."""
    body = io.BytesIO()
    try:
        response = fetch(uri, client, body, max_bytes=settings.document_max_bytes, timeout_s=settings.fetch_timeout_s)
    except FetchFailed as exc:
        raise DocumentError(uri, exc.message) from None
    return body.getvalue(), response.headers.get("content-type", "")


def read_local_file(uri: str, max_bytes: int) -> bytes:
    """A local file's bytes, refused (DocumentError) when missing, unreadable or over the cap."""
    path = Path(uri)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(uri, f"{size:,} bytes, over the {max_bytes:,}-byte cap for one document "
                                     "(SANCTRACK_DOCUMENT_MAX_BYTES)")
        return path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(uri, "no such file") from None
    except IsADirectoryError:
        raise DocumentError(uri, "is a directory") from None
    except PermissionError:
        raise DocumentError(uri, "permission denied") from None


# Control bytes that never occur in text (tab, newlines, form feed and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return control > len(head) * 0.05


def _decode_with_bom(uri: str, raw: bytes) -> str | None:
    """The text of content that starts with a byte-order mark (UTF-8, UTF-16, UTF-32), else None."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise DocumentError(uri, f"invalid {codec.upper().removesuffix('-SIG')} at byte {exc.start} "
                                         f"after its byte-order mark: {exc.reason}") from None
    return None


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _decode_utf8(uri: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DocumentError(
            uri, f"invalid UTF-8 at byte {exc.start} (line {line}): {raw[exc.start:exc.start + 4]!r}; save it as UTF-8"
        ) from None


def _article_from_html(uri: str, raw: bytes | str) -> tuple[str, str | None, date | None]:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    result = trafilatura.bare_extraction(
        raw, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True, fast=True
    )
    text = (result.text if result is not None else None) or ""
    if not text.strip():
        raise DocumentError(uri, "HTML page with no article text")
    published_on = None
    if result.date:
        try:
            published_on = date.fromisoformat(result.date[:10])
        except ValueError:
            log.warning("%s: unreadable publication date %r", uri, result.date)
    # The page's metadata first (trafilatura reads <meta>, JSON-LD, <time>); else the text's dateline, the URL.
    return text, (result.title or _title_of_text(text)), published_on or _date_of_text(uri, text)


# A headline is a line of its own near the top, at most this many words; a longer first line is the lead.
HEADLINE_MAX_WORDS = 20
_BULLET = re.compile(r"^[\s•·▪◦●*–—-]+")
_CAPTION = re.compile(r"(?<=[.!?])\s+(?:Image|Photo|Picture|Credit|Source|Illustration)\s*:.*$", re.I)
_SENTENCE_BREAK = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")  # not after "U.S." or "Mr."
_BYLINE = re.compile(r"^(?:by|published|updated|posted|last updated)\b|\b\d+\s+min(?:ute)?s?\s+read\b", re.I)
_WORD = re.compile(r"\w+")
# Words too common to say what a text is about (a slogan such as "News around the clock" shares only these).
_COMMON = frozenset("""a an and are as at be been but by for from has have he her his in is it its of on or she that the
their they this to was were will with news new our your you we all about more most over after into around out up
page print read notice subscriber today""".split())


def _header(text: str) -> tuple[list[str], int | None]:
    """The lines above the body (the first paragraph), cleaned of bullets and photo captions; and which of
    them is the headline (None when there is none)."""
    lines = [_CAPTION.sub("", _BULLET.sub("", line)).strip() for line in text[:3000].splitlines()]
    lines = [line for line in lines if line]
    header, headline = [], None
    for i, line in enumerate(lines[:15]):
        if _is_paragraph(line):
            break
        header.append(line)
        if headline is None and _reads_as_headline(line, " ".join(lines[i + 1:]).lower()):
            headline = len(header) - 1
    return header, headline


def _is_paragraph(line: str) -> bool:
    words = len(line.split())
    return words > HEADLINE_MAX_WORDS or len(line) > 200 or words > 12 and bool(_SENTENCE_BREAK.search(line))


def _reads_as_headline(line: str, rest: str) -> bool:
    """Four words or more, no byline or dateline, and about what the text goes on to talk about (a slogan or a
    site's name, "News around the clock", is not)."""
    words = line.split()
    if len(words) < 4 or _BYLINE.search(line) or _dates_in(line) and len(words) < 8:
        return False
    topical = {w for w in _WORD.findall(line.lower()) if len(w) > 2 and w not in _COMMON}
    return len(rest) <= 200 or any(re.search(rf"\b{re.escape(w)}", rest) for w in topical)


def _title_of_text(text: str) -> str | None:
    """The text's own headline: the first line above the body that reads as one; None when the text begins
    with its lead paragraph (a lead is never a title)."""
    header, headline = _header(text)
    return header[headline][:300] if headline is not None else None


_MONTH_NAMES = "January February March April May June July August September October November December".split()
_MONTHS = {name.lower()[:n]: i for i, name in enumerate(_MONTH_NAMES, start=1) for n in (3, len(name))} | {"sept": 9}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE_FORMS = (
    re.compile(rf"\b{_DAY} {_MONTH},? (?P<year>\d{{4}})\b"),  # 14 February 2025
    re.compile(rf"\b{_MONTH} {_DAY},? (?P<year>\d{{4}})\b"),  # February 14, 2025; Oct 9th, 2024
    re.compile(r"(?<![\d.])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d])"),  # 2025-02-14
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d])"),  # 19.05.2023
    re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})(?![\d])"),  # 06/02/2022: see _slashed
)
# A time in a US zone after a slashed date says it is month first ("06/02/2022 10:51 AM EDT").
_US_TIME = re.compile(r"\b[AP]M\s+(?:E|C|M|P|AK|H)[SD]T\b")


def _dates_in(line: str) -> list[date]:
    """Every calendar date written in the line, in order of the forms above."""
    found = []
    for form in _DATE_FORMS:
        for match in form.finditer(line):
            parts = match.groupdict()
            year = int(parts["year"])
            if "a" in parts:
                day_month = _slashed(int(parts["a"]), int(parts["b"]), bool(_US_TIME.search(line)))
                if day_month is None:
                    continue
                day, month = day_month
            else:
                month = int(parts["month"]) if parts["month"].isdigit() else _MONTHS.get(parts["month"].lower(), 0)
                day = int(parts["day"])
            if (found_date := _safe_date(year, month, day)) is not None:
                found.append(found_date)
    return found


def _slashed(a: int, b: int, us_time: bool) -> tuple[int, int] | None:
    """(day, month) of a slashed date, when it can be told: one part over 12, or a US time beside it."""
    if a > 12 >= b:
        return a, b
    if b > 12 >= a or us_time:
        return b, a
    return None  # 03/04/2025 could be either: not a date we can vouch for


_URL_DATE = re.compile(r"/(?P<year>20\d{2}|19\d{2})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})(?:/|-|$)")


def _date_of_text(uri: str, text: str) -> date | None:
    """A publication date: a dateline above the body (a short line with a date; below the headline first, as
    a date above it is often the site's own "today"), else the file name or the URL."""
    header, headline = _header(text)
    after = header[headline + 1:] if headline is not None else []
    for line in after + header:
        if len(line) <= 80 and (dates := _dates_in(line)):
            return dates[0]
    return _lead_dateline(text) or date_of_uri(uri)


# "LONDON, 14 February 2025 — The UK ...": the opening of the first paragraph, up to a dash or colon
_LEAD_OPENING = re.compile(r"^(.{4,80}?)\s*(?:[—–]|--|\s-\s|:\s)")


def _lead_dateline(text: str) -> date | None:
    """The dateline that opens the first paragraph, before its dash ("PARIS, 3 March 2025 – ...")."""
    lines = [line.strip() for line in text[:3000].splitlines() if line.strip()]
    lead = next((line for line in lines[:15] if _is_paragraph(line)), None)
    opening = _LEAD_OPENING.match(lead) if lead else None
    if not opening:
        return None
    # a place and a date, nothing else: no word in lower case ("... who was born on 3 March 1960 - ...")
    words = opening[1].replace(",", " ").split()
    if len(words) > 7 or any(w[:1].islower() for w in words):
        return None
    dates = _dates_in(opening[1])
    return dates[0] if dates else None


def date_of_uri(uri: str) -> date | None:
    """A date in a file name (2025-02-14) or in a URL's path (/2025/03/13/, /2025-03-13-...)."""
    if is_url(uri):
        match = _URL_DATE.search(urlparse(uri).path)
        if match:
            return _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
        return None
    dates = _dates_in(Path(uri).name.replace("_", " "))
    return dates[0] if dates else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
