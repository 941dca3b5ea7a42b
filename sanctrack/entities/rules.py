"""The rules that turn the evidence on a pair of list entries into a decision a reviewer can read.

Each pair gets one decision, the rule that made it, and a score:

- `linked`: the two entries are one party and go into one entity;
- `candidate`: they may be, and a reviewer should say (`sanctrack entities review`); never merged
  unless confirmed;
- `not_linked`: evidence against (two ships with different IMO numbers), kept to explain why not.

The rules, first that applies (docs/entities.md gives the figures behind the thresholds):

1. A reviewer's decision: confirmed links, rejected does not, whatever the evidence.
2. A strong identifier both give (IMO, passport, national id, registration or tax number, SWIFT code,
   UN reference, OFAC entity id) links, unless they are persons whose birth dates conflict
   (candidate).
3. Two ships (or aircraft) link only by a shared identifier: different IMO numbers are two ships
   (not_linked); a name alone makes a candidate (ship names are reused: "SEA STAR").
4. Persons: a name match alone never links two persons whose birth dates conflict (candidate). With
   the same full birth date a name score of 0.80 links; with the same year or month, or dates a day
   apart, 0.90 and primary names that agree (0.80); with no birth date on one side, 0.95 and primary
   names that agree, and no conflicting nationality.
5. Organisations: 0.90 and primary names that agree (0.80), in no conflicting country.
6. Anything else with a name score of 0.80 (a low-quality alias: 0.90) is a candidate; persons whose
   birth dates conflict only from a name score of 0.90.

The name score is the best score of two names neither list marks as a low-quality alias, by the
matching module's calibrated scorer; a low-quality alias ("Abu Ubaidah") alone never links.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanctrack.entities.evidence import BIRTH_DATE_CONFLICT, CONFLICT, NEAR, SAME_DAY, SAME_PERIOD, UNKNOWN
from sanctrack.entities.link import PairEvidence

LINKED, CANDIDATE, NOT_LINKED, REJECTED = "linked", "candidate", "not_linked", "rejected"
DECISIONS = (LINKED, CANDIDATE, NOT_LINKED, REJECTED)

# Name scores (the matching module's calibrated scale) each rule needs.
NAME_WITH_BIRTH_DAY = 0.80
NAME_WITH_BIRTH_PERIOD = 0.90
NAME_ALONE_PERSON = 0.95
NAME_ALONE_ORGANISATION = 0.90
PRIMARY_NAMES_AGREE = 0.80
WEAK_ALIAS_CANDIDATE = 0.90
CANDIDATE_NAME = 0.80  # below this (and no identifier), a pair is not shown to a reviewer

SHIP_TYPES = {"vessel", "aircraft"}


@dataclass(frozen=True)
class Decision:
    decision: str  # linked, candidate, not_linked, rejected
    rule: str
    score: float


def decide(evidence: PairEvidence, review: str | None = None) -> Decision | None:
    """The decision on a pair (None: nothing worth keeping), from the rules above."""
    name = evidence.name_score
    if review == "confirmed":
        return Decision(LINKED, "review_confirmed", 1.0)
    if review == "rejected":
        return Decision(REJECTED, "review_rejected", name)
    types = {evidence.type_a, evidence.type_b}
    person = types == {"person"}
    if evidence.shared_identifiers:
        if person and evidence.birth_dates == BIRTH_DATE_CONFLICT:
            return Decision(CANDIDATE, "identifier_birth_date_conflict", name)
        families = sorted({family for family, _ in evidence.shared_identifiers})
        return Decision(LINKED, "shared_" + "_".join(families), 1.0)
    if evidence.imo_conflict:
        return Decision(NOT_LINKED, "imo_conflict", name)
    if name < CANDIDATE_NAME and evidence.weak_name_score < WEAK_ALIAS_CANDIDATE:
        return None  # too little to show a reviewer
    if types & SHIP_TYPES:
        return Decision(CANDIDATE, "ship_by_name_only", name)
    primary_agrees = evidence.primary_name_score >= PRIMARY_NAMES_AGREE
    if person:
        births = evidence.birth_dates
        if births == BIRTH_DATE_CONFLICT:
            # Namesakes with other birth dates (a father and a son) are not worth a reviewer's time.
            return Decision(CANDIDATE, "birth_date_conflict", name) if name >= NAME_WITH_BIRTH_PERIOD else None
        if births == SAME_DAY and name >= NAME_WITH_BIRTH_DAY:
            return Decision(LINKED, "name_and_birth_date", name)
        if births in (SAME_PERIOD, NEAR) and name >= NAME_WITH_BIRTH_PERIOD and primary_agrees:
            return Decision(LINKED, "name_and_birth_period", name)
        if births == UNKNOWN and name >= NAME_ALONE_PERSON and primary_agrees and evidence.countries != CONFLICT:
            return Decision(LINKED, "name", name)
        return Decision(CANDIDATE, _why_not(evidence, NAME_ALONE_PERSON), name)
    if evidence.countries == CONFLICT:
        return Decision(CANDIDATE, "country_conflict", name)
    if name >= NAME_ALONE_ORGANISATION and primary_agrees:
        return Decision(LINKED, "name", name)
    return Decision(CANDIDATE, _why_not(evidence, NAME_ALONE_ORGANISATION), name)


def _why_not(evidence: PairEvidence, threshold: float) -> str:
    if evidence.name_score < CANDIDATE_NAME:
        return "low_quality_alias_only"
    if evidence.countries == CONFLICT:
        return "nationality_conflict"
    if evidence.name_score >= threshold:
        return "primary_names_differ"
    return "name_below_threshold"
