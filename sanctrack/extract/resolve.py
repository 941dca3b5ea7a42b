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
from functools import lru_cache
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanctrack.extract.analyse import Candidate

_PUNCT_RE = re.compile(r"[^\w\s]|_")
# Words that do not identify a target on their own (articles, legal forms are kept: they are part
# of the name as the scorer compares it).
_NOT_IDENTIFYING = frozenset("the a an of and".split())


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> frozenset[str]:
    """Tokens of a name after Unicode folding, lower-casing and dropping punctuation (the scorer's rule)."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return frozenset(_PUNCT_RE.sub(" ", folded).split())


def names_match(predicted: str, gold: str) -> bool:
    """The scorer's name rule: equal tokens; the gold plus at most two more; or a subset of >= 2 gold tokens."""
    p, g = name_tokens(predicted), name_tokens(gold)
    if not p or not g:
        return False
    if p == g or g <= p and len(p - g) <= 2:
        return True
    return p <= g and len(p) >= 2


@dataclass(slots=True)
class Entity:
    """One target of the document and the candidates that mention it."""

    members: list[int] = field(default_factory=list)  # indexes into the candidate list
    tokens: frozenset[str] = frozenset()
    acronyms: set[str] = field(default_factory=set)


def link_entities(cands: list[Candidate]) -> tuple[list[Entity], list[int | None]]:
    """Group name candidates into entities; returns the entities and each candidate's entity index.

    Indexed by word, so a long document costs about one probe per mention, not one per entity.
    """
    entities: list[Entity] = []
    of: list[int | None] = [None] * len(cands)
    index = _EntityIndex(entities)
    for i, c in enumerate(cands):
        toks = name_tokens(c.name) - _NOT_IDENTIFYING if c.kind == "name" and c.name else frozenset()
        if not toks:
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
            if target is not None:
                index.aliases.setdefault(toks, target)  # "Makanika" later in the text is Michel Rukunda
        if target is None and len(toks) == 1:
            target = index.acronyms.get(next(iter(toks)).upper())
        if target is None:
            target = index.aliases.get(toks)
        if target is None:
            target = index.match(toks)
        if target is None:
            entities.append(Entity())
            target = len(entities) - 1
        e = entities[target]
        e.members.append(i)
        if not e.tokens or e.tokens < toks:
            e.tokens = toks
            index.add(target, toks)
        if c.acronym:
            e.acronyms.add(c.acronym.upper())
            index.acronyms[c.acronym.upper()] = target
        of[i] = target
    return entities, of


class _EntityIndex:
    """Entities by their exact word set and by each of their words."""

    _CROWDED = 50  # a word shared by more entities than this ("bank") says nothing about identity

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = entities
        self.exact: dict[frozenset[str], int] = {}
        self.by_word: dict[str, list[int]] = {}
        self.acronyms: dict[str, int] = {}
        self.aliases: dict[frozenset[str], int] = {}  # the word set of an alias ("a.k.a. X") -> its entity

    def add(self, k: int, tokens: frozenset[str]) -> None:
        held = self.exact.get(tokens)
        if held is None or self.entities[held].tokens != tokens:
            self.exact[tokens] = k  # the first entity whose name is exactly these words
        for w in tokens:
            ids = self.by_word.setdefault(w, [])
            if not ids or ids[-1] != k:
                ids.append(k)

    def match(self, tokens: frozenset[str]) -> int | None:
        """The entity a name refers to: same words; a part of one entity's name; or a fuller form."""
        entities = self.entities
        k = self.exact.get(tokens)
        if k is not None and entities[k].tokens == tokens:
            return k
        lists = [self.by_word.get(w, ()) for w in tokens]
        rarest = min(lists, key=len)
        subset = sorted({j for j in rarest if tokens < entities[j].tokens})
        if len(subset) == 1:
            return subset[0]
        if len(subset) > 1:
            return subset[0] if len(tokens) == 1 else None  # a bare surname goes to the first full name
        near = {j for ids in lists if len(ids) <= self._CROWDED for j in ids}
        superset = [j for j in sorted(near) if entities[j].tokens < tokens]
        if len(superset) == 1:
            return superset[0]
        return None


def own_names(entity: Entity, cands: list[Candidate]) -> list[int]:
    """The entity's mentions that are not aliases ("a.k.a. X", a nickname), or all of them when it has
    nothing else: what names the entity and says what it is."""
    return [i for i in entity.members if not cands[i].alias] or entity.members


def canonical_member(entity: Entity, cands: list[Candidate]) -> int:
    """The mention whose spelling names the entity: the fullest for a person, the most used otherwise;
    never one of its aliases ("a.k.a. ...") when the entity has a name of its own."""
    members = own_names(entity, cands)
    fullest = max(members, key=lambda i: (len(name_tokens(cands[i].name or "")), -i))
    if cands[fullest].entity_type == "person" or Counter(cands[i].entity_type for i in members).most_common(1)[0][0] == "person":
        return fullest
    forms = Counter(name_tokens(cands[i].name or "") for i in members)
    usual = max(members, key=lambda i: (forms[name_tokens(cands[i].name or "")], len(name_tokens(cands[i].name or "")), -i))
    # The fullest form unless it is a long legal name around the usual one ("KHOLDINGOVAYA
    # KOMPANIYA INTERROS OOO" for "Interros"): the usual name then.
    full, short = name_tokens(cands[fullest].name or ""), name_tokens(cands[usual].name or "")
    return fullest if short <= full and len(full - short) <= 2 else usual
