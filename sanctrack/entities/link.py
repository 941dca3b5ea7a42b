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
    """The names of the entries, grouped by designation version, with their strength, and the score of
    two names as the matching module's scorer gives it.

    The first rows are the rows of the name index (used for blocking); `add_names` appends the names of
    versions the index does not hold (an index saved before a list changed: see warehouse/entities.py),
    tokenised and weighed by that index. A row's spellings are worked out when first compared: an
    incremental recomputation compares few of the fifty thousand names.
    """

    def __init__(self, index: NameIndex, weak_names: set[tuple[str, str]]) -> None:
        self.index = index
        columns = index.record.columns  # read by column: a record per row would cost seconds
        self.version: list[str] = list(columns["designation_version_id"])
        self.names: list[str] = list(columns["matched_name"])
        self.weak: list[bool] = [(v, n) in weak_names for v, n in zip(self.version, self.names)]
        self.is_primary: list[bool] = [t == "primary" for t in columns["alias_type"]]
        self._tokens: list = list(zip(index.tokens, index.weights))
        self._entity_type: list[str] = list(index.entity_type)
        self._spellings: dict[int, tuple] = {}
        self._name_words: dict[int, int] = {}
        self.rows_of: dict[str, list[int]] = defaultdict(list)
        for row, version in enumerate(self.version):
            self.rows_of[version].append(row)

    def add_names(self, rows, weak_names: set[tuple[str, str]]) -> None:
        """Append names not in the index: `rows` of (designation_version_id, name, alias_type, entity_type)."""
        for version, name, alias_type, entity_type in rows:
            self.rows_of[version].append(len(self.names))
            self.version.append(version)
            self.names.append(name)
            self.weak.append((version, name) in weak_names)
            self.is_primary.append(alias_type == "primary")
            self._tokens.append(self.index.query_tokens(name, entity_type))
            self._entity_type.append(entity_type)

    def spellings(self, row: int) -> tuple:
        """(tokens, weights) of the name, and of the name without an aside in brackets when it has one
        ("ATOMIC ENERGY ORGANISATION OF IRAN (AEOI)"): lists add acronyms and former names that way, and an
        acronym no other name has would weigh as the rarest word of the name."""
        found = self._spellings.get(row)
        if found is None:
            tokens, weights = self._tokens[row]
            name = self.names[row]
            found = [(tokens, weights)]
            if "(" in name:
                bare = re.sub(r"\s*\([^)]*\)?", " ", name).strip()
                if bare and bare != name:
                    variant = self.index.query_tokens(bare, self._entity_type[row])
                    if variant[0] and variant[0] != tokens:
                        found.append(variant)
            found = self._spellings[row] = tuple(found)
        return found

    def name_words(self, row: int) -> int:
        words = self._name_words.get(row)
        if words is None:
            words = self._name_words[row] = sum(t.kind == NAME for t in self._tokens[row][0])
        return words

    def name(self, row: int) -> str:
        return self.names[row]

    def score(self, i: int, j: int, cache: dict) -> tuple[float, int]:
        """The score of two names and how many name words agree. The scorer is calibrated for a name
        screened against a listed name, where the listed name may be the longer: the name with fewer
        words is the query (both ways when they are as long, the better kept), so that an alias that
        is a whole sentence never scores as a query."""
        words_i, words_j = self.name_words(i), self.name_words(j)
        if words_i == words_j:
            directions = ((i, j), (j, i))
        else:
            directions = ((i, j),) if words_i < words_j else ((j, i),)
        best, words = 0.0, 0
        scale = self.index.default_weight
        for q, c in directions:
            for q_tokens, q_weights in self.spellings(q):
                for c_tokens, c_weights in self.spellings(c):
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
               floor: float = CANDIDATE_FLOOR, *, one_way: bool = False) -> set[tuple[Key, Key]]:
    """Pairs found by screening each name of the `query` entries against the index's names of the other
    lists (rows of versions that are no entry's latest are left out). `one_way` (every entry is a
    query): an entry is screened only against the lists larger than its own, so that each pair of lists
    is screened once, from the side of the smaller (the US list, two thirds of all entries, is then
    screened against nothing but is found from every other list)."""
    index = names.index
    index.prepare(())  # many queries: shortlists ranked with numpy
    key_of_version = {entry.version_id: key for key, entry in entries.items()}
    row_list = list(zip(index.record.columns["authority"], index.record.columns["list_name"]))
    live = [names.version[row] in key_of_version for row in range(len(index))]
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    for entry in entries.values():
        sizes[entry.list_key] += 1
    rank = {lk: i for i, lk in enumerate(sorted(sizes, key=lambda lk: (sizes[lk], lk)))}
    masks: dict[tuple[str, str], bytearray | None] = {}
    pairs = set()
    cache: dict = {}  # token pairs compared: many recur across names
    for key in query:
        entry = entries[key]
        if entry.list_key not in masks:
            own = rank[entry.list_key]
            mask = bytearray(ok and lk != entry.list_key and (not one_way or rank.get(lk, -1) > own)
                             for lk, ok in zip(row_list, live))
            masks[entry.list_key] = mask if any(mask) else None
        mask = masks[entry.list_key]
        if mask is None:  # no other list to screen against
            continue
        if len(cache) > CACHE_SIZE:
            cache.clear()
        found: set[Key] = set()  # entries this one already pairs with: another alias need not score them
        for row in names.rows_of.get(entry.version_id, ()):
            spelling_tokens, spelling_weights = names.spellings(row)[0]
            for other in index.shortlist(spelling_tokens, spelling_weights, mask):
                other = int(other)
                other_key = key_of_version[names.version[other]]
                if other_key in found or not types_compatible(entry.entity_type, entries[other_key].entity_type):
                    continue
                if names.score(row, other, cache)[0] >= floor:
                    found.add(other_key)
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
