"""Who acted, and how: the authority and the action of the statement a candidate belongs to.

A sanctions statement has a predicate ("sanctioned", "sanctions on", "were removed from", the
introduction of a list), an agent ("the UK", "Britain and the United States", "by the State
Department", "on Washington's list") and cues that turn its action ("already", "called on ... to
impose", "lifted"). These are read off the text around the candidate's anchor (analyse.find_anchor)
by rules over the cue lexicon, each with a confidence calibrated on the labelled texts; when the
statement names no agent, the agent of the previous statement (or the document's main authority)
carries over, with less confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanctrack.extract.features import SegmentContext

ACTING_ROLES = frozenset(("agent", "by", "list_owner", "place_of_measure"))
_LINKS = frozenset((",", "and", "the", "&", "as", "well"))


@dataclass(frozen=True, slots=True)
class ActionCall:
    """The action a statement signals and the rule that said so."""

    action: str
    rule: str


def decide_action(feats: set[str]) -> ActionCall:
    """The action from the cues around the anchor (analyse.anchor_features), nearest signal first.

    Cues right at the predicate (`an:`) speak first, then cues before it in its clause (`ab:`:
    "had already been sanctioned"), then anywhere in its clause (`ac:`). A removal beats the rest
    unless it is only proposed ("considering lifting": the sanction stands, `existing`); a call, a
    threat or a preparation makes `proposed`; "already", "remains", "since 2014", a renewal or a
    past date make `existing`.
    """
    for scope in ("an:", "ab:", "ac:"):
        delist = f"{scope}delist" in feats or scope == "an:" and "aw:delist_verb" in feats
        propose = f"{scope}propose" in feats
        if delist and propose:
            return ActionCall("existing", f"{scope}removal only proposed")
        if delist:
            return ActionCall("delisted", f"{scope}removal")
        if propose:
            return ActionCall("proposed", f"{scope}call, threat or preparation")
        if f"{scope}existing" in feats or f"{scope}renewal" in feats:
            return ActionCall("existing", f"{scope}already, remains, since, renewal")
    if "ac:past_date" in feats and "ac:new" not in feats:
        return ActionCall("existing", "dated in the past")
    return ActionCall("designated", "sanction cue, no modifier")


def acting_authorities(ctx: SegmentContext, k: int, roles: dict[tuple[int, int], str]) -> list[str]:
    """The agents of the predicate at token `k`: the nearest subject aliases before it (with the
    aliases coordinated with them), else a 'by', list-owner or place-of-measure alias after it."""
    if k < 0:
        return []
    clause = ctx.clause[k]
    in_clause = sorted((first, last, a.authority) for a, first, last in ctx.auths if ctx.clause[first] == clause)
    before = [o for o in in_clause if o[1] < k and roles[(o[0], o[1])] in ACTING_ROLES]
    if before:
        chosen = [before[-1]]
        # the aliases listed with it: "New Zealand, Australia, Canada, Norway and the UK have imposed"
        for first, last, authority in reversed([o for o in in_clause if o[0] < chosen[0][0]]):
            gap = ctx.low[last + 1:chosen[-1][0]]
            if gap and all(w in _LINKS for w in gap) and roles[(first, last)] not in ("coordination", "negated", "place"):
                chosen.append((first, last, authority))
            else:
                break
        return list(dict.fromkeys(a for _, _, a in reversed(chosen)))
    after = [a.authority for a, first, last in ctx.auths
             if first > k and ctx.clause[first] == clause and roles[(first, last)] in ACTING_ROLES]
    return list(dict.fromkeys(after))
