"""Safe, streaming XML reading for list files: no DTD, no entities, no network, bounded memory.

A list file comes from the internet. The parser (lxml) never loads a DTD, resolves an entity or
touches the network, and keeps its size limits (huge_tree off); any DOCTYPE at all is refused as
soon as the parser has read it, before any record is used, wherever it stands in the prolog (behind
a long comment too): no official list declares one, and an entity left unresolved would load a name
as empty. Every XML list parser reads through `iter_elements` and `root_info`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from sanctrack.lists.model import ListFormatError

# Records in one list file: the largest real list holds 6,349 (FCDO) or about 18,000 (OFAC SDN).
XML_MAX_RECORDS = 100_000
# The parser's own settings, shared by every reader here.
PARSER_SETTINGS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "dtd_validation": False,
    "huge_tree": False,
}


def check_not_empty(path: Path) -> None:
    """Refuse an empty (or white-space only) file with a clear message rather than a parser's."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise ListFormatError(path, "byte 0", "empty file")


def refuse_doctype(path: Path, element: etree._Element) -> None:
    """Refuse a document that declares a DOCTYPE (DTD, entities, external subset), as the parser saw it."""
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ListFormatError(path, "DOCTYPE", f"the file declares a DOCTYPE ({docinfo.doctype[:80]!r}): refused; "
                                               "a list file has no DTD, and its entities are never expanded")


def iter_elements(path: Path, tags: tuple[str, ...]) -> Iterator[tuple[int, etree._Element]]:
    """Yield (ordinal, element) for each complete record element, clearing it after use.

    Malformed or truncated XML raises ListFormatError with the line and column; a DOCTYPE is refused
    before the first record is yielded; more than XML_MAX_RECORDS records are refused.
    """
    check_not_empty(path)
    context = etree.iterparse(str(path), events=("end",), tag=tags, remove_comments=True, **PARSER_SETTINGS)
    n = 0
    try:
        for _, element in context:
            if n == 0:
                refuse_doctype(path, element)
            n += 1
            if n > XML_MAX_RECORDS:
                raise ListFormatError(path, f"record {n}", f"more than {XML_MAX_RECORDS:,} records: refused")
            yield n, element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
        if n == 0 and context.root is not None:
            refuse_doctype(path, context.root)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise ListFormatError(
            path, f"line {line}, column {column} (after record {n})", f"malformed XML: {exc.msg}"
        ) from exc


def root_info(path: Path) -> tuple[str, str, dict[str, str]]:
    """The root element's namespace, local name and attributes, read from the start of the file."""
    check_not_empty(path)
    parser = etree.XMLPullParser(events=("start",), **PARSER_SETTINGS)
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 14)
            if not chunk:
                break
            try:
                parser.feed(chunk)
                for _, element in parser.read_events():
                    refuse_doctype(path, element)
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
