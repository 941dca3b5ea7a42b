"""From list entries to entities: propose pairs, weigh their evidence, decide, cluster.

`resolve` is the whole computation over a set of entries; the warehouse side (warehouse/entities.py)
feeds it what changed and keeps what did not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields

from sanctrack.entities.cluster import LinkToCluster, cluster
from sanctrack.entities.evidence import Entry, Key
from sanctrack.entities.helper import Helper
from sanctrack.entities.link import CACHE_SIZE, NameRows, PairEvidence, identifier_pairs, name_pairs, pair_evidence
from sanctrack.entities.rules import CANDIDATE, LINKED, Decision, decide

log = logging.getLogger(__name__)

# The version of the linking rules and evidence: links made by another version are all made again.
LINKER_VERSION = "entities-1"
REFUSED_RULE = "same_list_regime_clash"


@dataclass
class PairLink:
    """A pair of entries, its evidence and the decision on it."""

    evidence: PairEvidence
    decision: Decision

    @property
    def pair(self) -> tuple[Key, Key]:
        return self.evidence.pair


def propose(entries: dict[Key, Entry], names: NameRows, query: Iterable[Key] | None = None,
            helper: Helper | None = None) -> set[tuple[Key, Key]]:
    """Pairs worth examining: entries sharing an identifier, and names that meet across lists (for the
    `query` entries only, when given: the entries that changed). With a `helper` process, it screens
    half of the entries."""
    query = list(entries) if query is None else [k for k in query if k in entries]
    every = len(query) == len(entries)
    pairs = identifier_pairs(entries, None if every else set(query))
    if helper is None:
        return pairs | name_pairs(entries, names, query, one_way=every)
    theirs = helper.submit("name_pairs", query[0::2], every)
    mine = name_pairs(entries, names, query[1::2], one_way=every)
    return pairs | mine | helper.result(theirs, lambda: name_pairs(entries, names, query[0::2], one_way=every))


def examine(entries: dict[Key, Entry], names: NameRows, pairs: Iterable[tuple[Key, Key]],
            helper: Helper | None = None) -> list[PairEvidence]:
    """The evidence on each pair, in the order of the pairs (pairs of entries no longer loaded are
    skipped). With a `helper` process, it examines every other pair."""
    todo = [(a, b) for a, b in sorted(pairs) if a in entries and b in entries]
    if helper is None:
        return _evidence(entries, names, todo)
    theirs = helper.submit("evidence", todo[0::2])
    mine = _evidence(entries, names, todo[1::2])
    theirs = helper.result(theirs, lambda: _evidence(entries, names, todo[0::2]))
    out: list[PairEvidence] = [None] * len(todo)  # type: ignore[list-item]
    out[0::2], out[1::2] = theirs, mine
    return out


def _evidence(entries: dict[Key, Entry], names: NameRows, pairs: list[tuple[Key, Key]]) -> list[PairEvidence]:
    cache: dict = {}
    out = []
    for a, b in pairs:
        out.append(pair_evidence(entries[a], entries[b], names, cache))
        if len(cache) > CACHE_SIZE:
            cache.clear()
    return out


def decide_all(evidence: Iterable[PairEvidence], reviews: dict[tuple[Key, Key], str]) -> list[PairLink]:
    """The decision on each pair that is worth keeping, with the reviewers' decisions applied."""
    links = []
    for item in evidence:
        decision = decide(item, reviews.get(item.pair))
        if decision is not None:
            links.append(PairLink(item, decision))
    return links


def assign(entries: dict[Key, Entry], links: list[PairLink]) -> tuple[dict[Key, str], list[PairLink]]:
    """Entity ids for every entry; links the clustering refused become candidates (rule
    same_list_regime_clash), so that a reviewer sees them."""
    linked = [LinkToCluster(l.evidence.a, l.evidence.b, l.decision.rule, l.decision.score,
                            l.evidence.primary_name_score) for l in links if l.decision.decision == LINKED]
    entity_of, refused = cluster(entries, linked)
    out = []
    for link in links:
        if link.pair in refused:
            link = PairLink(link.evidence, Decision(CANDIDATE, REFUSED_RULE, link.decision.score))
        out.append(link)
    return entity_of, out


def evidence_record(evidence: PairEvidence) -> dict:
    """The evidence as plain values (stored as JSON beside the link)."""
    record = {f.name: getattr(evidence, f.name) for f in fields(evidence)}  # asdict's deep copies cost seconds
    record["a"], record["b"] = list(evidence.a), list(evidence.b)
    record["shared_identifiers"] = [list(i) for i in evidence.shared_identifiers]
    return record


def evidence_from_record(record: dict) -> PairEvidence:
    """The evidence of a stored link, to decide again without comparing names again."""
    values = dict(record)
    values["a"], values["b"] = tuple(values["a"]), tuple(values["b"])
    values["shared_identifiers"] = tuple(tuple(i) for i in values["shared_identifiers"])
    return PairEvidence(**values)
