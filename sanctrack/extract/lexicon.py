"""The extractor's vocabulary, read once from `seeds/reference/*.csv`.

Words live in data, not in code: a reviewer extends a lexicon with a one-line CSV edit, and the
edit changes `EXTRACTOR_VERSION` (the version embeds a digest of exactly these files). The code
turns each lexicon into a set or one compiled pattern.
"""

from __future__ import annotations

import csv
import hashlib
import re
import re._constants as re_constants  # the parsed form of a pattern: which words a cue can start with
import re._parser as re_parser
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
    "demonyms.csv",
    "given_names.csv",
    "group_nouns.csv",
    "legal_forms.csv",
    "media.csv",
    "extractor_priors.csv",
    "name_particles.csv",
    "org_words.csv",
    "places.csv",
    "place_heads.csv",
    "predicates.csv",
    "programmes.csv",
    "record_fields.csv",
    "role_nouns.csv",
    "rosatom.csv",
    "stopwords.csv",
    "titles.csv",
    "unnamed_singular.csv",
    "victim_events.csv",
    "voices.csv",
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
    cue_index: dict[str, list[tuple[str, re.Pattern[str]]]]  # first 1-3 characters -> (class, pattern)
    cue_short_keys: bool  # whether some cue can start with fewer than three characters
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
    demonyms: frozenset[str]  # Russian, Iranians, Sri Lankan: never a target on their own
    programmes: frozenset[str]  # sanctions programmes, regimes, list names and their tags (SDGT): never targets
    record_field_re: re.Pattern[str]  # "Tax ID No. 5038127220", "Organization Type": a list entry's fields, never names
    place_heads: frozenset[str]  # last words of an address or a place ("Road", "District"): never targets
    voice_re: re.Pattern[str]  # instruments and offices that show whose voice a document is (group vN)
    voice_of: dict[str, str]  # group name vN -> authority


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
    cue_index: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for line_no, row in enumerate(_rows("cues.csv"), 2):
        if row["cue"] not in CUE_CLASSES:
            raise ValueError(f"cues.csv line {line_no}: unknown cue {row['cue']!r} (known: {', '.join(CUE_CLASSES)})")
        try:
            pattern = re.compile(f"(?:{row['pattern']})(?![\\w])")
            starts = _prefixes(re_parser.parse(row["pattern"]))
        except re.error as exc:
            raise ValueError(f"cues.csv line {line_no}: {exc}") from exc
        if starts is None or "" in starts:
            raise ValueError(f"cues.csv line {line_no}: a cue must start with a literal word, not {row['pattern']!r}")
        for start in starts:
            cue_index.setdefault(start, []).append((row["cue"], pattern))
    titles = _column("titles.csv", "title")
    title_words = frozenset(w.rstrip(".") for t in titles for w in t.split())
    org_words = frozenset(_column("org_words.csv", "word"))
    return Lexicon(
        authority_alias=alias,
        authority_re=re.compile(rf"(?<![\w-])(?:{_alternation(list(alias))})(?![\w-])"),
        cue_index=cue_index,
        cue_short_keys=any(len(k) < 3 for k in cue_index),
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
        programmes=frozenset(_column("programmes.csv", "name")),
        record_field_re=_record_field_re(_column("record_fields.csv", "label")),
        place_heads=frozenset(_column("place_heads.csv", "word")),
        demonyms=frozenset(_column("demonyms.csv", "demonym")),
        **_voices(),
    )


def _record_field_re(labels: list[str]) -> re.Pattern[str]:
    """A span that is a field of a list entry: a label (any case), then nothing or a value with a digit
    ("Passport C4YL28X5C", "Registration Number HRB 15254"), or a programme tag ("RUSSIA-EO14024")."""
    alternation = _alternation(labels)
    return re.compile(rf"(?i:{alternation})(?:[\s:#.]*|\s.*\d.*)|[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-EO\d{{4,5}}", re.DOTALL)


def _voices() -> dict:
    """voices.csv: one pattern, each row a named group whose name says the authority."""
    parts, voice_of = [], {}
    for line_no, row in enumerate(_rows("voices.csv"), 2):
        try:
            groups = re.compile(row["pattern"]).groups
        except re.error as exc:
            raise ValueError(f"voices.csv line {line_no}: {exc}") from exc
        if groups:
            raise ValueError(f"voices.csv line {line_no}: use (?:...), not capturing groups, in {row['pattern']!r}")
        name = f"v{line_no}"
        parts.append(f"(?P<{name}>{row['pattern']})")
        voice_of[name] = row["authority"].strip()
    return {"voice_re": re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w])"), "voice_of": voice_of}


def _prefixes(seq, k: int = 3) -> set[str] | None:
    """The first `k` characters any match of a parsed pattern can start with (None: any character).

    Cues are looked for only where a word starts with one of these (cues.find_cues), which is why
    every cue must begin with a literal word.
    """
    out = {""}
    for op, av in seq:
        nxt = _item_prefixes(op, av, k)
        if nxt is None:
            return None
        out = {a if len(a) >= k else (a + b)[:k] for a in out for b in nxt}
        if len(out) > 5000:
            return None
        if all(len(a) >= k for a in out):
            break
    return out


def _item_prefixes(op, av, k: int) -> set[str] | None:
    c = re_constants
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.IN:
        chars: set[str] = set()
        for o, a in av:
            if o is c.LITERAL:
                chars.add(chr(a))
            elif o is c.RANGE:
                chars |= {chr(x) for x in range(a[0], a[1] + 1)}
            else:
                return None
        return chars
    if op is c.SUBPATTERN:
        return _prefixes(av[3], k)
    if op is c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            p = _prefixes(branch, k)
            if p is None:
                return None
            union |= p
        return union
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        p = _prefixes(av[2], k)
        return None if p is None else p | ({""} if av[0] == 0 else set())
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {""}
    return None


def lexicon_digest() -> str:
    """sha256 over the extractor's reference files (name and bytes), so any edit shows in the version."""
    digest = hashlib.sha256()
    for name in LEXICON_FILES:
        digest.update(name.encode())
        digest.update((REFERENCE_DIR / name).read_bytes())
    return digest.hexdigest()
