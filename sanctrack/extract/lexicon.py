"""The extractor's vocabulary, read once from `seeds/reference/*.csv`.

Words live in data, not in code: a reviewer extends a lexicon with a one-line CSV edit, and the
edit changes `EXTRACTOR_VERSION` (the version embeds a digest of exactly these files). The code
turns each lexicon into a set or one compiled pattern.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "seeds" / "reference"

# The files the extractor reads; other modules keep their own files in the same folder and must
# not change the extractor's version.
LEXICON_FILES: tuple[str, ...] = (
    "actor_verbs.csv",
    "announcer_titles.csv",
    "authorities.csv",
    "cues.csv",
    "given_names.csv",
    "group_nouns.csv",
    "legal_forms.csv",
    "media.csv",
    "name_particles.csv",
    "org_words.csv",
    "places.csv",
    "role_nouns.csv",
    "rosatom.csv",
    "stopwords.csv",
    "titles.csv",
    "unnamed_singular.csv",
    "victim_events.csv",
)

CUE_CLASSES: tuple[str, ...] = (
    "sanction", "delist", "propose", "modal", "existing", "past_date", "renewal", "new", "negation", "coordination",
    "running_total",
)


@dataclass(frozen=True)
class Lexicon:
    """Every lexicon, compiled for matching."""

    authority_alias: dict[str, str]  # alias as written -> authority
    authority_re: re.Pattern[str]  # longest alias first, case-sensitive
    cue_re: dict[str, re.Pattern[str]]  # cue class -> pattern over lower-cased text
    legal_forms: frozenset[str]  # upper-cased, without dots
    org_words: frozenset[str]  # head nouns of organisation names (capitalised)
    org_words_lower: frozenset[str]
    titles: frozenset[str]  # title words (capitalised): Minister, General, Dr ...
    announcer_titles: frozenset[str]  # lower-cased multi-word titles of officials who announce
    role_nouns: frozenset[str]  # lower-case role and family words
    group_nouns: dict[str, str]  # plural noun -> person | entity | vessel
    singular_nouns: dict[str, str]  # "a Tatarstani conglomerate": noun -> kind
    actor_verbs: frozenset[str]
    rosatom_re: re.Pattern[str]
    media: frozenset[str]
    stopwords: frozenset[str]  # capitalised words that are never a name on their own
    given_names: frozenset[str]
    particles: frozenset[str]  # lower-case name particles: al, bin, de, van ...
    victim_words: frozenset[str]
    places: frozenset[str]  # countries, regions, cities: never a target on their own


def _rows(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"reference file {path} is empty")
    return rows


def _column(name: str, column: str) -> list[str]:
    values = []
    for line_no, row in enumerate(_rows(name), 2):
        value = row.get(column)
        if value is None:
            raise ValueError(f"reference file {name} line {line_no}: no column {column!r}")
        if value.strip():
            values.append(value.strip())
    return values


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _kinds(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line_no, row in enumerate(_rows(name), 2):
        if row["kind"] not in ("person", "entity", "vessel"):
            raise ValueError(f"{name} line {line_no}: unknown kind {row['kind']!r}")
        out[row["noun"]] = row["kind"]
    return out


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read and compile every lexicon (cached: once per process)."""
    alias = {row["alias"]: row["authority"] for row in _rows("authorities.csv")}
    patterns: dict[str, list[str]] = {c: [] for c in CUE_CLASSES}
    for line_no, row in enumerate(_rows("cues.csv"), 2):
        if row["cue"] not in patterns:
            raise ValueError(f"cues.csv line {line_no}: unknown cue {row['cue']!r} (known: {', '.join(CUE_CLASSES)})")
        re.compile(row["pattern"])  # a broken pattern fails here, with its line
        patterns[row["cue"]].append(row["pattern"])
    cue_re = {
        cue: re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{p})" for p in pats) + r")(?![\w])")
        for cue, pats in patterns.items()
        if pats
    }
    titles = _column("titles.csv", "title")
    title_words = frozenset(w.rstrip(".") for t in titles for w in t.split())
    org_words = frozenset(_column("org_words.csv", "word"))
    return Lexicon(
        authority_alias=alias,
        authority_re=re.compile(rf"(?<![\w-])(?:{_alternation(list(alias))})(?![\w-])"),
        cue_re=cue_re,
        legal_forms=frozenset(f.upper().replace(".", "") for f in _column("legal_forms.csv", "form")),
        org_words=org_words,
        org_words_lower=frozenset(w.lower() for w in org_words),
        titles=title_words,
        announcer_titles=frozenset(t.lower() for t in _column("announcer_titles.csv", "title")),
        role_nouns=frozenset(w.lower() for w in _column("role_nouns.csv", "word")),
        group_nouns=_kinds("group_nouns.csv"),
        singular_nouns=_kinds("unnamed_singular.csv"),
        actor_verbs=frozenset(_column("actor_verbs.csv", "verb")),
        rosatom_re=re.compile(rf"(?<![\w-])(?:{_alternation(_column('rosatom.csv', 'name'))})(?![\w])", re.IGNORECASE),
        media=frozenset(_column("media.csv", "name")),
        stopwords=frozenset(_column("stopwords.csv", "word")),
        given_names=frozenset(_column("given_names.csv", "name")),
        particles=frozenset(_column("name_particles.csv", "particle")),
        victim_words=frozenset(w.lower() for w in _column("victim_events.csv", "word")),
        places=frozenset(_column("places.csv", "place")),
    )


def lexicon_digest() -> str:
    """sha256 over the extractor's reference files (name and bytes), so any edit shows in the version."""
    digest = hashlib.sha256()
    for name in LEXICON_FILES:
        digest.update(name.encode())
        digest.update((REFERENCE_DIR / name).read_bytes())
    return digest.hexdigest()
