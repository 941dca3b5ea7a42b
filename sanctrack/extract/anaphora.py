"""References back to targets already named: "these five persons", "the four men", "Both men",
"All 16", "He is also under US sanctions", "the United Kingdom designated him".

A later sentence often adds an authority or an action to targets named earlier ("called on the
EU to impose similar sanctions on the four men"). `find_anaphors` finds such phrases in a
statement segment; `referents` picks the targets they point back to: the most recent list of that
many targets (one list = one segment, or the items of one introduction), or the most recent
person for "he"/"she". The extractor then treats each referent as mentioned at the phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sanctrack.extract.candidates import parse_count

_NUM = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|\d{1,3})"
_NOUN = (
    r"(?:men|women|persons|people|individuals|entities|companies|firms|names|officials|businessmen|leaders|targets"
    r"|ministers|officers|commanders|figures|organisations|organizations|oligarchs|relatives|associates)"
)
_MOD = r"(?:(?:former|sanctioned|designated|listed|named|senior|russian|iranian|british|sri\s+lankan|other)\s+)?"
_GROUP_REF_RE = re.compile(
    rf"\b(?:(?P<det>the|these|those)\s+(?P<n1>{_NUM})(?:\s+{_MOD}(?P<noun1>{_NOUN}))?(?=\s+(?:will|would|face|faces|are|were|have|has|had|is|was|also|now|,|\.|;)|\s*[.,;]|\s+{_MOD}{_NOUN}\b)"
    rf"|(?P<q>all|both)\s+(?:(?:the|these|those)\s+)?(?:(?P<n2>{_NUM})\s+)?(?:{_MOD}(?P<noun2>{_NOUN})\b|(?=\s*(?:are|were|will|face|have|of\s+them|[.,;]))))",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT_RE = re.compile(r"(?:^|[,;]\s+(?:and\s+)?)(?P<p>He|She|he|she)\s+(?:is|was|has|had|will|would|remains|also|already)\b")
_PRONOUN_OBJECT_RE = re.compile(r"\b(?:designated|sanctioned|targeted|listed|added|blacklisted|delisted|removed|froze|penalised|penalized)\s+(?P<p>him|her)\b")
_PERSON_NOUNS = frozenset("men women persons people individuals officials businessmen leaders ministers officers commanders figures oligarchs relatives associates".split())
_ENTITY_NOUNS = frozenset("entities companies firms organisations organizations".split())


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A phrase in a segment that refers back to `count` targets of kind `kind` (None: any kind)."""

    start: int  # offsets in the segment
    end: int
    count: int | None  # None: all the targets of the last list ("all of them")
    kind: str | None  # "person", "organisation" or None


def find_anaphors(segment: str) -> list[Anaphor]:
    out: list[Anaphor] = []
    for m in _GROUP_REF_RE.finditer(segment):
        number = m.group("n1") or m.group("n2")
        count = parse_count(number) if number else (2 if (m.group("q") or "").lower() == "both" else None)
        noun = (m.group("noun1") or m.group("noun2") or "").lower()
        kind = "person" if noun in _PERSON_NOUNS else "organisation" if noun in _ENTITY_NOUNS else None
        if count is not None and count > 60:
            continue
        out.append(Anaphor(m.start(), m.end(), count, kind))
    for regex in (_PRONOUN_SUBJECT_RE, _PRONOUN_OBJECT_RE):
        for m in regex.finditer(segment):
            out.append(Anaphor(m.start("p"), m.end("p"), 1, "person"))
    out.sort(key=lambda a: a.start)
    return out


def referents(anaphor: Anaphor, position: int, targets: list[tuple[int, int, str, object]],
              list_of: Callable[[int], int]) -> list[object]:
    """The targets an anaphor points to.

    `targets` holds (document offset, segment index, entity type, entity key) of the mentions
    already judged targets, in document order; `list_of(segment index)` gives the list a segment
    belongs to (its introduction for an item, itself otherwise). The most recent list holding
    enough targets of the right kind wins; a pronoun takes the most recent person of the two
    segments before it.
    """
    before = [t for t in targets if t[0] < position and (anaphor.kind is None or t[2] == anaphor.kind)]
    if not before:
        return []
    if anaphor.count == 1:
        offset, seg, _, key = before[-1]
        return [key]
    lists: dict[int, list[object]] = {}
    order: list[int] = []
    for _, seg, _, key in before:
        lst = list_of(seg)
        if lst not in lists:
            lists[lst] = []
            order.append(lst)
        if key not in lists[lst]:
            lists[lst].append(key)
    for lst in reversed(order):
        keys = lists[lst]
        if anaphor.count is None and len(keys) >= 2 or anaphor.count is not None and len(keys) >= anaphor.count:
            return keys if anaphor.count is None else keys[:anaphor.count]
    if anaphor.count is None:
        return []
    # a set named over consecutive sentences ("... including A and B. The other two are C and D.")
    recent: list[object] = []
    for lst in reversed(order[-3:]):
        recent = [k for k in lists[lst] if k not in recent] + recent
        if len(recent) >= anaphor.count:
            return recent[-anaphor.count:] if len(recent) > anaphor.count else recent
    return []
