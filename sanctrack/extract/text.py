"""The layout of a document: lines, list items, headings and sentences, with offsets.

Extraction needs more than sentences: a bulleted or numbered entry ("- Ivan Petrov, a judge") takes
its action and authority from the line that introduced the list ("The following were designated:"),
and a heading or a dateline is weaker evidence than a sentence of the body. `segment_document`
cuts the text once, in linear time, into `Segment`s that say which of these each piece is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SEGMENT = 2000  # characters; a longer sentence (a one-line document, a table) is cut

# A list marker at the start of a line: bullets, dashes, "1.", "(2)", "a)", "A.", "iv)".
_MARKER_RE = re.compile(
    r"[ \t]*(?:[-–—•*·▪‣◦●]|\(?\d{1,3}[.)](?!\d)|\(?[a-zA-Z][.)](?=\s)|\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)\)|\d{1,3}\s*[-–—])[ \t]+"
)
# Sentence ends: terminal punctuation (with closing quotes or brackets) before white space.
_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr no nos gen lt col sgt capt gov sen rep inc co corp ltd vs etc prof mt approx fig"
    " hon rt messrs maj adm cmdr brig gen. op dept univ assn bros est jan feb mar apr jun jul aug sep sept oct nov dec"
    " a.k.a aka f.k.a n.k.a e.g i.e u.s u.k u.n e.u s.a s.r.o s.a.s n.v b.v p.o".split()
)
_LAST_WORD_RE = re.compile(r"([\w.]+)$")
_INNER_END_RE = re.compile(r"[a-z\ufffd]{2}[.!?] [A-Z][a-z]")
_INITIAL_RE = re.compile(r"(?:[A-Za-z]\.)*[A-Z]")
# A line ending in one of these words continues on the next line ("US President\nDonald Trump").
_JOIN_WORDS = frozenset(
    "president minister secretary chancellor chairman leader director general envoy ambassador governor"
    " and or of the to by on with for a an including as in at from former deputy foreign defence defense"
    " prime his her their its".split()
)


@dataclass(slots=True)
class Segment:
    """One unit of the document: a sentence, a list item or a heading.

    `start`/`end` are offsets into the document. `intro` is the index of the segment that
    introduced the list this item belongs to (a line ending in ":"), `paragraph` counts blank-line
    separated blocks, `line_start` says whether the segment begins a line.
    """

    index: int
    start: int
    end: int
    kind: str  # "sentence" | "item" | "heading"
    paragraph: int
    line_start: bool
    intro: int | None = None


_TRAILING_JUNK = "".join(chr(c) for c in range(32)) + "\ufffd\x7f "  # control characters, replacement mark, space


def _looks_like_heading(line: str) -> bool:
    """A short line without terminal punctuation whose words are mostly capitalised."""
    stripped = line.strip().rstrip(_TRAILING_JUNK)
    if not stripped or len(stripped) > 160 or stripped[-1] in ".!?;,:\"”":
        return False
    if _INNER_END_RE.search(stripped):
        return False  # two sentences are not a heading
    words = [w for w in stripped.split() if w[:1].isalpha()]
    if not words:
        return True
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.6 or len(words) <= 3


def _continues(line: str, next_line: str) -> bool:
    """Whether a line break falls inside a sentence (a wrapped line), not between two units."""
    if not line or not next_line:
        return False
    if _MARKER_RE.match(next_line):
        return False
    last = line.rstrip()
    if last[-1:] in ".!?:;\"”)":
        return False
    first = next_line.lstrip()[:1]
    if first.islower():
        return True
    word = last.split()[-1].strip("\"'”’(").lower() if last.split() else ""
    return word in _JOIN_WORDS or last.endswith((",", "-", "–"))


def _is_sentence_end(text: str, start: int, end: int) -> bool:
    """Whether terminal punctuation at text[start:end] really ends a sentence."""
    if text[start] != ".":
        return True
    word = _LAST_WORD_RE.search(text, max(0, start - 12), start)
    if word:
        token = word.group(1)
        if token.lower().rstrip(".") in _ABBREVIATIONS or _INITIAL_RE.fullmatch(token):
            return False
    after = text[end:end + 3].lstrip()
    # "E.O. 14024", "approx. five": a lower-case or digit continuation is not a new sentence.
    return not (after[:1].islower() or after[:1].isdigit())


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], each at most MAX_SEGMENT long."""
    spans: list[tuple[int, int]] = []
    last = start
    for match in _END_RE.finditer(text, start, end):
        if _is_sentence_end(text, match.start(), match.end()):
            spans.append((last, match.end()))
            last = match.end()
    if last < end:
        spans.append((last, end))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        while e - s > MAX_SEGMENT:
            cut = text.rfind(" ", s, s + MAX_SEGMENT)
            cut = cut if cut > s else s + MAX_SEGMENT
            out.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            out.append((s, e))
    return out


# Pre-filter: literal fragments of every statement cue (cues.csv, classes sanction and delist).
# `str.find` on a literal runs at memory speed; only the text around a hit is segmented.
_KEYWORDS = (
    "sanction", "designat", "list", "freez", "froze", "ban", "measures", "restrict", "block", "remov", "lift",
    "target", "impos", "penalt", "embargo", "added", "adds", "slap", "inscri", "subject to", "package", "unfr",
    "taken off", "took off", "no longer", "revok", "rescind", "drop",
)
_LINES_BEFORE = 4  # an introduction or a headline above the statement
_CHARS_AFTER = 6000  # the list a statement introduces, and the sentences that continue it


