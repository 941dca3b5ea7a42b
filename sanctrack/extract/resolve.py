"""Stage 5: the document. Mentions of one target become one entity; rows come out per authority.

"Maksim Viktorovich Yakubets", "Maksim Yakubets" and "Yakubets" in one text are one target; so are
"Social Design Agency" and "SDA", and "Michel Rukunda" and the "Makanika" of `alias "Makanika"`.
`link_entities` groups the candidates; the extractor then keeps, per entity and authority, the
best-scored mention as the row's evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanctrack.extract.analyse import Candidate

_PUNCT_RE = re.compile(r"[^\w\s]|_")
# Words that do not identify a target on their own (articles, legal forms are kept: they are part
# of the name as the scorer compares it).
_NOT_IDENTIFYING = frozenset("the a an of and".split())


def name_tokens(name: str) -> frozenset[str]:
    """Tokens of a name after Unicode folding, lower-casing and dropping punctuation (the scorer's rule)."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return frozenset(_PUNCT_RE.sub(" ", folded).split())


@dataclass(slots=True)
class Entity:
    """One target of the document and the candidates that mention it."""

    members: list[int] = field(default_factory=list)  # indexes into the candidate list
    tokens: frozenset[str] = frozenset()
    acronyms: set[str] = field(default_factory=set)


def link_entities(cands: list[Candidate]) -> tuple[list[Entity], list[int | None]]:
    """Group name candidates into entities; returns the entities and each candidate's entity index."""
    entities: list[Entity] = []
    of: list[int | None] = [None] * len(cands)
    toks = [name_tokens(c.name) - _NOT_IDENTIFYING if c.name else frozenset() for c in cands]
    for i, c in enumerate(cands):
        if c.kind != "name" or not toks[i]:
            continue
        target = None
        if "alias_region" in c.features or "gov:alias" in c.features:
            # 'Michel Rukunda alias "Makanika"', 'X (a.k.a. Y; a.k.a. Z)': an alias belongs to the
            # nearest name before it that is not an alias itself (in its segment or the one before).
            for j in range(i - 1, max(-1, i - 12), -1):
                pj = cands[j]
                if pj.ctx.seg.index < c.ctx.seg.index - 1:
                    break
                if pj.kind == "name" and of[j] is not None and "alias_region" not in pj.features and "gov:alias" not in pj.features:
                    target = of[j]
                    break
        if target is None and len(toks[i]) == 1:
            word = next(iter(toks[i]))
            for e_index in range(len(entities) - 1, -1, -1):
                if word.upper() in entities[e_index].acronyms:
                    target = e_index
                    break
        if target is None:
            target = _match(entities, toks[i])
        if target is None:
            entities.append(Entity())
            target = len(entities) - 1
        e = entities[target]
        e.members.append(i)
        if not e.tokens or e.tokens < toks[i]:
            e.tokens = toks[i]
        if c.acronym:
            e.acronyms.add(c.acronym.upper())
        of[i] = target
    return entities, of


def _match(entities: list[Entity], tokens: frozenset[str]) -> int | None:
    """The entity a name refers to: same tokens; a part of one entity's name; or a fuller form."""
    for k, e in enumerate(entities):
        if e.tokens == tokens:
            return k
    subset = [k for k, e in enumerate(entities) if tokens < e.tokens]
    if len(subset) == 1:
        return subset[0]
    if len(subset) > 1:
        return subset[0] if len(tokens) == 1 else None  # a bare surname goes to the first full name
    superset = [k for k, e in enumerate(entities) if e.tokens < tokens]
    if len(superset) == 1:
        return superset[0]
    return None


def canonical_member(entity: Entity, cands: list[Candidate]) -> int:
    """The mention whose spelling names the entity: the fullest for a person, the most used otherwise."""
    members = entity.members
    fullest = max(members, key=lambda i: (len(name_tokens(cands[i].name or "")), -i))
    if cands[fullest].entity_type == "person" or Counter(cands[i].entity_type for i in members).most_common(1)[0][0] == "person":
        return fullest
    forms = Counter(name_tokens(cands[i].name or "") for i in members)
    usual = max(members, key=lambda i: (forms[name_tokens(cands[i].name or "")], len(name_tokens(cands[i].name or "")), -i))
    # The fullest form unless it is a long legal name around the usual one ("KHOLDINGOVAYA
    # KOMPANIYA INTERROS OOO" for "Interros"): the usual name then.
    full, short = name_tokens(cands[fullest].name or ""), name_tokens(cands[usual].name or "")
    return fullest if short <= full and len(full - short) <= 2 else usual
