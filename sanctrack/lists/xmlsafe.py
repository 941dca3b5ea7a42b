"""Safe, streaming XML reading for list files: no DTDs, no entities, no network.

A list file comes from the internet; a DOCTYPE that declares entities (billion laughs, external
entities) is refused before the parser sees it, and the parser itself never resolves entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from sanctrack.lists.model import ListFormatError

# The prolog (declaration, comments, DOCTYPE) of any real list is tiny; a DOCTYPE is refused if it
# declares entities anywhere in its internal subset, however long.
_PROLOG_CHUNK = 1 << 16
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def check_prolog(path: Path) -> None:
    """Refuse a file whose DOCTYPE declares entities; empty files are refused too."""
    with path.open("rb") as fh:
        head = fh.read(_PROLOG_CHUNK)
        if not head.strip():
            raise ListFormatError(path, "byte 0", "empty file")
        match = _DOCTYPE.search(head)
        if match is None:
            return
        # Read the rest of the DOCTYPE (up to the first root start tag) in bounded chunks.
        buf = head[match.start():]
        while not re.search(rb"\]\s*>|<!DOCTYPE[^\[>]*>", buf) and len(buf) < (64 << 20):
            more = fh.read(_PROLOG_CHUNK)
            if not more:
                break
            buf += more
        entity = _ENTITY.search(buf)
        if entity is not None:
            raise ListFormatError(
                path, f"byte {match.start() + entity.start()}", "DOCTYPE declares entities: refused (entity expansion)"
            )


def iter_elements(path: Path, tags: tuple[str, ...]) -> Iterator[tuple[int, etree._Element]]:
    """Yield (ordinal, element) for each complete record element, clearing it after use.

    Malformed or truncated XML raises ListFormatError with the line and column.
    """
    check_prolog(path)
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=tags,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )
    n = 0
    try:
        for _, element in context:
            n += 1
            yield n, element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise ListFormatError(
            path, f"line {line}, column {column} (after record {n})", f"malformed XML: {exc.msg}"
        ) from exc


def root_info(path: Path) -> tuple[str, str, dict[str, str]]:
    """The root element's namespace, local name and attributes, read from the start of the file."""
    check_prolog(path)
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, load_dtd=False, no_network=True)
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 14)
            if not chunk:
                break
            try:
                parser.feed(chunk)
                for _, element in parser.read_events():
                    qname = etree.QName(element)
                    return qname.namespace or "", qname.localname, dict(element.attrib)
            except etree.XMLSyntaxError as exc:
                line, column = exc.position if exc.position else (0, 0)
                raise ListFormatError(path, f"line {line}, column {column}", f"malformed XML: {exc.msg}") from exc
    raise ListFormatError(path, f"byte {path.stat().st_size}", "no root element")


def text_of(element: etree._Element | None) -> str | None:
    """The stripped text of an element, None where absent or empty."""
    if element is None or element.text is None:
        return None
    text = element.text.strip()
    return text or None
