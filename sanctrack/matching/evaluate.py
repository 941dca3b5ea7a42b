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
import zlib
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
    # Name words by spelling; a word's strings are its spelling and the keys of all its readings.
    vocab: dict[str, int] = {}
    strings: list[tuple[str, ...]] = []
    postings: list[list[int]] = []
    for row, toks in enumerate(index.tokens):
        for tok in toks:
            if tok.kind == NAME:
                v = vocab.setdefault(tok.text, len(vocab))
                if v == len(postings):
                    postings.append([])
                    strings.append((tok.text, *tok.keys))
                if not postings[v] or postings[v][-1] != row:
                    postings[v].append(row)
    rows_of = [np.asarray(p, dtype=np.int64) for p in postings]
    by_key: dict[str, set[int]] = {}
    for v, (_, *keys) in enumerate(strings):
        for key in keys:
            by_key.setdefault(key, set()).add(v)
    queries = [index.query_tokens(name) for name in names]
    words = {t.text: t for toks, _ in queries for t in toks if t.kind == NAME}
    agreeing: dict[str, set[int]] = {
        text: ({vocab[text]} if text in vocab else set()) | {v for k in tok.keys for v in by_key.get(k, ())}
        for text, tok in words.items()
    }
    # Typos: any string of a query word against any string of a listed word, of four letters or more
    # (a superset of what the scorer forgives: scoring decides).
    listed = sorted({(s, v) for v, group in enumerate(strings) for s in group if len(s) >= 4})
    choices = [s for s, _ in listed]
    ids = np.asarray([v for _, v in listed], dtype=np.int64)
    asked = sorted({(s, text) for text, tok in words.items() if len(tok.key) >= 4 for s in (text, *tok.keys)
                    if len(s) >= 4})
    for start in range(0, len(asked), chunk):
        part = asked[start:start + chunk]
        matrix = process.cdist([s for s, _ in part], choices, scorer=OSA.normalized_similarity,
                               score_cutoff=TYPO_FLOOR, workers=workers, dtype=np.float32)
        for i, j in zip(*np.nonzero(matrix)):
            agreeing[part[i][1]].add(int(ids[j]))
    out = []
    for toks, weights in queries:
        hits = set()
        for t in toks:
            if t.kind == NAME:
                hits |= agreeing[t.text]
        rows = np.unique(np.concatenate([rows_of[v] for v in hits])) if hits else np.empty(0, dtype=np.int64)
        # A name made only of weak words scores (1.0) only against the same words.
        weak = index.weak_names.get(weak_key(toks), []) if toks else []
        if weak:
            rows = np.union1d(rows, np.asarray(weak, dtype=np.int64))
        best_row, best_score, cache = -1, 0.0, {}
        for row in rows.tolist():
            score = compare(toks, index.tokens[row], weights, index.weights[row], cache=cache,
                            scale=index.default_weight).score
            if score > best_score:
                best_row, best_score = row, score
        out.append((best_row, best_score))
    return out


# Romanisation schemes for the transliteration set (Cyrillic -> Latin), written from the public standards:
# scholarly (the linguists' system, ISO/R 9:1968 family), German (Duden) and French (the usual press
# transliteration). The matcher never reads these tables: they only make queries. Ukrainian names (with
# і, ї, є or ґ) take the Ukrainian values of г (h) and и (y).
SCHEMES: dict[str, dict[str, str]] = {
    "scholarly": {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "ë", "ж": "ž", "з": "z", "и": "i", "й": "j",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "x", "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ъ": "ʺ", "ы": "y", "ь": "ʹ", "э": "è",
        "ю": "ju", "я": "ja", "і": "i", "ї": "ji", "є": "je", "ґ": "g", "ў": "ŭ",
    },
    "german": {
        "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch", "з": "s", "и": "i",
        "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y",
        "ь": "", "э": "e", "ю": "ju", "я": "ja", "і": "i", "ї": "ji", "є": "je", "ґ": "g", "ў": "w",
    },
    "french": {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "io", "ж": "j", "з": "z", "и": "i",
        "й": "ï", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "ou", "ф": "f", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch", "ъ": "", "ы": "y",
        "ь": "", "э": "e", "ю": "iou", "я": "ia", "і": "i", "ї": "ï", "є": "ie", "ґ": "g", "ў": "ou",
    },
}
_CYR_VOWELS = set("аеёиоуыэюяіїє")
_HUSHING = set("жчшщ")


def romanize(name: str, scheme: str) -> str:
    """A Cyrillic name in one of SCHEMES, with the scheme's context rules (see SCHEMES)."""
    table = dict(SCHEMES[scheme])
    lower = name.lower()
    if any(c in lower for c in "іїєґ"):
        table.update({"г": "h", "и": "y"})
        if scheme == "german":
            table["и"] = "y"
    words = []
    for word in re.findall(r"[\w'ʼ-]+", lower):
        out = []
        for i, c in enumerate(word):
            prev = word[i - 1] if i else ""
            nxt = word[i + 1] if i + 1 < len(word) else ""
            rest = word[i + 1:]
            latin = table.get(c, c)
            if scheme in ("german", "french"):
                if c == "с" and prev in _CYR_VOWELS and nxt in _CYR_VOWELS:
                    latin = "ss"
                elif c == "ё" and prev in _HUSHING:
                    latin = "o"
                elif c == "к" and nxt == "с":
                    latin = "x"
                elif c == "с" and prev == "к":
                    latin = ""
                elif c == "ь" and nxt in _CYR_VOWELS and scheme == "french":
                    latin = "i"  # Grigorievitch (German: Grigorjewitsch, the j comes with the vowel)
                elif c == "й" and prev == "и" and not rest:
                    latin = ""  # -ий: Juri, Dmitri / Iouri, Dmitri
            if scheme == "german" and c == "е" and (not prev or prev in _CYR_VOWELS or prev in "ьъ"):
                latin = "je"
            if scheme == "french":
                if c == "г" and nxt in "еиы" and table["г"] == "g":
                    latin = "gu"
                elif c == "й" and prev not in _CYR_VOWELS:
                    latin = "i"
                elif c == "н" and prev == "и" and not rest and len(word) > 4:
                    latin = "ne"  # Poutine, Lénine
            out.append(latin)
        words.append("".join(out))
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


def transliteration_queries(names: pd.DataFrame, *, entity_types: Sequence[str] = ("person",),
                            designations: pd.DataFrame | None = None, half: int | None = None) -> list[Query]:
    """The Cyrillic names of a list, romanised in each of SCHEMES: each must find its own designation.

    `half` 0 or 1 keeps the designations of that half only (by a hash of the list id), so that a
    matcher tuned on one half is reported on the other; None keeps both.
    """
    frame = names[names["name_non_latin"].fillna("").str.contains("[\u0400-\u04ff]")]
    if designations is not None:
        types = designations.set_index(["authority", "list_id"])["entity_type"]
        keep = [types.get((a, lid)) in entity_types for a, lid in zip(frame["authority"], frame["list_id"])]
        frame = frame[keep]
    frame = frame[["authority", "list_id", "name_non_latin"]].drop_duplicates().sort_values(
        ["authority", "list_id", "name_non_latin"], kind="stable")
    out = []
    for authority, list_id, cyrillic in frame.itertuples(index=False):
        if half is not None and zlib.crc32(str(list_id).encode()) % 2 != half:
            continue
        for scheme in SCHEMES:
            out.append(Query(romanize(cyrillic, scheme), authority, str(list_id), scheme))
    return out
