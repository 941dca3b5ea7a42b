"""Cues inside a segment: action words (cues.csv), authority aliases (authorities.csv) and the
instruments and offices that speak for an authority (voices.csv).

A cue is a fact about the text, not a decision: "already" near a name is evidence that the
sanction is an existing one, "in coordination with" before an alias is evidence that the alias is
a partner rather than the authority. The scorer weighs them (features.py, scorer.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from sanctrack.extract.lexicon import Lexicon

_NEXT_WORD_RE = re.compile(r" ([A-Z][a-z]+)")
# Words that may follow an alias and keep it the authority ("British Government", "American Treasury").
# Aliases that are an official's title: "Foreign Secretary David Lammy" names the UK all the same.
_TITLE_ALIASES = frozenset(("Foreign Secretary", "Treasury Secretary", "High Representative", "Secretary of State"))
_INSTITUTION_WORDS = frozenset(
    "Government Treasury Department Foreign Office Ministry Council Commission State Secretary Embassy Prime"
    " Parliament Administration Chancellor Minister Ministers Foreign Sanctions Authorities Officials Home High"
    " Designations Designation List Measures Blacklist Restrictions".split()
)


@dataclass(slots=True)
class Cue:
    """One cue: its class (cues.csv `cue` column) and its offsets in the segment."""

    cls: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class AuthorityMention:
    """An alias of a sanctioning authority in a segment ("the US Treasury", "London")."""

    authority: str
    alias: str
    start: int
    end: int
    kind: str = "alias"  # "alias"; "instrument" (voices.csv: "Executive Order 14024"); "first_person" ("we")


def find_cues(segment_lower: str, starts: list[int], lex: Lexicon) -> list[Cue]:
    """Every cue in a lower-cased segment, ordered by offset, looked for only where a token starts
    with the first characters of some cue (lexicon.cue_index): a few dictionary probes per word."""
    index = lex.cue_index
    short = lex.cue_short_keys  # prefixes of one or two characters (rare)
    found: list[Cue] = []
    for s in starts:
        entries = index.get(segment_lower[s:s + 3])
        if entries is None and short:
            entries = index.get(segment_lower[s:s + 2]) or index.get(segment_lower[s:s + 1])
        if entries is None:
            continue
        for cls, pattern in entries:
            m = pattern.match(segment_lower, s)
            if m is not None:
                found.append(Cue(cls, s, m.end(), m.group(0)))
    return found


def find_authorities(segment: str, lex: Lexicon) -> list[AuthorityMention]:
    """Authority aliases in a segment; compounds ("US-made", "London-based") are not aliases."""
    out = []
    shouting = segment.isupper() and len(segment) >= 8  # a line in capitals: aliases in any case
    pattern = _caseless(lex) if shouting else lex.authority_re
    for m in pattern.finditer(segment):
        if segment[m.end():m.end() + 1] == "-":
            continue
        follow = _NEXT_WORD_RE.match(segment, m.end())
        if follow and follow.group(1) not in _INSTITUTION_WORDS and m.group(0) not in _TITLE_ALIASES:
            continue  # a place or a name that starts with an alias: "British Virgin Islands", "United States Senate"
        alias = m.group(0)
        authority = lex.authority_alias.get(alias) or _upper_aliases(lex).get(alias.upper())
        out.append(AuthorityMention(authority, alias, m.start(), m.end()))
    for m in lex.voice_re.finditer(segment):
        if not any(a.start < m.end() and m.start() < a.end for a in out):
            out.append(AuthorityMention(lex.voice_of[m.lastgroup or ""], m.group(0), m.start(), m.end(), "instrument"))
    return out


_CACHE: dict[tuple[int, str], object] = {}


def _upper_aliases(lex: Lexicon) -> dict[str, str]:
    key = (id(lex), "upper")
    if key not in _CACHE:
        _CACHE[key] = {a.upper(): auth for a, auth in lex.authority_alias.items()}
    return _CACHE[key]  # type: ignore[return-value]


def _caseless(lex: Lexicon) -> re.Pattern[str]:
    """The alias pattern for a line in capitals ("STATE DEPARTMENT DESIGNATIONS")."""
    key = (id(lex), "caseless")
    if key not in _CACHE:
        _CACHE[key] = re.compile(lex.authority_re.pattern, re.IGNORECASE)
    return _CACHE[key]  # type: ignore[return-value]
