"""Stages 1-3 over a whole document: segments, cues, candidates and their evidence.

`analyse_document(text)` returns a `DocAnalysis`: every candidate (names and groups) of the
segments that can hold a sanctions statement, with its features, and the authority hypotheses
the scorer chooses from. Nothing here decides; `extractor.py` scores and resolves.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from sanctrack.extract.anaphora import Anaphor, find_anaphors, referents
from sanctrack.extract.candidates import GroupSpan, NameSpan, group_pattern, group_spans, name_spans, tokenize, word_facts
from sanctrack.extract.cues import AuthorityMention, find_authorities, find_cues
from sanctrack.extract.features import (
    Relation,
    SegmentContext,
    _bucket,
    cue_features,
    enumerations,
    group_features,
    name_features,
    segment_context,
)
from sanctrack.extract.frames import ACTING_ROLES, ActionCall, acting_authorities, decide_action
from sanctrack.extract.lexicon import Lexicon, load_lexicon
from sanctrack.extract.syntax import is_verb_like, left_governor, predicate_classes, right_context
from sanctrack.extract.text import Segment, segment_document

# A segment is analysed when it holds one of these cue classes, or follows one that does by at
# most _WINDOW segments (its distance is evidence).
_STATEMENT_CUES = frozenset(("sanction", "delist"))
_WINDOW = 3
# "Address: Myanmar.", "Reasons: ...": the fields of an entry, which do not end its list.
_FIELD_RE = re.compile(r"^[A-Z][\w .]{1,30}:")
_CONTINUATION_RE = re.compile(
    r"^(?:[\"“]?\s*)(?:\w+\s+(?:of|among)\s+(?:them|these|those)\b|(?:they|these|those)\s+(?:include|are|were)\b|"
    r"(?:the|those)\s+(?:\w+\s+){0,3}(?:include|includes|included|are|were)\b|among\s+(?:them|those)\b|also\b|"
    r"the\s+(?:other|remaining)\b|(?:both|all)\s+(?:\w+\s+)?(?:are|were|face|will)\b)",
    re.IGNORECASE,
)
_ROLE_APPOSITIVE_RE = re.compile(r"^,\s+(?:(?:the|a|an|his|her|their|its)\s+)?([^,;()\n]{2,90}?)(?=\s*(?:,|;|\.(?:\s|$)|\s—|\s–|\)|$))")
_ROLE_OF_RE = re.compile(r"\b(?:of|at|within|in|for)\s+(?:the\s+|a\s+|an\s+)?([^,;]+)$")
_WITHIN_RE = re.compile(r"\bwithin\s+(?:the\s+|a\s+)?([^,;]+)$")
_OWNER_RE = re.compile(
    r",\s+(?:a|an|the|its)\s+(?:[\w-]+\s+){0,3}?(?:subsidiary|subsidiaries|unit|arm|division|branch|affiliate|part|member|front)\s+of\s+"
    r"(?:the\s+)?([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4})"
)
_INCLUDING_AFFILIATION_RE = re.compile(
    r"\b(?:affiliated with|linked to|associated with|connected to|tied to)\s+(?:the\s+)?([^,;]+?),\s+(?:including|among them|such as)\s+[^,;]*$"
)
_ROLE_BEFORE_RE = re.compile(r"(?:^|\s)((?:(?:former|ex-|deputy|senior|chief|acting|first|then)\s+)*[a-z][\w-]*)\s+$")
_LINKED_RE = re.compile(
    r"^\s*(?:(?:that\s+(?:are|were|is)\s+)?(?:linked|tied|affiliated|associated|connected|belonging)\s+(?:to|with)|of|from|at|within|in)\s+"
    r"(?:the\s+)?([^,.;()\n]{2,80}?)(?=\s*(?:[,.;)]|\s(?:and|who|which|that|for|over|in)\s|$))"
)


@dataclass(slots=True)
class Candidate:
    """A possible target with its evidence (offsets are document offsets)."""

    kind: str  # "name" | "group"
    ctx: SegmentContext
    first: int
    last: int
    start: int
    end: int
    name: str | None
    count: int | None
    entity_type: str
    role: str | None
    affiliation: str | None
    features: list[str]
    group_kind: str | None = None
    acronym: str | None = None
    known: tuple[str, str] | None = None  # (list entry id, entity type) of a known entity
    alias: bool = False  # another name of a candidate before it: linked, never a row of its own
    synthetic: bool = False  # a target named earlier, mentioned here by an anaphor ("the four men")
    referent: object = None  # the entity key of that target
    relation: Relation | None = None
    anchor: tuple[str, SegmentContext, int] | None = None  # (kind, segment, token of the predicate)
    action_features: list[str] = field(default_factory=list)
    authority_options: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass(slots=True)
class DocAnalysis:
    text: str
    segments: list[Segment]
    contexts: dict[int, SegmentContext]
    candidates: list[Candidate]
    default_authority: str | None
    agents: dict[int, list[str]]  # segment index -> authorities acting in it
    anaphors: list[tuple[SegmentContext, Anaphor]] = field(default_factory=list)
    _entities: tuple | None = None

    def entities(self):
        """The candidates grouped into targets (resolve.link_entities), cached until they change."""
        from sanctrack.extract.resolve import link_entities

        key = len(self.candidates)
        if self._entities is None or self._entities[0] != key:
            self._entities = (key, link_entities(self.candidates))
        return self._entities[1]

    def list_of(self, segment_index: int) -> int:
        """The list a segment belongs to: its introduction for a list item, itself otherwise."""
        intro = self.segments[segment_index].intro
        return intro if intro is not None else segment_index


def alias_roles(ctx: SegmentContext) -> dict[tuple[int, int], str]:
    """The role of every alias occurrence of a segment (authority_role), computed once per segment."""
    if ctx.roles is None:
        ctx.roles = {(f, l): authority_role(ctx, f, l, a.kind) for a, f, l in ctx.auths}
    return ctx.roles


def _agents(ctx: SegmentContext) -> list[str]:
    """Authorities that act in a segment: an alias shortly before a sanction cue, or after "by"."""
    out: list[str] = []
    roles = alias_roles(ctx)
    for a, first, last in ctx.auths:
        role = roles[(first, last)]
        if role in ("agent", "by", "list_owner", "place_of_measure"):
            out.append(a.authority)
    return list(dict.fromkeys(out))


_OWNER_NOUNS = frozenset(
    "sanctions sanction list lists blacklist measures designation designations restrictions embargo regime freeze freezes".split()
)
_DEMONYMS = frozenset("American British Canadian Australian Ukrainian Japanese Swiss European".split())
_INSTITUTIONS = frozenset("government treasury authorities officials ministers council foreign department".split())
_PARTNER_WORDS = frozenset(("coordination", "coordinated", "alongside", "together", "concert", "partnership", "conjunction", "cooperation"))


def authority_role(ctx: SegmentContext, first: int, last: int, kind: str = "alias") -> str:
    """What an alias occurrence does in its segment: agent, by, list_owner, coordination, negated..."""
    low = ctx.low
    n = len(low)
    # the words before, skipping articles: "of the American Treasury", "by the State Department"
    j = first - 1
    while j >= 0 and low[j] in ("the", "a", "an"):
        j -= 1
    p1 = low[j] if j >= 0 else ""
    p2 = low[j - 1] if j >= 1 else ""
    n1 = low[last + 1] if last + 1 < n else ""
    window_before = low[max(0, first - 5):first]
    if any(w in _PARTNER_WORDS for w in window_before[-4:]) and "by" not in window_before[-2:]:
        return "coordination"
    if p1 == "with" and any(w in ("jointly", "together", "coordination", "coordinated", "alongside") for w in low[max(0, j - 4):j]):
        return "coordination"
    tail = low[last + 1:last + 5]
    if "not" in tail[:3] or "n't" in tail[:3] or p1 in ("neither", "nor") or p2 == "neither":
        return "negated"
    if p1 in ("on", "upon") and p2 in ("called", "call", "calls", "urged", "calling"):
        return "addressee"
    if p1 in ("urged", "urge", "urges", "asked", "pressed", "ask") or p1 == "to" and p2 in ("wrote", "letter", "appeal", "appealed", "petition", "petitioned", "writing"):
        return "addressee"
    if p1 == "by":
        return "by"
    if kind == "instrument":
        # "designated under Executive Order 14024": the instrument's authority acted
        return "by" if p1 in ("under", "pursuant", "to", "per", "with") else "mention"
    if n1 in _OWNER_NOUNS or n1 in ("’s", "'s") and any(w in _OWNER_NOUNS for w in low[last + 2:last + 5]):
        return "list_owner"
    if p1 == "of" and p2 in _OWNER_NOUNS:
        return "list_owner"
    if p1 in ("in", "into") and any(cls == "sanction" and ce < first and first - ce <= 8 for cls, cs, ce in ctx.cues):
        return "place_of_measure"
    if p1 in ("in", "on", "against", "to", "from", "over", "into", "across", "towards", "at", "for", "with", "of"):
        return "place"
    if ctx.toks.text[first] in _DEMONYMS and n1 not in _INSTITUTIONS:
        return "mention"  # "Ukrainian government systems" is no agent; "British sanctions" was caught above
    if j >= 0 and is_verb_like(low[j]) and low[j] not in ("has", "have", "had", "is", "was", "said"):
        return "object"  # "who attacked Ukrainian government systems"
    if _subject_of_cue(ctx, last):
        return "agent"
    if first == 0 and ctx.seg.line_start and _is_caps(ctx.toks.text[first]):
        return "dateline"
    return "mention"


_AGENT_CUES = frozenset(("sanction", "delist", "renewal"))
_AGENT_STOPS = frozenset(";:.—–".split() + ["who", "which", "that", "said", "says", "told", "according", "whose", "while", "but"])


def _subject_of_cue(ctx: SegmentContext, last: int) -> bool:
    """Whether an alias ending at token `last` is the subject of a sanction predicate: a sanction,
    removal or renewal cue follows within twelve words of the same clause, with no relative clause
    or reported speech in between ("the UK Foreign Office has also intensified its actions against
    Russia by imposing sanctions", "the Council today prolonged")."""
    cue_at = {cs for cls, cs, ce in ctx.cues if cls in _AGENT_CUES}
    low = ctx.low
    clause = ctx.clause[last]
    for k in range(last + 1, min(len(low), last + 13)):
        if k in cue_at:
            return True
        if low[k] in _AGENT_STOPS or ctx.clause[k] != clause:
            return False
    return False


def _is_caps(tok: str) -> bool:
    return tok.isupper() and len(tok) > 1


def analyse_document(text: str, lex: Lexicon | None = None, known=None) -> DocAnalysis:
    """Every candidate of the statement segments of `text`, with evidence."""
    lex = lex or load_lexicon()
    segments = segment_document(text)
    contexts: dict[int, SegmentContext] = {}
    seg_cues: dict[int, frozenset[str]] = {}
    raw: dict[int, tuple] = {}
    pattern = _group_re(lex)
    last_cued = -10
    item_chain = False  # the previous list item was analysed: its siblings are too
    for seg in segments:
        seg_text = text[seg.start:seg.end]
        lower = seg_text.lower()
        toks = tokenize(seg_text)
        cues = find_cues(lower, toks.start, lex) if len(lower) == len(seg_text) else []
        classes = frozenset(c.cls for c in cues)
        seg_cues[seg.index] = classes
        intro_classes: frozenset[str] = frozenset()
        k = seg.intro
        hops = 0
        while k is not None and hops < 3:
            intro_classes |= seg_cues.get(k, frozenset())
            k = segments[k].intro
            hops += 1
        statement = bool(classes & _STATEMENT_CUES)
        listed = seg.intro is not None and bool(intro_classes & _STATEMENT_CUES)
        continuation = 0
        if not statement and not listed:
            # An item of a list whose introduction follows a statement counts from its introduction;
            # an item next to an analysed item (an annex's numbered entries) is analysed with it.
            anchor = seg.intro if seg.intro is not None else seg.index
            distance = anchor - last_cued
            if seg.kind == "item" and item_chain:
                continuation = 1
            elif 0 <= distance <= _WINDOW:
                continuation = max(1, distance)
            else:
                # the fields of an entry ("Address: ...", "Reasons: ...") do not end its list
                item_chain = item_chain and (seg.kind != "sentence" or bool(_FIELD_RE.match(seg_text)))
                continue
        if seg.kind == "item":
            item_chain = True
        elif seg.kind == "sentence" and not statement and not _FIELD_RE.match(seg_text):
            item_chain = False
        if statement:
            last_cued = seg.index
        if not toks.text:
            continue
        auths = find_authorities(seg_text, lex)
        if seg.intro is not None and not (intro_classes & _STATEMENT_CUES) and seg.intro in contexts:
            intro_classes = intro_classes | {"continuing_intro"}
        ctx = segment_context(seg, seg_text, toks, cues, auths, intro_classes, continuation)
        ctx.continues = bool(continuation and _CONTINUATION_RE.match(seg_text))
        contexts[seg.index] = ctx
        # groups need a number or a quantity word; most segments have none
        has_quantity = not _QUANTITY_WORDS.isdisjoint(ctx.low) or any(w[:1].isdigit() for w in toks.text)
        raw[seg.index] = (name_spans(seg_text, toks, lex), group_spans(seg_text, pattern, lex) if has_quantity else [])

    voices = _voices(contexts)
    speaker = max(voices, key=lambda a: (voices[a], a)) if voices else None
    if speaker:
        _first_person(contexts, speaker)
    agents = {i: _agents(ctx) for i, ctx in contexts.items()}
    default = _default_authority(contexts, agents, voices)
    if default and not speaker and _first_person(contexts, default):
        agents = {i: _agents(ctx) for i, ctx in contexts.items()}
    candidates: list[Candidate] = []
    anaphors: list[tuple[SegmentContext, Anaphor]] = []
    for index, ctx in contexts.items():
        names, groups = raw[index]
        found = find_anaphors(ctx.text)
        anaphors.extend((ctx, a) for a in found)
        # "the four men" refers back: it is not a new group
        groups = [g for g in groups if not any(a.start <= g.start < a.end or g.start <= a.start < g.end for a in found)]
        alias_spans = [(a.start, a.end) for a, _, _ in ctx.auths]
        names = [
            s for s in names
            if _worth_scoring(ctx, s, lex) and not any(a_s < s.end and s.start < a_e for a_s, a_e in alias_spans)
        ]
        lists = enumerations(ctx, names, lex)
        group_ranges = [(g.start, g.end) for g in groups]
        for span, (head, end) in zip(names, lists):
            if any(gs <= span.start < ge for gs, ge in group_ranges):
                continue  # a word inside a group phrase ("two Rosatom subsidiaries")
            cand = _name_candidate(ctx, span, head, end, lex)
            # An alias ("a.k.a. X", 'alias "X"') names a target already proposed: it links, it is not scored.
            cand.alias = "alias_region" in cand.features or "gov:alias" in cand.features
            candidates.append(cand)
        for g in groups:
            candidates.append(_group_candidate(ctx, g, lex))
    candidates.sort(key=lambda c: c.start)
    _enumeration_features(candidates, segments)
    if known is not None:
        known.annotate(candidates)
    linked = _coreference_features(candidates)
    doc = DocAnalysis(text, segments, contexts, candidates, default, agents, anaphors)
    doc._entities = (len(candidates), linked)
    return doc


def statement_of(doc: DocAnalysis, cand: Candidate) -> list[tuple[str, list[str]]]:
    """The candidate's statement, worked out on first use: its anchor, the cues at it, and the
    authorities that could have acted. Only candidates that can still become rows need it."""
    if cand.anchor is None:
        cand.anchor = find_anchor(doc, cand)
        cand.action_features = anchor_features(cand.anchor)
        cand.authority_options = authority_options(doc, cand)
    return cand.authority_options


def _enumeration_features(candidates: list[Candidate], segments: list[Segment]) -> None:
    """Whether the names of the text spell out a counted group: "four commanders: A, B, C and D"
    (the group is enumerated, not a target of its own) or "16 members, among them A and B" (partly)."""
    names_in: dict[int, list[Candidate]] = {}
    for c in candidates:
        if c.kind == "name" and not c.alias:
            names_in.setdefault(c.ctx.seg.index, []).append(c)
    items_of: dict[int, int] = {}
    for seg in segments:
        if seg.intro is not None and seg.index in names_in:
            items_of[seg.intro] = items_of.get(seg.intro, 0) + 1
    for g in candidates:
        if g.kind != "group" or g.count is None:
            continue
        here = names_in.get(g.ctx.seg.index, [])
        after = sum(1 for c in here if c.start > g.end)
        before = sum(1 for c in here if c.end < g.start)
        if "g:more" in g.features:
            before = 0  # "two other subsidiaries": not the names already given
        listed = max(after, before, items_of.get(g.ctx.seg.index, 0))
        if listed >= g.count:
            g.features.append("g:enumerated")
        elif listed:
            g.features.append("g:partly_enumerated")
        else:
            g.features.append("g:no_names")
            # "... on two ministers." then "The measures target A and B.": the names of the next sentence
            following = len(names_in.get(g.ctx.seg.index + 1, ()))
            if following >= g.count:
                g.features.append("g:enumerated_next")
            elif following:
                g.features.append("g:partly_enumerated_next")


def _listed(cand: Candidate) -> bool:
    return cand.ctx.seg.kind == "item" or "gov:sanction_verb" in cand.features


def _coreference_features(candidates: list[Candidate]) -> tuple:
    """Evidence from the other mentions of the same target: a bare surname that a fuller name
    elsewhere explains ("Hakizimana" after "Apollinaire Hakizimana") is a name, not a word."""
    from sanctrack.extract.resolve import link_entities, name_tokens

    entities, of = link_entities(candidates)
    listed = [sum(1 for j in e.members if _listed(candidates[j])) for e in entities]
    for i, cand in enumerate(candidates):
        e = of[i]
        if e is None:
            continue
        entity = entities[e]
        n = len(entity.members)
        cand.features.append("coref:mentions" + ("1" if n == 1 else "2" if n == 2 else "3+"))
        if name_tokens(cand.name or "") < entity.tokens:
            cand.features.append("coref:short_form")
        if listed[e] - _listed(cand) > 0:
            cand.features.append("coref:listed_elsewhere")
    return entities, of


_LIST_REF_RE = re.compile(r"[A-Z]{2,4}\.?\d{3,5}")
_QUANTITY_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen dozens single several
    number numerous multiple various group handful raft other scores hundreds""".split()
)
_GROUP_RE_CACHE: dict[int, re.Pattern[str]] = {}


def _group_re(lex: Lexicon) -> re.Pattern[str]:
    key = id(lex)
    if key not in _GROUP_RE_CACHE:
        _GROUP_RE_CACHE[key] = group_pattern(lex)
    return _GROUP_RE_CACHE[key]


def _worth_scoring(ctx: SegmentContext, span: NameSpan, lex: Lexicon) -> bool:
    """Drop spans that are never a name: stopwords, authorities, titles, media, bare numbers."""
    words = [w for w in ctx.toks.text[span.first:span.last + 1] if w[:1].isalnum()]
    if not words or not any(w[:1].isalpha() for w in words):
        return False
    if word_facts(lex, _never_a_name)[ctx.text[span.start:span.end]] or len(words) > 1 and words[-1] in lex.place_heads:
        return False  # "Horse Guards Road", "Bay Region"
    if span.title is None and words[0].rstrip(".") in lex.titles and (len(words) == 1 or ctx.toks.text[span.first + 1] in ("of", "for")):
        return False  # a title phrase with no name: "Minister for Karamoja Affairs", "Speaker of Parliament"
    return not all(map(word_facts(lex, _filler_word).__getitem__, words))


def _never_a_name(lex: Lexicon, joined: str) -> bool:
    """A phrase that is never a name, whatever its context."""
    return (
        joined in lex.authority_alias or joined in lex.media or joined in lex.places or joined.title() in lex.places
        or joined in lex.programmes or joined in lex.demonyms  # "SDGT", "Global Anti-Corruption", "North Korean"
        or all(part in lex.demonyms or part.title() in lex.demonyms for part in joined.replace("-", " ").split())  # "Latvian", "Spanish-Venezuelan"
        or _LIST_REF_RE.fullmatch(joined) is not None  # a list's own reference: "RUS2389", "BEL0167"
    )


def _filler_word(lex: Lexicon, w: str) -> bool:
    """A word that alone never makes a name: a stopword, a title, an authority's alias."""
    return w in lex.stopwords or w.rstrip(".") in lex.titles or w in lex.authority_alias or w.capitalize() in lex.stopwords and w.isupper()


_FIRST_PERSON = frozenset(("we", "We", "WE", "our", "Our"))


def _voices(contexts: dict[int, SegmentContext]) -> Counter[str]:
    """Whose voice the document is, by the instruments and offices it names (voices.csv):
    "under the Russia (Sanctions) (EU Exit) Regulations 2019" is the UK speaking."""
    votes: Counter[str] = Counter()
    for index, ctx in contexts.items():
        for a, _, _ in ctx.auths:
            if a.kind == "instrument":
                votes[a.authority] += 2 if index <= 3 else 1
    return votes


def _first_person(contexts: dict[int, SegmentContext], speaker: str) -> bool:
    """"We designated ...", "our sanctions": the document's own voice acts. Each first-person
    word becomes a mention of the speaking authority (its role is worked out like any alias's)."""
    changed = False
    for ctx in contexts.values():
        words = ctx.toks.text
        if _FIRST_PERSON.isdisjoint(words):
            continue
        found = [(AuthorityMention(speaker, w, ctx.toks.start[k], ctx.toks.end[k], "first_person"), k, k) for k, w in enumerate(words) if w in _FIRST_PERSON]
        ctx.auths = sorted(ctx.auths + found, key=lambda a: a[1])
        ctx.roles = None
        changed = True
    return changed


def _default_authority(contexts: dict[int, SegmentContext], agents: dict[int, list[str]], voices: Counter[str]) -> str | None:
    """The document's main authority: the one that acts most, counting the headline and the first
    lines (where a press release names its publisher) twice, and the instruments it acts under
    (voices.csv); failing that, the one named most."""
    votes: Counter[str] = Counter(voices)
    first_seen: dict[str, int] = {a: -1 for a in voices}
    for index, found in agents.items():
        for a in found:
            votes[a] += 2 if index <= 3 else 1
            first_seen.setdefault(a, index)
    if not votes:
        for index, ctx in contexts.items():
            for a, _, _ in ctx.auths:
                votes[a.authority] += 1
                first_seen.setdefault(a.authority, index)
    if not votes:
        return None
    return max(votes, key=lambda a: (votes[a], -first_seen[a]))


def _name_candidate(ctx: SegmentContext, span: NameSpan, head: int, end: int, lex: Lexicon) -> Candidate:
    base = ctx.seg.start
    name = ctx.text[span.start:span.end]
    feats, relation = name_features(ctx, span, head, end, lex)
    role = span.title
    after = ctx.text[span.end:span.end + 160]
    m = _ROLE_APPOSITIVE_RE.match(after)
    if m and not role:
        phrase = m.group(1).strip()
        words = phrase.lower().split()
        if words and any(w.strip(",") in lex.role_nouns or w.rstrip("s") in lex.role_nouns for w in words[:6]):
            role = phrase
    if not role:
        role = _role_before(ctx, span, lex)
    affiliation = _affiliation(role, lex) if role else None
    if affiliation is None:
        # "the Arctic Metals Plant, a subsidiary of Rosatom": an organisation's owner
        owner = _OWNER_RE.match(ctx.text[span.end:span.end + 120])
        if owner and owner.group(1) not in lex.places:
            affiliation = owner.group(1)
    if affiliation is None:
        # "individuals affiliated with the Russian government, including Defense Minister X"
        m = _INCLUDING_AFFILIATION_RE.search(ctx.text[max(0, span.start - 240):span.start]) if relation.gov == "list_intro" else None
        if m:
            affiliation = m.group(1).strip()
    return Candidate(
        kind="name",
        ctx=ctx,
        first=span.first,
        last=span.last,
        start=base + span.start,
        end=base + span.end,
        name=name,
        count=1,
        entity_type=_name_type(feats),
        role=role,
        affiliation=affiliation,
        features=feats,
        acronym=span.acronym,
        relation=relation,
    )


def _role_before(ctx: SegmentContext, span: NameSpan, lex: Lexicon) -> str | None:
    """A lower-case role right before the name: "Italian businessman X", "its owner X", "former Latvian mayor X"."""
    begin = span.title_first if span.title_first is not None else span.first
    words: list[str] = []
    k = begin - 1
    while k >= 0 and len(words) < 4:
        w = ctx.toks.text[k]
        low = ctx.low[k]
        if low in lex.role_nouns or low.rstrip("s") in lex.role_nouns or words and (w[:1].isupper() and w in lex.stopwords or low in ("former", "deputy", "senior", "chief", "acting", "first", "then", "late") or low.startswith("ex-")):
            words.insert(0, w)
            k -= 1
            continue
        break
    if not words or not any(w.lower() in lex.role_nouns or w.lower().rstrip("s") in lex.role_nouns for w in words):
        return None
    return " ".join(words)


def _affiliation(role: str, lex: Lexicon) -> str | None:
    """The organisation in a role: "head of a division within the defense ministry" -> "defense
    ministry", "commander of the Houthi Naval Forces" -> "Houthi Naval Forces"; never a country."""
    m = _WITHIN_RE.search(role) or _ROLE_OF_RE.search(role)
    if not m:
        return None
    value = re.split(r"\s+(?:and|who|which|that|for|in|at)\s+", m.group(1).strip())[0].strip()
    if not value or value in lex.places or value.title() in lex.places or value.lower() in ("the", "a"):
        return None
    words = value.split()
    if not any(w[:1].isupper() for w in words) and not any(w.lower() in lex.org_words_lower for w in words):
        return None  # "head of operations": no organisation named
    return value


def _name_type(feats: list[str]) -> str:
    f = set(feats)
    if f & {"shape:legal_form", "shape:org_word"}:
        return "organisation"
    if "vessel_context" in f and "shape:given_first" not in f:
        return "vessel"
    if f & {"shape:acronym", "shape:digit", "shape:quoted", "shape:rosatom"}:
        return "organisation"
    if f & {"shape:given_first", "shape:surname_suffix", "title", "shape:surname_first", "role_before", "appositive_after"}:
        return "person"
    if "shape:ntok1" in f:
        return "organisation"
    return "person"


def _group_candidate(ctx: SegmentContext, g: GroupSpan, lex: Lexicon) -> Candidate:
    first = ctx.tok_at(g.start)
    last = ctx.tok_at(g.end - 1)
    feats, relation = group_features(ctx, g, first, last, lex)
    affiliation = None
    inside = lex.rosatom_re.search(ctx.text[g.start:g.end])
    if inside:
        affiliation = inside.group(0)  # "two other Rosatom subsidiaries"
    end = g.end  # the group's phrase runs to the end of what it is linked to
    tail = ctx.text[g.end:g.end + 160]
    m = _LINKED_RE.match(tail)
    if m:
        affiliation = m.group(1).strip()
        end = g.end + m.end(1)
        # "linked to Russia's nuclear energy sector, Rosatom": the name the phrase ends on
        named = re.match(r",\s+([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})(?=\s*(?:[.;,)]|$))", tail[m.end(1):])
        if named and named.group(1) not in lex.places:
            affiliation = named.group(1)
            end = g.end + m.end(1) + named.end(1)
        elif affiliation.endswith(("’s", "'s")) or affiliation in lex.places:
            affiliation = None
    return Candidate(
        kind="group",
        ctx=ctx,
        first=first,
        last=last,
        start=ctx.seg.start + g.start,
        end=ctx.seg.start + end,
        name=None,
        count=g.count,
        entity_type="unnamed_group",
        role=None,
        affiliation=affiliation,
        features=feats,
        group_kind=g.kind,
        relation=relation,
    )


# --- the predicate a candidate depends on -----------------------------------------------------

_PREDICATE_GOVS = frozenset(("sanction_verb", "delist_verb", "sanction_prep", "copula_after_predicate", "propose_verb", "of_sanction"))
_PREDICATE_RIGHTS = frozenset(("passive_sanction", "passive_delist", "state_sanction", "relative_sanction"))


def find_anchor(doc: DocAnalysis, cand: Candidate) -> tuple[str, SegmentContext, int]:
    """The predicate whose action and agent apply to `cand`: its governing verb or noun, the
    predicate after it ("X was designated"), its list's introduction, or the nearest sanction cue."""
    ctx = cand.ctx
    rel = cand.relation
    if rel is not None:
        if rel.gov in _PREDICATE_GOVS and rel.gov_index >= 0:
            return "gov", ctx, rel.gov_index
        if rel.gov == "colon" and rel.gov_index >= 0 and any(
            cls in _STATEMENT_CUES for cls, cs, ce in ctx.cues_in_clause.get(ctx.clause[rel.gov_index], ())
        ):
            return "colon", ctx, rel.gov_index
        if rel.right in _PREDICATE_RIGHTS and rel.right_index >= 0:
            return "right", ctx, rel.right_index
    k = ctx.seg.intro
    hops = 0
    while k is not None and hops < 3:
        ictx = doc.contexts.get(k)
        if ictx is not None:
            cue = _last_statement_cue(ictx)
            if cue >= 0:
                return "intro", ictx, cue
            if hops == 0 and ictx.cues and ictx.low and ictx.low[-1] == ":":
                # "They continue to apply to five persons ...:": the introduction's own cues
                return "intro", ictx, len(ictx.low) - 1
        k = doc.segments[k].intro
        hops += 1
    clause = ctx.clause[min(cand.first, len(ctx.clause) - 1)]
    here = [cs for cls, cs, ce in ctx.cues_in_clause.get(clause, ()) if cls in _STATEMENT_CUES]
    if here:
        return "clause", ctx, min(here, key=lambda cs: abs(cs - cand.first))
    nearest = _nearest_statement_cue(ctx, cand.first)
    if nearest >= 0:
        return "segment", ctx, nearest
    for j in range(ctx.seg.index - 1, max(-1, ctx.seg.index - _WINDOW - 1), -1):
        pctx = doc.contexts.get(j)
        if pctx is not None:
            cue = _last_statement_cue(pctx)
            if cue >= 0:
                return "previous", pctx, cue
    return "none", ctx, -1


def _nearest_statement_cue(ctx: SegmentContext, k: int) -> int:
    """The statement cue nearest to token k (bisecting the sorted cue starts), or -1."""
    i = bisect_left(ctx.cue_starts, k)
    for step in range(0, len(ctx.cues)):
        for j in (i - 1 - step, i + step):
            if 0 <= j < len(ctx.cues) and ctx.cues[j][0] in _STATEMENT_CUES:
                return ctx.cues[j][1]
    return -1


def _last_statement_cue(ctx: SegmentContext) -> int:
    found = [cs for cls, cs, ce in ctx.cues if cls in _STATEMENT_CUES]
    return found[-1] if found else -1


def anchor_features(anchor: tuple[str, SegmentContext, int]) -> list[str]:
    """Cues around the predicate: its clause, its neighbourhood, the predicate word itself."""
    kind, actx, k = anchor
    feats = [f"anchor:{kind}"]
    if k < 0:
        return feats
    clause = actx.clause[k]
    in_clause = actx.cues_in_clause.get(clause, ())
    for cls, cs, ce in in_clause:
        feats.append(f"ac:{cls}")
        if cs < k:
            feats.append(f"ab:{cls}")
    # cues near the predicate: those starting within the window, and longer ones reaching into it
    lo = bisect_left(actx.cue_starts, k - 40)
    hi = bisect_right(actx.cue_starts, k + 4)
    for cls, cs, ce in actx.cues[lo:hi]:
        if abs(cs - k) <= 4 or abs(ce - k) <= 4:
            feats.append(f"an:{cls}")
    word = actx.low[k]
    feats.extend(f"aw:{c}" for c in sorted(predicate_classes().get(word, ())))
    if kind in ("intro", "previous"):
        feats.extend(f"{kind}_ac:{cls}" for cls, cs, ce in in_clause)
    return sorted(set(feats))


# --- authority hypotheses -------------------------------------------------------------------------


def authority_options(doc: DocAnalysis, cand: Candidate) -> list[tuple[str, list[str]]]:
    """Each authority that could have acted on `cand`, with the evidence for it.

    The evidence is tiered (frames.py): an agent of the predicate the candidate depends on, an
    agent elsewhere in that segment, an agent in the candidate's own segment, the addressee of a
    call ("called on the EU to impose"), the agent carried from the previous statement, the
    document's main authority. The authority model weighs the tiers.
    """
    ctx = cand.ctx
    kind, actx, k = cand.anchor or find_anchor(doc, cand)
    roles_a = alias_roles(actx)
    roles_o = alias_roles(ctx)
    tiers: dict[str, list[str]] = {}

    def add(authorities, tier):
        for a in authorities:
            tiers.setdefault(a, []).append(tier)

    at_anchor = acting_authorities(actx, k, roles_a)
    add(at_anchor, "anchor")
    add([a.authority for a, f, l in actx.auths if roles_a[(f, l)] in ACTING_ROLES], "anchor_seg")
    if actx is not ctx:
        own_k = cand.first
        add([a.authority for a, f, l in ctx.auths if roles_o[(f, l)] in ACTING_ROLES], "own_seg")
        add(acting_authorities(ctx, min(own_k, len(ctx.clause) - 1), roles_o), "own_clause")
    add([a.authority for a, f, l in actx.auths if roles_a[(f, l)] == "addressee"], "addressee")
    other_roles: dict[str, set[str]] = {}
    for c, roles in ((actx, roles_a), (ctx, roles_o)):
        for a, f, l in c.auths:
            if roles[(f, l)] not in ACTING_ROLES:
                other_roles.setdefault(a.authority, set()).add(roles[(f, l)])
    add(_carried(doc, actx.seg.index if k >= 0 else ctx.seg.index), "carried")
    if doc.default_authority:
        add([doc.default_authority], "default")
    for a in other_roles:
        tiers.setdefault(a, [])
    order = ("anchor", "own_clause", "anchor_seg", "own_seg", "addressee", "carried", "default")
    best_tier = next((t for t in order if any(t in ts for ts in tiers.values())), "none")
    options = []
    for authority in sorted(tiers):
        ts = tiers[authority]
        # Only what tells this authority apart from the others: its tiers, whether it is in the best
        # tier present, the other roles its alias plays; context only in conjunction with those.
        feats = [f"tier:{t}" for t in ts] or ["tier:none"]
        if best_tier in ts:
            feats.append("in_best_tier")
            feats.append(f"in_best_tier:{best_tier}")
            feats.append(f"in_best_tier&anchor:{kind}")
            if len(at_anchor) > 1 and best_tier == "anchor":
                feats.append("in_best_tier:shared")
        else:
            feats.append(f"below_best_tier:{best_tier}")
        feats.extend(f"other_role:{r}" for r in sorted(other_roles.get(authority, ())))
        if best_tier == "default" and "default" in ts:
            # how much the document is one authority's: a lone publisher, or one voice among several
            acting = len({a for found in doc.agents.values() for a in found})
            feats.append(f"default&acting:{min(acting, 3)}")
        options.append((authority, feats))
    return options


def option_action(doc: DocAnalysis, cand: Candidate, authority: str, feats: list[str]) -> ActionCall:
    """The action for one authority: the anchor's, unless this authority is named only elsewhere
    in the segment with cues of its own ("X, who is already under US sanctions")."""
    if any(f in ("tier:anchor", "tier:own_clause", "tier:carried", "tier:default") for f in feats):
        return decide_action(set(cand.action_features))
    for c in (cand.anchor[1], cand.ctx) if cand.anchor else (cand.ctx,):
        for a, first, last in c.auths:
            if a.authority != authority:
                continue
            window = range(max(0, first - 6), last + 7)
            local = {f"an:{cls}" for cls, cs, ce in c.cues if cs in window or ce in window}
            local |= {f"ac:{cls}" for cls, cs, ce in c.cues if c.clause[cs] == c.clause[first]}
            return decide_action(local)
    return decide_action(set(cand.action_features))


def _carried(doc: DocAnalysis, index: int) -> list[str]:
    """The acting authorities of the nearest earlier statement segment that had any."""
    for k in range(index - 1, max(-1, index - 12), -1):
        found = doc.agents.get(k)
        if found:
            return found
    return []


def anaphor_candidate(doc: DocAnalysis, ctx: SegmentContext, anaphor: Anaphor, referent: Candidate) -> Candidate:
    """`referent`'s target, mentioned at `anaphor`: the anaphor's predicate, agent and action apply."""
    lex = load_lexicon()
    first = ctx.tok_at(anaphor.start)
    last = ctx.tok_at(anaphor.end - 1)
    gov, gk = left_governor(ctx.low, first, lex.role_nouns, lex.stopwords, ctx.toks.text)
    right, rk = right_context(ctx.low, last + 1)
    feats = ["anaphor", f"gov:{gov}", f"right:{right}", f"seg:{ctx.seg.kind}"] + cue_features(ctx, first, last, "cue")
    cand = Candidate(
        kind="name",
        ctx=ctx,
        first=first,
        last=last,
        start=referent.start,
        end=referent.end,
        name=referent.name,
        count=1,
        entity_type=referent.entity_type,
        role=referent.role,
        affiliation=referent.affiliation,
        features=feats,
        relation=Relation(gov, gk, right, rk),
        synthetic=True,
    )
    cand.anchor = find_anchor(doc, cand)
    cand.action_features = anchor_features(cand.anchor)
    cand.authority_options = authority_options(doc, cand)
    return cand


def anaphor_candidates(doc: DocAnalysis, targets: list[tuple[int, int, str, object]], by_key: dict) -> list[Candidate]:
    """Candidates for every anaphor of the document, given the targets judged so far.

    `targets` as in anaphora.referents; `by_key` maps an entity key to its canonical candidate.
    """
    out = []
    for ctx, anaphor in doc.anaphors:
        position = ctx.seg.start + anaphor.start
        for key in referents(anaphor, position, targets, doc.list_of):
            cand = anaphor_candidate(doc, ctx, anaphor, by_key[key])
            cand.referent = key
            out.append(cand)
    return out
