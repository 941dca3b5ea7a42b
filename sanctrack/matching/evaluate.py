"""Evaluation sets built from the lists themselves: name variations, perturbed names, negatives.

- Variations: every name of every UK designation that has more than one distinct name; screening
  each must return its own Group ID first.
- Positives: real names and aliases perturbed the ways names vary in the news (transliteration,
  word order, dropped patronymic or middle name, a typo, an honorific, case).
- Negatives: names on no list, made by pairing a given name of one listed person with the surname
  of another listed person (or two distinctive words of two different listed organisations with
  a legal form), keeping only pairs whose words appear together in no listed name. They look like
  listed names and share a real token with some, so they are hard negatives: the false-positive
  rate on them is an upper bound for everyday names.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from sanctrack.matching.index import NameIndex, weak_key
from sanctrack.matching.normalize import NAME, tokenize
from sanctrack.matching.score import TYPO_FLOOR, compare


@dataclass(frozen=True)
class Query:
    name: str
    authority: str | None  # expected designation (None for a negative)
    list_id: str | None
    how: str  # variation, transliteration, word_order, drop_patronymic, drop_middle, typo, honorific, case, negative


def variation_queries(names: pd.DataFrame, authority: str = "UK") -> list[Query]:
    """Each distinct Latin name of every designation of `authority` that has more than one."""
    frame = names[names["authority"] == authority][["list_id", "full_name"]].dropna().drop_duplicates()
    counts = frame.groupby("list_id")["full_name"].transform("size")
    frame = frame[counts > 1].sort_values(["list_id", "full_name"], kind="stable")
    return [Query(n, authority, lid, "variation") for lid, n in zip(frame["list_id"], frame["full_name"])]


# Romanisation variants, both ways, to rewrite one occurrence of (seen in real list spellings).
_TRANSLIT = [("y", "i"), ("i", "y"), ("kh", "h"), ("ie", "ye"), ("ye", "ie"), ("yo", "e"), ("e", "yo"),
             ("yu", "iu"), ("iu", "yu"), ("ya", "ia"), ("ia", "ya"), ("ii", "iy"), ("iy", "ii"), ("ks", "x"),
             ("x", "ks"), ("v", "w"), ("ai", "ay"), ("ay", "ai")]
_HONORIFICS = ["Mr", "Mrs", "Dr", "Sheikh", "General", "Colonel"]


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", name) if w]


def perturb(name: str, entity_type: str, rng: random.Random) -> tuple[str, str]:
    """One realistic variation of a listed name and what was done to it."""
    words = _words(name)
    options = ["transliteration", "typo", "case"]
    if len(words) >= 2:
        options += ["word_order", "word_order"]
    if len(words) >= 3:
        options += ["drop_middle"]
        if any(re.search(r"(vich|vna)$", w, re.I) for w in words):
            options += ["drop_patronymic", "drop_patronymic"]
    if entity_type == "person":
        options += ["honorific"]
    how = rng.choice(options)
    if how == "transliteration":
        lower = name.lower()
        hits = [(a, b) for a, b in _TRANSLIT if a in lower]
        if hits:
            a, b = rng.choice(hits)
            at = [m.start() for m in re.finditer(re.escape(a), lower)]
            i = rng.choice(at)
            return name[:i] + b + name[i + len(a):], how
        how = "typo"
    if how == "word_order":
        rotated = words[1:] + words[:1] if rng.random() < 0.5 else list(reversed(words))
        return " ".join(rotated), how
    if how == "drop_patronymic":
        return " ".join(w for w in words if not re.search(r"(vich|vna)$", w, re.I)), how
    if how == "drop_middle":
        return " ".join(words[:1] + words[2:]) if len(words) > 3 else " ".join([words[0], words[-1]]), how
    if how == "honorific":
        return f"{rng.choice(_HONORIFICS)} {name}", how
    if how == "case":
        return name.title() if name.isupper() else name.upper(), how
    # typo: one substitution, deletion, insertion or swap inside the longest word
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) < 4:
        return name.lower(), "case"
    i = rng.randrange(1, len(word) - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.choice(["sub", "del", "ins", "swap"])
    if kind == "sub":
        word = word[:i] + letter + word[i + 1:]
    elif kind == "del":
        word = word[:i] + word[i + 1:]
    elif kind == "ins":
        word = word[:i] + letter + word[i:]
    else:
        word = word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
    words[longest] = word
    return " ".join(words), "typo"


def positive_queries(index: NameIndex, n: int, seed: int = 7) -> list[Query]:
    """`n` perturbed names sampled from the index's Latin names."""
    rng = random.Random(seed)
    rows = index.rows
    latin = [i for i, name in enumerate(rows["matched_name"]) if str(name).isascii()]
    out = []
    for i in rng.sample(latin, min(n, len(latin))):
        rec = index.record[i]
        name, how = perturb(str(rec["matched_name"]), str(rec["entity_type"]), rng)
        out.append(Query(name, rec["authority"], str(rec["list_id"]), how))
    return out


