"""The extractor: candidates and evidence (analyse.py) -> decisions (scorer.py, frames.py) -> rows.

For every candidate the `name` or `group` model gives P(target); for every authority that could
have acted on it, the `authority` model gives P(that authority acted), and the frame rules give
the action. A row (target, authority, action) scores P(target) x P(authority); per target and
authority the best-scored mention is the row's evidence (resolve.py groups the mentions of one
target), and rows at or above the model's threshold come out, with a calibrated `confidence` and
the evidence in `cue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sanctrack.extract.analyse import Candidate, DocAnalysis, analyse_document, anaphor_candidates, option_action, statement_of
from sanctrack.extract.known import KnownEntities
from sanctrack.extract.lexicon import load_lexicon
from sanctrack.extract.model import Mention
from sanctrack.extract.resolve import canonical_member, name_tokens, own_names
from sanctrack.extract.scorer import ACTION_CLASSES, Model, ModelSet, load_models


def authority_features(cand: Candidate, option: list[str]) -> list[str]:
    """The authority model's input: the option's own evidence (analyse.authority_options)."""
    return option


@dataclass(slots=True)
class ScoredOption:
    authority: str
    p_authority: float
    actions: dict[str, float]
    features: list[str]
    action_rule: str = ""


@dataclass(slots=True)
class ScoredCandidate:
    index: int
    p_target: float
    options: list[ScoredOption]


def score_candidates(doc: DocAnalysis, model: Model, floor: float | None = None) -> list[ScoredCandidate]:
    """Score every candidate; then the targets that anaphors ("the four men") refer back to.

    A candidate whose P(target) is under `floor` (the model's threshold by default) cannot make a
    row (P(authority) is at most 1): its authorities are not scored.
    """
    floor = model.threshold if floor is None else floor
    doc.candidates = [c for c in doc.candidates if not c.synthetic]
    out = _score(doc, model, 0, floor)
    entities, of = doc.entities()
    targets: list[tuple[int, int, str, object]] = []
    by_key: dict[object, Candidate] = {}
    p_of: dict[object, float] = {}
    kinds: dict[int, str] = {}
    for sc in out:
        cand = doc.candidates[sc.index]
        e = of[sc.index]
        if cand.kind != "name" or e is None or sc.p_target < 0.5:
            continue
        if e not in kinds:
            kinds[e] = _entity_type(entities[e], doc.candidates)
            by_key[e] = doc.candidates[canonical_member(entities[e], doc.candidates)]
        targets.append((cand.start, cand.ctx.seg.index, kinds[e], e))
        p_of[e] = max(p_of.get(e, 0.0), sc.p_target)
    extra = anaphor_candidates(doc, targets, by_key)
    if extra:
        start = len(doc.candidates)
        doc.candidates.extend(extra)
        for sc in _score(doc, model, start, 0.0):
            sc.p_target = round(0.9 * p_of[doc.candidates[sc.index].referent], 4)
            out.append(sc)
    return out


_ENUMERATED = frozenset(("g:enumerated", "g:enumerated_next"))
ENUMERATED_CAP = 0.2


def _score(doc: DocAnalysis, model: Model, start: int, floor: float) -> list[ScoredCandidate]:
    out = []
    for i in range(start, len(doc.candidates)):
        cand = doc.candidates[i]
        if cand.alias:
            out.append(ScoredCandidate(i, 0.0, []))
            continue
        target_model = model.name if cand.kind == "name" else model.group
        p = target_model.probability(cand.features)
        if cand.kind == "group" and _ENUMERATED & set(cand.features):
            p = min(p, ENUMERATED_CAP)  # the guide's rule: a group the text names in full is not a target of its own
        options: list[ScoredOption] = []
        if p < floor:
            out.append(ScoredCandidate(i, p, options))
            continue
        for authority, feats in statement_of(doc, cand):
            af = authority_features(cand, feats)
            call = option_action(doc, cand, authority, feats)
            actions = {a: (0.9 if a == call.action else 0.1 / 3) for a in ACTION_CLASSES}
            options.append(ScoredOption(authority, model.authority.probability(af), actions, feats, call.rule))
        out.append(ScoredCandidate(i, p, options))
    return out


def rows_from_scores(doc: DocAnalysis, scored: list[ScoredCandidate], model: Model, threshold: float | None = None) -> list[Mention]:
    """One row per (target, authority) whose best score clears the threshold."""
    threshold = model.threshold if threshold is None else threshold
    cands = doc.candidates
    entities, of = doc.entities()
    # entity key -> authority -> (score, candidate index, option)
    best: dict[tuple, dict[str, tuple[float, int, ScoredOption]]] = {}
    group_keys: dict[int, tuple] = {}
    for sc in scored:
        cand = cands[sc.index]
        if cand.kind == "name":
            e = of[sc.index]
            if e is None:
                continue
            key: tuple = ("entity", e)
        else:
            key = ("group", cand.count, cand.group_kind) if cand.count is not None else ("group-vague", sc.index)
            group_keys[sc.index] = key
        for opt in sc.options:
            score = sc.p_target * opt.p_authority
            slot = best.setdefault(key, {})
            if opt.authority not in slot or score > slot[opt.authority][0]:
                slot[opt.authority] = (score, sc.index, opt)
    rows: list[Mention] = []
    field_re = load_lexicon().record_field_re
    for key, by_authority in best.items():
        passing = [(a, v) for a, v in by_authority.items() if v[0] >= threshold]
        if not passing:
            continue
        if key[0] == "entity":
            entity = entities[key[1]]
            canon = cands[canonical_member(entity, cands)]
            if field_re.fullmatch(canon.name or ""):
                continue  # a field of a list entry ("Tax ID No. 5038127220", "RUSSIA-EO14024"): never a target
            entity_type = _entity_type(entity, cands)
            members = [cands[i] for i in entity.members]
        else:
            canon, entity_type, members = None, "unnamed_group", []
        for authority, (score, index, opt) in passing:
            cand = cands[index]
            action = max(opt.actions, key=opt.actions.get)
            ctx = cand.ctx
            shown = canon if canon is not None and name_tokens(canon.name or "") != name_tokens(cand.name or "") else cand
            rows.append(
                Mention(
                    name=shown.name,
                    entity_type=entity_type,
                    count=cand.count if cand.kind == "group" else 1,
                    role=_first(c.role for c in [cand, *members]),
                    affiliation=_first(c.affiliation for c in [cand, *members]),
                    authority=authority,
                    action=action,
                    rosatom_linked=_rosatom(cand),
                    sentence=ctx.text,
                    sentence_start=ctx.seg.start,
                    start=shown.start,
                    end=shown.end,
                    confidence=round(model.calibrate(score), 3),
                    cue=_cue(model, cand, opt, action),
                )
            )
    rows.sort(key=lambda m: (m.start, m.authority, m.action))
    return rows


def _first(values) -> str | None:
    for v in values:
        if v:
            return v
    return None


def _entity_type(entity, cands: list[Candidate]) -> str:
    """The type most of its mentions have; aliases ("a.k.a. X", a nickname) vote only when the entity has
    nothing else, since a bare nickname reads as anything."""
    votes: dict[str, int] = {}
    for i in own_names(entity, cands):
        t = cands[i].entity_type
        votes[t] = votes.get(t, 0) + 1
    return max(votes, key=lambda t: (votes[t], t == "person"))


def _rosatom(cand: Candidate) -> bool:
    """Rosatom-linked: the name, the affiliation or the role says so, or the appositive right after
    the name does ("Oleg Sidorov, a director at Rosatom")."""
    lex = load_lexicon()
    if any(bool(v and lex.rosatom_re.search(v)) for v in (cand.name, cand.affiliation, cand.role)):
        return True
    after = cand.ctx.text[cand.end - cand.ctx.seg.start:cand.end - cand.ctx.seg.start + 200]
    if not after.startswith(","):
        return False
    appositive = re.split(r"[,;]|\.\s", after[1:], maxsplit=1)[0]  # up to the next comma
    return bool(lex.rosatom_re.search(appositive))


def _cue(model: Model, cand: Candidate, opt: ScoredOption, action: str) -> str:
    target_model = model.name if cand.kind == "name" else model.group
    parts = [
        "target:" + ",".join(target_model.explain(cand.features)),
        f"authority:{opt.authority}:" + ",".join(model.authority.explain(authority_features(cand, opt.features))),
        f"action:{action}:{opt.action_rule}",
    ]
    if cand.known:
        parts.append(f"known:{cand.known[0]}")
    return "|".join(parts)


def extract_mentions(text: str, known: KnownEntities | None = None, models: ModelSet | None = None) -> list[Mention]:
    """Sanctions mentions in `text`: one per target, authority and action, in document order.

    `known`: the listed names (known.py), when the official lists are at hand; the model of the
    matching mode decides.
    """
    model = (models or load_models()).pick(known is not None)
    doc = analyse_document(text, known=known)
    return rows_from_scores(doc, score_candidates(doc, model), model)
