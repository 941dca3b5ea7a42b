"""Measuring the linker against references no one wrote by hand.

- The UN reference: a UK entry that carries one (the ConList's `UN Ref`, the FCDO list's `UN Reference
  Number`) is the UN entry of that reference number. The linker runs on entries from which every UN
  reference has been removed (the UK property and the UN list's own reference numbers: nothing
  downstream can read them), and its entities are compared with the pairs the references make:
  precision and recall over (UK entry carrying a reference, UN entry) pairs put in one entity.
  Reviewers' decisions are not used (a reviewer may have read the reference).
- IMO numbers: two vessels of different lists with one IMO number are one ship, two with different
  numbers are two ships.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sanctrack.entities.evidence import IMO, UN_REFERENCE, Entry, Key
from sanctrack.entities.link import NameRows, without_families
from sanctrack.entities.resolve import PairLink, assign, decide_all, examine, propose


@dataclass
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int
    false_positive_pairs: list[tuple[Key, Key]]
    false_negative_pairs: list[tuple[Key, Key]]

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def un_references(entry: Entry) -> set[str]:
    return {number for family, number in entry.identifiers if family == UN_REFERENCE}


def un_reference_truth(entries: dict[Key, Entry]) -> tuple[set[Key], set[tuple[Key, Key]]]:
    """The UK entries carrying a UN reference, and the (UK, UN) pairs their references make."""
    un_entry = {ref: key for key, entry in entries.items() if key[0] == "UN" for ref in un_references(entry)}
    carrying = {key for key, entry in entries.items() if key[0] == "UK" and un_references(entry)}
    truth = {(uk, un_entry[ref]) for uk in carrying for ref in un_references(entries[uk]) if ref in un_entry}
    return carrying, truth


def link_without_un_references(entries: dict[Key, Entry], names: NameRows) -> tuple[dict[Key, Entry], dict[Key, str],
                                                                                     list[PairLink]]:
    """The whole linking, on entries whose UN references have been removed (no reviews)."""
    scrubbed = without_families(entries, frozenset({UN_REFERENCE}))
    links = decide_all(examine(scrubbed, names, propose(scrubbed, names)), {})
    entity_of, links = assign(scrubbed, links)
    return scrubbed, entity_of, links


def score_un_references(entries: dict[Key, Entry], entity_of: dict[Key, str]) -> Scores:
    """Precision and recall of the entities over the pairs (UK entry carrying a UN reference, UN entry)."""
    carrying, truth = un_reference_truth(entries)
    members = defaultdict(list)
    for key, ident in entity_of.items():
        members[ident].append(key)
    predicted = set()
    for uk in carrying:
        for other in members[entity_of[uk]]:
            if other[0] == "UN":
                predicted.add((uk, other))
    return Scores(len(predicted & truth), len(predicted - truth), len(truth - predicted),
                  sorted(predicted - truth), sorted(truth - predicted))


def score_imo(entries: dict[Key, Entry], entity_of: dict[Key, str]) -> Scores:
    """Pairs of vessels of different lists: one entity exactly when they share an IMO number."""
    ships = {key: {n for f, n in entry.identifiers if f == IMO} for key, entry in entries.items()
             if entry.entity_type == "vessel"}
    by_number = defaultdict(set)
    for key, numbers in ships.items():
        for number in numbers:
            by_number[number].add(key)
    truth = {(a, b) for keys in by_number.values() for a in keys for b in keys
             if a < b and entries[a].list_key != entries[b].list_key}
    members = defaultdict(list)
    for key in ships:
        members[entity_of[key]].append(key)
    predicted = {(a, b) for keys in members.values() for a in keys for b in keys
                 if a < b and entries[a].list_key != entries[b].list_key and ships[a] and ships[b]}
    return Scores(len(predicted & truth), len(predicted - truth), len(truth - predicted),
                  sorted(predicted - truth), sorted(truth - predicted))
