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
from dataclasses import dataclass
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
    """Read one file or URL into a Document, or raise DocumentError saying what is wrong."""
    settings = settings or load_settings()
    if is_url(uri):
        with own_client(client, settings) as http:
            raw, header_type = fetch_url(uri, http, settings)
        is_html = "html" in header_type or _looks_like_html(raw)
    else:
        raw = read_local_file(uri, settings.document_max_bytes)
        is_html = Path(uri).suffix.lower() in HTML_SUFFIXES or _looks_like_html(raw)
    return document_from_bytes(uri, raw, is_html=is_html, max_chars=settings.document_max_chars)


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
    return text, (result.title or None), published_on


def _title_of_text(text: str) -> str | None:
    for line in text[:2000].splitlines():
        line = line.strip()
        if line:
            return line[:300]
    return None


_ISO_DATE = re.compile(r"(?:^|[^0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])")
_LONG_DATE = re.compile(r"\b(\d{1,2}) ([A-Z][a-z]{2,8}),? (\d{4})\b")
_MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), start=1)}


def _date_of_text(uri: str, text: str) -> date | None:
    """A publication date from the head of the text (a dateline), else from the file name."""
    head = text[:600]
    for match in _LONG_DATE.finditer(head):
        if match[2] in _MONTHS:
            return _safe_date(int(match[3]), _MONTHS[match[2]], int(match[1]))
    for candidate in (head, Path(uri).name):
        for match in _ISO_DATE.finditer(candidate):
            found = _safe_date(int(match[1]), int(match[2]), int(match[3]))
            if found:
                return found
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
