"""Sentence spans found only around sanctions keywords, in linear time and bounded length.

The pre-filter is one compiled regex over the whole text; sentence boundaries are then looked
for only in a window of at most `MAX_SENTENCE` characters around each hit, so a 50 MB document
with few keywords costs one regex scan, and a document that is one long line is cut into
hard-capped pieces instead of one enormous "sentence".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from sanctrack.extract.reference import load_reference

MAX_SENTENCE = 2000

# Pre-filter: anything that can signal a sanctions statement. Deliberately broad (the rules
# decide later); it must stay a plain alternation so the scan is linear.
KEYWORD_RE = re.compile(
    r"sanction|designat|delist|de-list|blacklist|freez|frozen|travel ban|\blist(?:s|ed|ing|ings)?\b|"
    r"restrictive|restrictions|\bmeasures\b|\bblock(?:ed|ing|s)?\b|\bamong (?:those|them)\b|\btarget|\badd(?:ed|s|ing)?\b|"
    r"\bremov|\blift|\bof them\b|\binclude|\btaken off\b|\b(?:they|these|those) (?:are|were)\b",
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
_TRAILING_WORD_RE = re.compile(r"([\w.]+)$")
_INITIALS_RE = re.compile(r"(?:[A-Z]\.)*[A-Z]")


@lru_cache(maxsize=1)
def _role_words() -> frozenset[str]:
    ref = load_reference()
    return ref.role_nouns | frozenset(w.lower() for w in ref.title_words)


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
        raw = line.split()[-1].strip("\"'”’)(")
        word = raw.lower()
        # A line that stops on a title, a role word or a first name continues with the name on
        # the next line ("US President\nDonald Trump", "... son\nIgor Rotenberg", "Sergei\nShoigu").
        if raw in load_reference().given_names and text[end:end + 1].isupper():
            return False
        return word not in _JOIN_WORDS and word not in _role_words()
    if text[start] != ".":
        return True
    before = text[max(0, start - 12):start]
    word = _TRAILING_WORD_RE.search(before)
    if word:
        token = word.group(1)
        if token.lower() in _ABBREV or _INITIALS_RE.fullmatch(token):
            return False
    after = text[end:end + 3].lstrip()
    # "E.O. 14024", "approx. five": a lower-case or digit continuation is not a new sentence.
    return not (after[:1].islower() or after[:1].isdigit())


def sentence_end(text: str, pos: int, limit: int | None = None) -> int:
    """End offset (exclusive) of the sentence containing `pos`, at most MAX_SENTENCE away (or `limit`)."""
    limit = min(len(text), pos + MAX_SENTENCE, limit if limit is not None else len(text))
    for match in _BOUNDARY_RE.finditer(text, pos, limit):
        if _is_boundary(text, match):
            return match.end() if text[match.start()] != "\n" else match.start()
    return limit


def sentence_start(text: str, pos: int, floor: int = 0) -> int:
    """Start offset of the sentence containing `pos`, not before `floor`, at most MAX_SENTENCE back.

    Scans backwards from `pos` with `rfind`, so the cost is the distance to the previous real
    boundary (usually a few dozen characters), not the size of the window.
    """
    lo = max(floor, pos - MAX_SENTENCE)
    start = lo
    i = pos
    while i > lo:
        j = max(text.rfind(".", lo, i), text.rfind("!", lo, i), text.rfind("?", lo, i), text.rfind("\n", lo, i))
        if j < 0:
            break
        match = _BOUNDARY_RE.match(text, j)
        if match and match.end() <= pos and _is_boundary(text, match):
            start = match.end()
            break
        i = j
    while start < pos and text[start].isspace():
        start += 1
    return start


# Literal fragments every KEYWORD_RE match starts with, in the three casings that occur in
# prose. `str.find` on a literal runs at memory speed, whereas a case-insensitive alternation
# costs a regex step per character (about 3 MB/s): the literals find candidate positions and
# KEYWORD_RE only confirms them.
_LITERALS: tuple[str, ...] = tuple(
    variant
    for literal in (
        "sanction", "designat", "delist", "de-list", "blacklist", "freez", "frozen", "travel ban", "list",
        "restrict", "measures", "among th", "block", "target", "add", "remov", "lift", "of them", "include", "taken off", "they are", "these are", "those are", "they were",
    )
    for variant in dict.fromkeys((literal, literal.capitalize(), literal.upper()))
)
_LOWER_LITERALS: tuple[str, ...] = tuple(v for v in _LITERALS if v.islower() or not v.isalpha() and v == v.lower())
_CHUNK = 1 << 20


def _keyword_positions(text: str) -> Iterator[int]:
    """Start offsets of KEYWORD_RE matches, in order, one chunk of text at a time (bounded memory)."""
    n = len(text)
    if n <= _CHUNK:
        lowered = text.lower()
        if len(lowered) == n:  # lower() keeps offsets unless a rare character expands ("İ")
            hits = set()
            for literal in _LOWER_LITERALS:
                i = lowered.find(literal)
                while i != -1:
                    hits.add(i)
                    i = lowered.find(literal, i + 1)
            for pos in sorted(hits):
                match = KEYWORD_RE.match(text, pos)
                if match:
                    yield match.start()
            return
    for chunk_start in range(0, n, _CHUNK):
        chunk_end = min(n, chunk_start + _CHUNK)
        hits: set[int] = set()
        for literal in _LITERALS:
            stop = min(n, chunk_end + len(literal) - 1)
            i = text.find(literal, chunk_start, stop)
            while i != -1:
                hits.add(i)
                i = text.find(literal, i + 1, stop)
        for pos in sorted(hits):
            match = KEYWORD_RE.match(text, pos)
            if match:
                yield match.start()


def keyword_sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every sentence holding a sanctions keyword, in document order, no overlaps."""
    covered = 0
    for pos in _keyword_positions(text):
        if pos < covered:
            continue
        start = sentence_start(text, pos, covered)
        match = KEYWORD_RE.match(text, pos)
        end = sentence_end(text, match.end() if match else pos + 1, start + MAX_SENTENCE)
        if end <= start:
            continue
        covered = end
        yield start, end
