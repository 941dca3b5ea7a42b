"""Pairs of list entries that may be the same party, the evidence on each pair, and the decision.

Candidates come from two places: a strong identifier two entries share (IMO number, passport or
registration number, SWIFT code, UN reference, OFAC entity id), and the matching module's name index
(each name of an entry screened against the names of the other lists). Each candidate pair is then
compared on everything: the best name score over the two entries' names (sanctrack/matching's
scorer, in both directions), with aliases a list marks as low quality apart; identifiers; birth
dates; nationalities; entity types. `decide` turns the evidence into a decision with the rule that
made it (rules.py).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sanctrack.entities.evidence import (
    IMO, UN_REFERENCE, Entry, Key, compare_birth_dates, compare_countries, types_compatible,
)
from sanctrack.matching.index import NameIndex
from sanctrack.matching.normalize import NAME
from sanctrack.matching.score import compare

log = logging.getLogger(__name__)

CANDIDATE_FLOOR = 0.70  # a name score below this proposes no pair (the identifiers still do)
MAX_IDENTIFIER_GROUP = 8  # a number shared by more entries than this identifies none of them
WEAK_QUALITIES = {"low", "weak"}
CACHE_SIZE = 500_000  # token pairs kept between names (about 80 MB)


@dataclass
class PairEvidence:
    """What two entries of different lists have in common, and where they differ."""

    a: Key
    b: Key
    type_a: str
    type_b: str
    name_score: float = 0.0  # best score of two names neither list marks as a low-quality alias
    name_a: str | None = None
    name_b: str | None = None
    name_words: int = 0  # name words that agree in that best pair
    primary_name_score: float = 0.0  # the two primary names
    weak_name_score: float = 0.0  # best score where a low-quality alias is involved
    weak_name_a: str | None = None
    weak_name_b: str | None = None
    shared_identifiers: tuple[tuple[str, str], ...] = ()
    imo_conflict: bool = False  # both give IMO numbers and none is shared: two ships
    birth_dates: str = "unknown"
    countries: str = "unknown"
    extra: dict = field(default_factory=dict)

    @property
    def pair(self) -> tuple[Key, Key]:
        return self.a, self.b


class NameRows:
    """The names of the entries, each tokenised once, grouped by designation version, with its strength,
    and the score of two names as the matching module's scorer gives it.

    The first rows are the rows of the name index (used for blocking); `add_names` appends the names of
    versions the index does not hold (an index saved before a list changed: see warehouse/entities.py),
    tokenised and weighed by that index.
    """

    def __init__(self, index: NameIndex, weak_names: set[tuple[str, str]]) -> None:
        self.index = index
        self.rows_of: dict[str, list[int]] = defaultdict(list)
        self.version: list[str] = []
        self.names: list[str] = []
        self.weak: list[bool] = []
        self.is_primary: list[bool] = []
        self.spellings: list[tuple] = []
        self.name_words: list[int] = []
        for row, record in enumerate(index.record):
            self._append(record["designation_version_id"], record["matched_name"], record["alias_type"],
                         index.tokens[row], index.weights[row], index.entity_type[row], weak_names)

    def add_names(self, rows, weak_names: set[tuple[str, str]]) -> None:
        """Append names not in the index: `rows` of (designation_version_id, name, alias_type, entity_type)."""
        for version, name, alias_type, entity_type in rows:
            tokens, weights = self.index.query_tokens(name, entity_type)
            self._append(version, name, alias_type, tokens, weights, entity_type, weak_names)

    def _append(self, version: str, name: str, alias_type: str, tokens, weights, entity_type: str,
                weak_names: set[tuple[str, str]]) -> None:
        row = len(self.names)
        self.rows_of[version].append(row)
        self.version.append(version)
        self.names.append(name)
        self.weak.append((version, name) in weak_names)
        self.is_primary.append(alias_type == "primary")
        self.name_words.append(sum(t.kind == NAME for t in tokens))
        # A name with an aside in brackets ("ATOMIC ENERGY ORGANISATION OF IRAN (AEOI)") is also read
        # without it: lists add acronyms and former names that way, and an acronym no other name has
        # would weigh as the rarest word of the name.
        spellings = [(tokens, weights)]
        if "(" in name:
            bare = re.sub(r"\s*\([^)]*\)?", " ", name).strip()
            if bare and bare != name:
                variant = self.index.query_tokens(bare, entity_type)
                if variant[0] and variant[0] != tokens:
                    spellings.append(variant)
        self.spellings.append(tuple(spellings))

    def name(self, row: int) -> str:
        return self.names[row]

    def score(self, i: int, j: int, cache: dict) -> tuple[float, int]:
        """The score of two names and how many name words agree. The scorer is calibrated for a name
        screened against a listed name, where the listed name may be the longer: the name with fewer
        words is the query (both ways when they are as long, the better kept), so that an alias that
        is a whole sentence never scores as a query."""
        if self.name_words[i] == self.name_words[j]:
            directions = ((i, j), (j, i))
        else:
            directions = ((i, j),) if self.name_words[i] < self.name_words[j] else ((j, i),)
        best, words = 0.0, 0
        scale = self.index.default_weight
        for q, c in directions:
            for q_tokens, q_weights in self.spellings[q]:
                for c_tokens, c_weights in self.spellings[c]:
                    result = compare(q_tokens, c_tokens, q_weights, c_weights, cache=cache, scale=scale)
                    if result.score > best:
                        best, words = result.score, int(result.features[4]) if result.features else 0
        return best, words


def identifier_pairs(entries: dict[Key, Entry], among: set[Key] | None = None) -> set[tuple[Key, Key]]:
    """Pairs of entries of different lists that share an identifier (one of them in `among`, if given)."""
    holders: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for key, entry in entries.items():
        for identifier in entry.identifiers:
            holders[identifier].append(key)
    pairs = set()
    crowded = 0
    for identifier, keys in holders.items():
        if len(keys) < 2:
            continue
        if len(keys) > MAX_IDENTIFIER_GROUP:
            crowded += 1
            continue
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if among is not None and a not in among and b not in among:
                    continue
                if entries[a].list_key != entries[b].list_key:
                    pairs.add(ordered(a, b))
    if crowded:
        log.info("entities: %d identifiers shared by more than %d entries are not evidence", crowded,
                 MAX_IDENTIFIER_GROUP)
    return pairs


def ordered(a: Key, b: Key) -> tuple[Key, Key]:
    return (a, b) if a <= b else (b, a)


def name_pairs(entries: dict[Key, Entry], names: NameRows, query: Iterable[Key],
               floor: float = CANDIDATE_FLOOR) -> set[tuple[Key, Key]]:
    """Pairs found by screening each name of the `query` entries against the index's names of the other
    lists (rows of versions that are no entry's latest are left out)."""
    index = names.index
    key_of_version = {entry.version_id: key for key, entry in entries.items()}
    row_list = [(r["authority"], r["list_name"]) for r in index.record]
    live = [names.version[row] in key_of_version for row in range(len(index))]
    masks: dict[tuple[str, str], bytearray] = {}
    pairs = set()
    cache: dict = {}  # token pairs compared: many recur across names
    for key in query:
        entry = entries[key]
        mask = masks.get(entry.list_key)
        if mask is None:
            mask = masks[entry.list_key] = bytearray(ok and lk != entry.list_key for lk, ok in zip(row_list, live))
        if len(cache) > CACHE_SIZE:
            cache.clear()
        for row in names.rows_of.get(entry.version_id, ()):
            spelling_tokens, spelling_weights = names.spellings[row][0]
            for other in index.shortlist(spelling_tokens, spelling_weights, mask):
                other = int(other)
                if names.score(row, other, cache)[0] >= floor:
                    other_key = key_of_version[names.version[other]]
                    if types_compatible(entry.entity_type, entries[other_key].entity_type):
                        pairs.add(ordered(key, other_key))
    return pairs


def pair_evidence(a: Entry, b: Entry, names: NameRows, cache: dict, *, excluded: frozenset[str] = frozenset()
                  ) -> PairEvidence:
    """Everything two entries have in common and where they differ (`excluded`: identifier families
    left out, as the evaluation leaves out the UN reference)."""
    evidence = PairEvidence(a.key, b.key, a.entity_type, b.entity_type)
    rows_a, rows_b = names.rows_of.get(a.version_id, ()), names.rows_of.get(b.version_id, ())
    for i in rows_a:
        for j in rows_b:
            score, words = names.score(i, j, cache)
            if names.weak[i] or names.weak[j]:
                if score > evidence.weak_name_score:
                    evidence.weak_name_score = score
                    evidence.weak_name_a, evidence.weak_name_b = names.name(i), names.name(j)
            elif score > evidence.name_score:
                evidence.name_score, evidence.name_words = score, words
                evidence.name_a, evidence.name_b = names.name(i), names.name(j)
    primary_a = [i for i in rows_a if names.is_primary[i]]
    primary_b = [j for j in rows_b if names.is_primary[j]]
    if primary_a and primary_b:
        evidence.primary_name_score = names.score(primary_a[0], primary_b[0], cache)[0]
    shared = (a.identifiers & b.identifiers)
    evidence.shared_identifiers = tuple(sorted(i for i in shared if i[0] not in excluded))
    imo_a = {n for f, n in a.identifiers if f == IMO}
    imo_b = {n for f, n in b.identifiers if f == IMO}
    evidence.imo_conflict = bool(imo_a and imo_b and not imo_a & imo_b)
    evidence.birth_dates = compare_birth_dates(a.birth_dates, b.birth_dates)
    evidence.countries = compare_countries(a.countries, b.countries)
    return evidence


def without_families(entries: dict[Key, Entry], families: frozenset[str]) -> dict[Key, Entry]:
    """The entries with the identifiers of some families removed (the evaluation removes the UN reference,
    so that nothing downstream can see it)."""
    if not families:
        return entries
    out = {}
    for key, entry in entries.items():
        kept = frozenset(i for i in entry.identifiers if i[0] not in families)
        out[key] = entry if kept == entry.identifiers else _replace(entry, identifiers=kept)
    return out


def _replace(entry: Entry, **changes) -> Entry:
    from dataclasses import replace

    return replace(entry, **changes)


__all__ = ["CANDIDATE_FLOOR", "UN_REFERENCE", "NameRows", "PairEvidence", "identifier_pairs", "name_pairs",
           "pair_evidence", "without_families"]
