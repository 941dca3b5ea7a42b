"""Sentence spans found only around sanctions keywords, in linear time and bounded length.

The pre-filter is one compiled regex over the whole text; sentence boundaries are then looked
for only in a window of at most `MAX_SENTENCE` characters around each hit, so a 50 MB document
with few keywords costs one regex scan, and a document that is one long line is cut into
hard-capped pieces instead of one enormous "sentence".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_SENTENCE = 2000

# Pre-filter: anything that can signal a sanctions statement. Deliberately broad (the rules
# decide later); it must stay a plain alternation so the scan is linear.
KEYWORD_RE = re.compile(
    r"sanction|designat|delist|de-list|blacklist|asset freez|freez|frozen|travel ban|"
    r"\blist(?:s|ed|ing|ings)?\b|restrictive|restrictions|\bmeasures\b|among those",
    re.IGNORECASE,
)

# A candidate boundary: terminal punctuation (with closing quotes/brackets) before whitespace,
# or a line break. Validated in `_is_boundary`.
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_ABBREV = frozenset(
    "mr mrs ms dr st jr sr no gen lt col sgt capt gov sen rep inc co corp vs etc prof mt approx fig".split()
)
# A line that ends with one of these continues on the next line ("US President\nDonald Trump").
_JOIN_WORDS = frozenset(
    "president minister secretary chancellor chairman leader director general envoy ambassador"
    " and or of the to by on with for a an including as in at from former deputy foreign".split()
)
_WORD_BEFORE_RE = re.compile(r"([\w.’'-]+)\W*$")


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    """Whether a candidate boundary really ends a sentence."""
    start, end = match.span()
    if text[start] == "\n":
        line_start = text.rfind("\n", max(0, start - 200), start) + 1
        line = text[line_start:start].rstrip()
        if not line:
            return True
        if line.endswith((",", "-", "–")):
            return False
        word = _WORD_BEFORE_RE.search(line)
        return not (word and word.group(1).lower() in _JOIN_WORDS)
    if text[start] != ".":
        return True
    before = text[max(0, start - 12):start]
    word = re.search(r"([\w.]+)$", before)
    if word:
        token = word.group(1)
        if token.lower() in _ABBREV or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", token):
            return False
    after = text[end:end + 3].lstrip()
    # "E.O. 14024", "approx. five": a lower-case or digit continuation is not a new sentence.
    return not (after[:1].islower() or after[:1].isdigit())


def sentence_end(text: str, pos: int) -> int:
    """End offset (exclusive) of the sentence containing `pos`, at most MAX_SENTENCE away."""
    limit = min(len(text), pos + MAX_SENTENCE)
    for match in _BOUNDARY_RE.finditer(text, pos, limit):
        if _is_boundary(text, match):
            return match.end() if text[match.start()] != "\n" else match.start()
    return limit


def sentence_start(text: str, pos: int, floor: int = 0) -> int:
    """Start offset of the sentence containing `pos`, not before `floor`, at most MAX_SENTENCE back."""
    lo = max(floor, pos - MAX_SENTENCE)
    start = lo
    for match in _BOUNDARY_RE.finditer(text, lo, pos):
        if _is_boundary(text, match):
            start = match.end()
    while start < pos and text[start].isspace():
        start += 1
    return start


def next_sentence(text: str, end: int) -> tuple[int, int] | None:
    """The sentence after offset `end` (skipping whitespace), or None at the end of the text."""
    start = end
    limit = min(len(text), end + MAX_SENTENCE)
    while start < limit and text[start].isspace():
        start += 1
    if start >= len(text):
        return None
    return start, sentence_end(text, start + 1)


def keyword_sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every sentence holding a sanctions keyword, in document order, no overlaps."""
    covered = 0
    for match in KEYWORD_RE.finditer(text):
        if match.start() < covered:
            continue
        start = sentence_start(text, match.start(), covered)
        end = sentence_end(text, match.end())
        if end <= start:
            continue
        covered = end
        yield start, end
