"""Reference data for the extractor: lexicons read once from `seeds/reference/*.csv`.

The rules live in code, the vocabulary lives in data: adding a trigger, an authority alias or a
Rosatom subsidiary is a one-line CSV edit, and the edit changes `EXTRACTOR_VERSION` because the
version embeds a digest of exactly these files.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "seeds" / "reference"

# The files this extractor reads (other engineers keep their own files in the same folder;
# they must not change our version).
REFERENCE_FILES: tuple[str, ...] = (
    "actor_verbs.csv",
    "announcer_titles.csv",
    "authorities.csv",
    "given_names.csv",
    "government_bodies.csv",
    "group_nouns.csv",
    "legal_forms.csv",
    "media.csv",
    "negations.csv",
    "org_words.csv",
    "role_nouns.csv",
    "rosatom.csv",
    "running_totals.csv",
    "stopwords.csv",
    "titles.csv",
    "triggers.csv",
    "unnamed_singular.csv",
    "vessel_words.csv",
    "victim_events.csv",
)

ACTION_PRIORITY: tuple[str, ...] = ("delisted", "proposed", "existing", "designated")


@dataclass(frozen=True)
class Trigger:
    """One lexicon entry: a compiled pattern and the action it signals."""

    pattern: re.Pattern[str]
    action: str
    source: str


@dataclass(frozen=True)
class Reference:
    """All lexicons, compiled for matching."""

    authority_alias: dict[str, str]  # alias as written -> authority
    authority_re: re.Pattern[str]  # longest alias first
    triggers: tuple[Trigger, ...]
    negations: tuple[re.Pattern[str], ...]
    running_totals: re.Pattern[str]
    legal_forms: frozenset[str]
    org_words: frozenset[str]
    vessel_words: frozenset[str]
    titles: tuple[str, ...]  # longest first
    announcer_titles: frozenset[str]  # titles of the sanctioning side's officials
    title_words: frozenset[str]
    role_nouns: frozenset[str]
    group_nouns: dict[str, str]  # noun -> person | entity | vessel
    singular_nouns: dict[str, str]  # "a Tatarstani conglomerate": noun -> kind
    actor_verbs: frozenset[str]
    rosatom: tuple[str, ...]
    rosatom_re: re.Pattern[str]
    media: frozenset[str]
    government_bodies: frozenset[str]
    stopwords: frozenset[str]
    given_names: frozenset[str]
    victim_events_re: re.Pattern[str]  # "the trial of [opposition politician] X": X is a reference point


def _rows(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"reference file {path} is empty")
    return rows


def _column(name: str, column: str) -> list[str]:
    values = []
    for row in _rows(name):
        value = row.get(column)
        if value is None:
            raise ValueError(f"reference file {name} lacks column {column!r}")
        if value.strip():
            values.append(value.strip())
    return values


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """Read and compile every lexicon (cached: once per process)."""
    alias = {row["alias"]: row["authority"] for row in _rows("authorities.csv")}
    authority_re = re.compile(rf"(?<![\w-])(?:{_alternation(list(alias))})(?![\w-])")
    triggers = []
    for row in _rows("triggers.csv"):
        if row["action"] not in ACTION_PRIORITY:
            raise ValueError(f"triggers.csv: unknown action {row['action']!r} for {row['pattern']!r}")
        triggers.append(Trigger(re.compile(row["pattern"], re.IGNORECASE), row["action"], row["pattern"]))
    running = _column("running_totals.csv", "pattern")
    group_nouns: dict[str, str] = {}
    for row in _rows("group_nouns.csv"):
        if row["kind"] not in ("person", "entity", "vessel"):
            raise ValueError(f"group_nouns.csv: unknown kind {row['kind']!r}")
        group_nouns[row["noun"]] = row["kind"]
    singular_nouns: dict[str, str] = {}
    for row in _rows("unnamed_singular.csv"):
        if row["kind"] not in ("person", "entity", "vessel"):
            raise ValueError(f"unnamed_singular.csv: unknown kind {row['kind']!r}")
        singular_nouns[row["noun"]] = row["kind"]
    titles = sorted(_column("titles.csv", "title"), key=len, reverse=True)
    rosatom = tuple(sorted(_column("rosatom.csv", "name"), key=len, reverse=True))
    return Reference(
        authority_alias=alias,
        authority_re=authority_re,
        triggers=tuple(triggers),
        negations=tuple(re.compile(p, re.IGNORECASE) for p in _column("negations.csv", "pattern")),
        running_totals=re.compile("|".join(f"(?:{p})" for p in running), re.IGNORECASE),
        legal_forms=frozenset(_column("legal_forms.csv", "form")),
        org_words=frozenset(_column("org_words.csv", "word")),
        vessel_words=frozenset(_column("vessel_words.csv", "word")),
        titles=tuple(titles),
        announcer_titles=frozenset(_column("announcer_titles.csv", "title")),
        title_words=frozenset(w for t in titles for w in t.split()),
        role_nouns=frozenset(_column("role_nouns.csv", "word")),
        group_nouns=group_nouns,
        singular_nouns=singular_nouns,
        actor_verbs=frozenset(_column("actor_verbs.csv", "verb")),
        rosatom=rosatom,
        rosatom_re=re.compile(rf"(?<![\w-])(?:{_alternation(list(rosatom))})(?![\w])", re.IGNORECASE),
        media=frozenset(_column("media.csv", "name")),
        government_bodies=frozenset(_column("government_bodies.csv", "name")),
        stopwords=frozenset(_column("stopwords.csv", "word")),
        given_names=frozenset(_column("given_names.csv", "name")),
        victim_events_re=re.compile(
            rf"\b(?:{_alternation(_column('victim_events.csv', 'word'))})\s+(?:of|against|on)\s+"
            r"(?:(?:the|a|an|[a-z][\w’'-]*|[A-Z][a-z]+(?=\s+[a-z]))\s+){0,4}$",
            re.IGNORECASE,
        ),
    )


def reference_digest() -> str:
    """sha256 over the extractor's reference files (name and bytes), so any edit shows in the version."""
    digest = hashlib.sha256()
    for name in REFERENCE_FILES:
        digest.update(name.encode())
        digest.update((REFERENCE_DIR / name).read_bytes())
    return digest.hexdigest()
