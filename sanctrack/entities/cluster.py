"""Entities from linked pairs: clusters of list entries, each with a deterministic id.

Links are taken strongest first (a reviewer's confirmation, a shared identifier, a name with the same
birth date, ..., then by score and by how well the primary names agree, then by key, so that the
order never depends on anything but the evidence). A link is refused, and kept as a candidate, when
it would put into one entity two entries of one list that were listed at the same time under a common
regime: a list designates a party once per regime (the UK lists Alfa-Bank under its Russia and its
Belarus regimes, the UN lists Hassan Dahir Aweys under the Al-Qaida and the Somalia regimes, and a
party delisted and listed again holds two entries that never overlap), so two such entries are two
parties, and the weaker link that joined them is the wrong one.

An entity's id is `ent-` and a hash of its anchor: the member whose history starts first (then by
authority, list and list id). A party that later reaches another list keeps its id; ids change only
when entities merge (the older anchor's id wins) or split.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sanctrack.entities.evidence import Entry, Key

# Strength of the rule that linked a pair: stronger links are taken first.
RULE_STRENGTH = {"review_confirmed": 0, "name_and_birth_date": 2, "name_and_birth_period": 3, "name": 4}
IDENTIFIER_STRENGTH = 1
OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True)
class LinkToCluster:
    a: Key
    b: Key
    rule: str
    score: float
    primary_name_score: float

    def order(self) -> tuple:
        strength = IDENTIFIER_STRENGTH if self.rule.startswith("shared_") else RULE_STRENGTH.get(self.rule, 9)
        return strength, -self.score, -self.primary_name_score, self.a, self.b


def entity_id(anchor: Key) -> str:
    """`ent-` and the first 20 hex digits of a sha256 of the anchor's key."""
    return "ent-" + hashlib.sha256("\x1f".join(anchor).encode("utf-8")).hexdigest()[:20]


def clash(x: Entry, y: Entry) -> bool:
    """Two entries of one list that cannot be one party: listed at the same time under a common regime
    (or with no regime given)."""
    if x.list_key != y.list_key:
        return False
    overlap = x.first_listed < (y.removed_on or OPEN_END) and y.first_listed < (x.removed_on or OPEN_END)
    if not overlap:
        return False
    return not x.regimes or not y.regimes or bool(x.regimes & y.regimes)


def cluster(entries: dict[Key, Entry], links: Iterable[LinkToCluster]) -> tuple[dict[Key, str], set[tuple[Key, Key]]]:
    """The entity id of every entry, and the links refused because they would join two entries of one
    list listed at the same time under a common regime (a reviewer's confirmation is never refused)."""
    parent: dict[Key, Key] = {}
    members: dict[Key, list[Key]] = {}

    def root(key: Key) -> Key:
        while parent.get(key, key) != key:
            parent[key] = parent.get(parent[key], parent[key])
            key = parent[key]
        return key

    refused = set()
    for link in sorted(links, key=LinkToCluster.order):
        if link.a not in entries or link.b not in entries:
            continue
        ra, rb = root(link.a), root(link.b)
        if ra == rb:
            continue
        group_a, group_b = members.get(ra, [ra]), members.get(rb, [rb])
        if link.rule != "review_confirmed" and any(clash(entries[x], entries[y]) for x in group_a for y in group_b):
            refused.add((link.a, link.b))
            continue
        if len(group_a) < len(group_b):
            ra, rb, group_a, group_b = rb, ra, group_b, group_a
        parent[rb] = ra
        members[ra] = group_a + group_b
        members.pop(rb, None)
    groups: dict[Key, list[Key]] = {}
    for key in entries:
        groups.setdefault(root(key), []).append(key)
    entity_of = {}
    for keys in groups.values():
        anchor = min(keys, key=lambda k: (entries[k].first_listed, k))
        ident = entity_id(anchor)
        for key in keys:
            entity_of[key] = ident
    return entity_of, refused
