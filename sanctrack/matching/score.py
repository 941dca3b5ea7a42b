"""A calibrated name score that explains itself.

Two names are aligned token by token (each token used once, best pairs first). A pair agrees
exactly (same folded spelling, 1.0), as a transliteration (same key, or a key of one is a reading of
the other: 0.95), as a typo (edit similarity >= 0.75, a swap of two letters counting as one edit;
scaled by 0.9) or as an initial (0.5). Each token weighs its rarity in the index (inverse document
frequency), so a shared "Bank" or "LLC" weighs little and a shared rare surname a lot; an unmatched
patronymic weighs 0.4 of itself once two name words agree, because lists and articles drop them freely.

    coverage_q = matched weight of the query / weight of the query
    coverage_c = matched weight of the candidate / weight of the candidate
    raw        = sqrt(coverage_q * coverage_c)

The score is a logistic model of that evidence (FEATURES: raw, both coverages, the matched weight, the
number of agreeing name words, the weight left unmatched on either side, the weakest agreement, a
one-word query), its weights fitted by bench/calibrate_screen.py on labelled comparisons and kept in
seeds/reference/matching_calibration.csv: the share of candidates with such evidence that were the
right one, right and wrong candidates weighed equally. So a rare surname with a compatible given name
counts more than a shared common given name, and a surname alone stays below 0.80. x 0.9 when both
entity types are known and differ.

1.0 means every token of both names agrees exactly: an exact match of a full name. A pair that agrees on
no name word (only generic words, legal forms or initials) scores 0: generic words never make a match
on their own. The one exception is a name made only of such words that agrees exactly and wholly
("THE LORD"): 1.0.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from sanctrack.matching.normalize import GENERIC, INITIAL, LEGAL_FORM, NAME, REFERENCE_DIR, Token

EXACT, TRANSLITERATION, TYPO, INITIAL_MATCH = "exact", "transliteration", "typo", "initial"
SIMILARITY = {EXACT: 1.0, TRANSLITERATION: 0.95, INITIAL_MATCH: 0.5}
TYPO_FLOOR = 0.75  # edit similarity (OSA: a swap of two letters is one edit) of keys below which two words are different words
TYPO_SCALE = 0.9
PATRONYMIC_WEIGHT = 0.4  # share of its weight an unmatched patronymic counts against a match
PATRONYMIC_CAP = 6.0
TYPE_DISAGREE_FACTOR = 0.9
WEAK_WEIGHT = 0.5  # generic words and legal forms, whatever their frequency
INITIAL_WEIGHT = 1.0


def token_similarity(q: Token, c: Token) -> tuple[float, str | None]:
    """Similarity of two tokens in [0, 1] and how they agree (None when they don't)."""
    if q.text == c.text:
        return 1.0, EXACT
    if q.kind == INITIAL or c.kind == INITIAL:
        if q.kind != c.kind and NAME in (q.kind, c.kind) and q.text[0] == c.text[0]:
            return SIMILARITY[INITIAL_MATCH], INITIAL_MATCH
        return 0.0, None
    if q.kind != c.kind and NAME not in (q.kind, c.kind):
        return 0.0, None  # a generic word is not a legal form
    if q.key == c.key or ((q.readings or c.readings) and not {q.key, *q.readings}.isdisjoint((c.key, *c.readings))):
        return SIMILARITY[TRANSLITERATION], TRANSLITERATION
    # A typo: on the keys (of any reading), or on the spelling where the keys' rewrites drift apart.
    # A misspelt generic word ("organiwation") reads as a name word and may still meet its generic original.
    if min(len(q.key), len(c.key)) >= 4 and LEGAL_FORM not in (q.kind, c.kind):
        similarity = OSA.normalized_similarity
        spellings = (c.text, c.key, *c.readings)
        r = max([similarity(a, b, score_cutoff=TYPO_FLOOR) for a in (q.text, q.key, *q.readings) for b in spellings])
        if r:
            return TYPO_SCALE * r, TYPO
    return 0.0, None


def token_weight(token: Token, idf: dict[str, float], default: float) -> float:
    """A token's weight: its rarity among the indexed names; weak words and initials weigh little."""
    if token.kind in (GENERIC, LEGAL_FORM):
        return WEAK_WEIGHT
    if token.kind == INITIAL:
        return INITIAL_WEIGHT
    return next((idf[k] for k in token.keys if k in idf), default)


@dataclass
class Comparison:
    """The result of comparing a query name with one candidate name."""

    score: float
    pairs: list[tuple[int, int, float, str]] = field(default_factory=list)  # (query i, candidate j, sim, how)
    coverage_query: float = 0.0
    coverage_candidate: float = 0.0
    type_agreement: str = "unknown"  # agree, disagree, unknown
    features: tuple[float, ...] = ()  # what the calibrated score weighs (FEATURES)


def compare(query: Sequence[Token], cand: Sequence[Token], wq: Sequence[float], wc: Sequence[float],
            query_type: str | None = None, cand_type: str | None = None,
            cache: dict | None = None, scale: float = 10.0) -> Comparison:
    """Align two token sequences and score them (see the module docstring).

    `scale`: the weight of a word no indexed name has (the index's largest), so that the weights the
    calibrated score reads are shares of it whatever the size of the index.
    """
    scored = []
    if cache is None:
        for i, q in enumerate(query):
            for j, c in enumerate(cand):
                sim, how = token_similarity(q, c)
                if how is not None:
                    scored.append((sim, -i, -j, how))
    else:  # the hot path of a batch: most token pairs are cached and agree on nothing
        get = cache.get
        cand_texts = [(j, c, c.text) for j, c in enumerate(cand)]
        for i, q in enumerate(query):
            text = q.text
            for j, c, other in cand_texts:
                k = (text, other)
                hit = get(k)
                if hit is None:
                    hit = cache[k] = token_similarity(q, c)
                if hit[1] is not None:
                    scored.append((hit[0], -i, -j, hit[1]))
    scored.sort(reverse=True)
    used_q, used_c, pairs = set(), set(), []
    for sim, ni, nj, how in scored:
        i, j = -ni, -nj
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append((i, j, sim, how))
    types = "unknown" if not query_type or not cand_type else ("agree" if query_type == cand_type else "disagree")
    name_sims = [sim for i, j, sim, how in pairs if query[i].kind == NAME and cand[j].kind == NAME and how != INITIAL_MATCH]
    name_pairs = len(name_sims)
    if not name_pairs:
        # Only weak words agree: evidence of nothing, unless the whole name is the same (an exact
        # match of a name made of weak words, such as "THE LORD" or "B&H").
        exact = (len(pairs) == len(query) == len(cand) and all(how == EXACT for *_, how in pairs))
        return Comparison(1.0 if exact else 0.0, pairs, float(exact), float(exact), types)
    # A dropped patronymic is forgiven only once two name words agree: "Mustafa X-ovich" is not
    # the listed alias "MUSTAFA".
    forgive = PATRONYMIC_WEIGHT if name_pairs >= 2 else 1.0
    # (Sums over lists: the same additions in the same order as over generators, and faster.)
    matched_q = sum([wq[i] * sim for i, _, sim, _ in pairs])
    matched_c = sum([wc[j] * sim for _, j, sim, _ in pairs])
    total_q = sum([_unmatched(w, forgive) if i not in used_q and query[i].is_patronymic else w
                   for i, w in enumerate(wq)])
    total_c = sum([_unmatched(w, forgive) if j not in used_c and cand[j].is_patronymic else w
                   for j, w in enumerate(wc)])
    cov_q = min(matched_q / total_q, 1.0) if total_q else 0.0
    cov_c = min(matched_c / total_c, 1.0) if total_c else 0.0
    exact = len(pairs) == len(query) == len(cand) and all(how == EXACT for *_, how in pairs)
    features = (
        math.sqrt(cov_q * cov_c),
        cov_q,
        cov_c,
        sum([wq[i] * sim for i, j, sim, how in pairs if query[i].kind == NAME]) / scale,
        float(name_pairs),
        max(total_q - matched_q, 0.0) / scale,
        max(total_c - matched_c, 0.0) / scale,
        min(name_sims),
        float([t.kind for t in query].count(NAME) == 1),
    )
    score = 1.0 if exact else calibrated(features)
    if types == "disagree":
        score *= TYPE_DISAGREE_FACTOR
    return Comparison(score, pairs, cov_q, cov_c, types, features)


# The features of a comparison that the calibrated score weighs (seeds/reference/matching_calibration.csv).
FEATURES = ("raw", "coverage_query", "coverage_candidate", "matched_weight", "matched_words", "unmatched_query",
            "unmatched_candidate", "weakest_agreement", "single_word_query")


@lru_cache(maxsize=1)
def calibration() -> tuple[float, tuple[float, ...]]:
    """The intercept and the weight of each feature (logit of the raw score first), fitted by
    bench/calibrate_screen.py on labelled comparisons and kept as reference data."""
    with (REFERENCE_DIR / "matching_calibration.csv").open(newline="", encoding="utf-8") as fh:
        weights = {row["feature"]: float(row["weight"]) for row in csv.DictReader(fh)}
    missing = [f for f in ("intercept", "logit_raw", *FEATURES[1:]) if f not in weights]
    if missing:
        raise ValueError(f"matching_calibration.csv: no weight for {', '.join(missing)}")
    return weights["intercept"], tuple(weights[f] for f in ("logit_raw", *FEATURES[1:]))


def model_inputs(features: Sequence[float]) -> tuple[float, ...]:
    """The features as the logistic model reads them: the raw score as a logit."""
    raw = min(max(features[0], 0.01), 0.99)
    return (math.log(raw / (1 - raw)), *features[1:])


def calibrated(features: Sequence[float]) -> float:
    """How likely this candidate is the name sought, as a logistic model of the comparison's features."""
    intercept, weights = calibration()
    z = intercept + sum([w * x for w, x in zip(weights, model_inputs(features))])
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


def _unmatched(weight: float, forgive: float) -> float:
    """What a missing patronymic costs: a share of its weight, capped so that a rare spelling of a
    common patronymic (Michailovich) costs no more than the usual one."""
    return forgive * min(weight, PATRONYMIC_CAP) if forgive < 1 else weight


def explain(query: Sequence[Token], cand: Sequence[Token], comparison: Comparison) -> dict:
    """The evidence of a comparison: tokens that agreed (and how), tokens missing on either side."""
    matched_q = {i for i, _, _, _ in comparison.pairs}
    matched_c = {j for _, j, _, _ in comparison.pairs}
    return {
        "tokens_matched": [
            {"query": query[i].text, "candidate": cand[j].text, "how": how, "similarity": round(sim, 4)}
            for i, j, sim, how in sorted(comparison.pairs)
        ],
        "tokens_missing_from_candidate": [t.text for i, t in enumerate(query) if i not in matched_q],
        "tokens_missing_from_query": [t.text for j, t in enumerate(cand) if j not in matched_c],
        "coverage_query": round(comparison.coverage_query, 4),
        "coverage_candidate": round(comparison.coverage_candidate, 4),
        "entity_type": comparison.type_agreement,
    }