def negative_queries(index: NameIndex, n: int, seed: int = 11) -> list[Query]:
    """`n` names on no list (see the module docstring for how they are made)."""
    rng = random.Random(seed)
    together: set[frozenset[str]] = set()
    firsts, lasts, org_words = [], [], []
    for rec, toks in zip(index.record, index.tokens):
        keys = [t.key for t in toks if t.kind == NAME]
        for a in keys:
            for b in keys:
                if a < b:
                    together.add(frozenset((a, b)))
        name = str(rec["matched_name"])
        if not name.isascii():
            continue
        words = [t.text for t in toks if t.kind == NAME and len(t.text) > 2]
        if rec["entity_type"] == "person" and len(words) >= 2:
            firsts.append(words[0].title())
            lasts.append(words[-1].title())
        elif rec["entity_type"] == "organisation" and words:
            org_words.append(max(words, key=len).title())
    out: list[Query] = []
    seen: set[str] = set()
    while len(out) < n:
        if rng.random() < 0.75:
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        else:
            name = f"{rng.choice(org_words)} {rng.choice(org_words)} {rng.choice(['LLC', 'JSC', 'Ltd', 'Trading'])}"
        keys = [t.key for t in tokenize(name) if t.kind == NAME]
        if len(set(keys)) < 2 or name in seen:
            continue
        if any(frozenset((a, b)) in together for a in keys for b in keys if a < b):
            continue
        seen.add(name)
        out.append(Query(name, None, None, "negative"))
    return out


def top1(index: NameIndex, queries: Sequence[Query], authorities: list[str] | None = None) -> dict:
    """Top-1 accuracy: the expected designation is the first candidate (ties with an identical name of
    another designation are counted apart, as `tied`)."""
    mask = index.mask(authorities)
    right, tied, misses = 0, 0, []
    for q in queries:
        found = index.screen(q.name, authorities=authorities, limit=3, mask=mask)
        if found and (found[0].authority, found[0].list_id) == (q.authority, q.list_id):
            right += 1
        elif (len(found) > 1 and found[0].score == found[1].score
              and any((c.authority, c.list_id) == (q.authority, q.list_id) for c in found if c.score == found[0].score)):
            tied += 1
        else:
            misses.append((q, found[:1]))
    return {"queries": len(queries), "top1": right / max(len(queries), 1),
            "top1_with_ties": (right + tied) / max(len(queries), 1), "tied": tied, "misses": misses}


def false_positive_rate(index: NameIndex, queries: Sequence[Query], threshold: float) -> dict:
    """Share of negative names whose best candidate scores at or above the threshold."""
    scores = [index.best_rows(q.name)[1] for q in queries]
    hits = [(q.name, s) for q, s in zip(queries, scores) if s >= threshold]
    return {"queries": len(queries), "threshold": threshold, "false_positives": len(hits),
            "rate": len(hits) / max(len(queries), 1), "examples": hits[:10], "scores": scores}


def brute_force(index: NameIndex, names: Sequence[str], workers: int = 2, chunk: int = 2000) -> list[tuple[int, float]]:
    """The best row and score of each name over *every* indexed name, with the index's own scorer.

    The exhaustive reference for the index's blocking. A name scores above zero only when one of its
    name words agrees with one of the candidate's (same spelling, same phonetic key, or an edit
    similarity of at least TYPO_FLOOR); any other name scores 0 by the scorer's definition. So the
    words of all the names are compared first, all against all, with rapidfuzz `process.cdist` (OSA,
    the scorer's edit similarity), and every name holding an agreeing word is scored: the result is
    the same as scoring every row (tests/test_matching.py checks that), at a fraction of the cost.
    Ties go to the lowest row.
    """
    vocab: dict[tuple[str, str], int] = {}
    postings: list[list[int]] = []
    for row, toks in enumerate(index.tokens):
        for tok in toks:
            if tok.kind == NAME:
                v = vocab.setdefault((tok.text, tok.key), len(vocab))
                if v == len(postings):
                    postings.append([])
                if not postings[v] or postings[v][-1] != row:
                    postings[v].append(row)
    rows_of = [np.asarray(p, dtype=np.int64) for p in postings]
    by_text: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for (text, key), v in vocab.items():
        by_text.setdefault(text, []).append(v)
        by_key.setdefault(key, []).append(v)
    queries = [index.query_tokens(name) for name in names]
    words = sorted({(t.text, t.key) for toks, _ in queries for t in toks if t.kind == NAME})
    agreeing: dict[tuple[str, str], set[int]] = {
        w: set(by_text.get(w[0], ())) | set(by_key.get(w[1], ())) for w in words
    }
    # Typos: both keys of four letters or more, on the keys or on the spellings (as the scorer).
    long_vocab = [(v, text, key) for (text, key), v in vocab.items() if len(key) >= 4]
    long_words = [w for w in words if len(w[1]) >= 4]
    ids = np.asarray([v for v, _, _ in long_vocab], dtype=np.int64)
    for field in (0, 1):
        choices = [item[field + 1] for item in long_vocab]
        for start in range(0, len(long_words), chunk):
            part = long_words[start:start + chunk]
            matrix = process.cdist([w[field] for w in part], choices, scorer=OSA.normalized_similarity,
                                   score_cutoff=TYPO_FLOOR, workers=workers, dtype=np.float32)
            for i, j in zip(*np.nonzero(matrix)):
                agreeing[part[i]].add(int(ids[j]))
    out = []
    for toks, weights in queries:
        hits = set()
        for t in toks:
            if t.kind == NAME:
                hits |= agreeing[(t.text, t.key)]
        rows = np.unique(np.concatenate([rows_of[v] for v in hits])) if hits else np.empty(0, dtype=np.int64)
        # A name made only of weak words scores (1.0) only against the same words.
        weak = index.weak_names.get(weak_key(toks), []) if toks else []
        if weak:
            rows = np.union1d(rows, np.asarray(weak, dtype=np.int64))
        best_row, best_score, cache = -1, 0.0, {}
        for row in rows.tolist():
            score = compare(toks, index.tokens[row], weights, index.weights[row], cache=cache).score
            if score > best_score:
                best_row, best_score = row, score
        out.append((best_row, best_score))
    return out