def statement_windows(text: str) -> list[tuple[int, int]]:
    """Spans of `text` worth segmenting: around every statement keyword, merged, in order.

    A document of neutral text costs one lower-casing and a few `find` scans; a long document
    with a few statements is segmented only around them.
    """
    lower = text.lower()
    n = len(text)
    if len(lower) != n:  # lower() changed the length (a rare expanding character): no shortcut
        return [(0, n)] if n else []
    hits: list[int] = []
    for word in _KEYWORDS:
        i = lower.find(word)
        while i != -1:
            hits.append(i)
            i = lower.find(word, i + _CHARS_AFTER // 2)  # one hit per half window is enough
    if not hits:
        return []
    hits.sort()
    windows: list[list[int]] = []
    for h in hits:
        start = h
        for _ in range(_LINES_BEFORE + 1):
            start = text.rfind("\n", max(0, h - 4000), start - 1) if start > 0 else -1
            if start < 0:
                start = max(0, h - 4000)
                break
        start = max(0, start)
        end = min(n, h + _CHARS_AFTER)
        nl = text.find("\n", end, min(n, end + 2000))
        end = nl if nl != -1 else min(n, end + 2000)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return [(s, e) for s, e in windows]


def segment_document(text: str) -> list[Segment]:
    """The segments of the statement windows of `text`, in order; items point at the line that
    introduced their list. Offsets are document offsets; indexes run over the whole document."""
    segments: list[Segment] = []
    paragraph_base = 0
    for ws, we in statement_windows(text):
        part = _segment(text[ws:we])
        for seg in part:
            segments.append(Segment(
                len(segments), seg.start + ws, seg.end + ws, seg.kind, seg.paragraph + paragraph_base, seg.line_start,
                None if seg.intro is None else seg.intro + len(segments) - seg.index,
            ))
        paragraph_base += (part[-1].paragraph + 2) if part else 1
    return segments


def _segment(text: str) -> list[Segment]:
    """Every segment of `text`, in order; items point at the line that introduced their list."""
    segments: list[Segment] = []
    paragraph = 0
    pos = 0
    n = len(text)
    # Logical lines: physical lines joined where a sentence wraps.
    blocks: list[tuple[int, int, bool]] = []  # (start, end, is_item)
    block_start = None
    previous_line = ""
    while pos <= n:
        nl = text.find("\n", pos)
        if nl == -1:
            nl = n
        line = text[pos:nl]
        if not line.strip():
            if block_start is not None:
                blocks.append((block_start, pos - 1 if pos > 0 else pos, False))
                block_start = None
            blocks.append((-1, -1, False))  # paragraph break
        elif block_start is not None and _continues(previous_line, line):
            pass
        else:
            if block_start is not None:
                blocks.append((block_start, pos - 1, False))
            block_start = pos
        previous_line = line if line.strip() else ""
        pos = nl + 1
    if block_start is not None:
        blocks.append((block_start, n, False))

    intro: int | None = None  # the last segment ending in ":" whose list is still open
    for bstart, bend, _ in blocks:
        if bstart < 0:
            paragraph += 1
            continue
        while bend > bstart and text[bend - 1] in "\r\n":
            bend -= 1
        marker = _MARKER_RE.match(text, bstart, bend)
        body_start = marker.end() if marker else bstart
        line = text[body_start:bend]
        entry_like = bool(marker) or _is_entry_like(text, body_start, bend)
        if marker or intro is not None and entry_like and not line.rstrip().endswith(":"):
            kind = "item"
        elif "\n" not in line and _looks_like_heading(line):
            kind = "heading"
        else:
            kind = "sentence"
        spans = [(body_start, bend)] if kind == "heading" else _split_sentences(text, body_start, bend)
        if not entry_like and kind == "sentence" and intro is not None:
            intro = None  # prose closes an open list
        for i, (s, e) in enumerate(spans):
            seg_kind = kind if i == 0 or kind != "item" else "sentence"
            segment = Segment(len(segments), s, e, seg_kind, paragraph, i == 0)
            if (entry_like or kind == "heading") and intro is not None and i == 0:
                segment.intro = intro
            segments.append(segment)
        last = text[spans[-1][0]:spans[-1][1]] if spans else ""
        if last.rstrip().endswith(":"):
            intro = len(segments) - 1
    return segments


_ENTRY_START_RE = re.compile(r"[\"“(]?[A-Z0-9][A-Z0-9'’\-.&]+(?:[ ,]+[A-Z0-9][A-Z0-9'’\-.&]*)*\b")


def _is_entry_like(text: str, start: int, end: int) -> bool:
    """A line that reads as an entry of a list, not prose: short, or opening with a name in capitals."""
    line = text[start:end]
    if len(line) < 90 and not line.rstrip().endswith((".", "?", "!")):
        return True
    m = _ENTRY_START_RE.match(line)
    return bool(m and len(m.group(0)) >= 4 and sum(c.isalpha() for c in m.group(0)) >= 3)
