"""An index over list names for screening: block on rare tokens, then score the few candidates.

Every name and alias of every designation (and its non-Latin spelling, transliterated) is tokenised
once. Blocking keys are each name word's phonetic key plus its first and last three letters (words
of four letters or more, at 0.3 of the word's weight), so a word with one typo still meets its
target; an affix shared by more than MAX_POSTINGS names is skipped. A query word no listed name has
(often a misspelling) also meets the listed words within the scorer's typo similarity, found with
rapidfuzz over the listed words of a similar length. A query adds up the rarity
weights of the keys it shares with each name, keeps the SHORTLIST best,
and scores the contenders among them with `score.compare`. Results are grouped per designation:
its best-scoring name wins.
"""

from __future__ import annotations

import bisect
import heapq
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from sanctrack.matching.normalize import NAME, Token, is_latin, latin_form, tokenize
from sanctrack.matching.score import TYPO_FLOOR, TYPO_SCALE, compare, explain, token_weight

if TYPE_CHECKING:
    import pandas as pd

Mask = bytearray  # one byte per row: allowed or not

SHORTLIST = 25
MIN_SCORED = 8
CONTENDER_SHARE = 0.5  # rows whose blocking weight is below this share of the best are not scored
MAX_POSTINGS = 5000
AFFIX_SHARE = 0.3  # weight of a prefix/suffix blocking key relative to the whole key
DESIGNATION_FIELDS = ["authority", "list_name", "list_id", "list_ref", "entity_type", "primary_name", "listed_on"]
OPTIONAL_FIELDS = ["designation_version_id", "valid_from", "valid_to", "is_current"]


@dataclass(frozen=True)
class Candidate:
    """One designation proposed for a query name, with the name that matched and why."""

    authority: str
    list_name: str
    list_id: str
    list_ref: str | None
    name: str  # the designation's primary name
    matched_name: str
    score: float
    evidence: dict
    entity_type: str
    designation_version_id: str | None = None

    @property
    def matched_name_latin(self) -> str:
        """The matched name in Latin letters: as listed, or romanised when listed in another script."""
        return self.matched_name if self.matched_name.isascii() else latin_form(self.matched_name)

    def as_record(self) -> dict:
        """The JSON shape of `sanctrack screen`."""
        return {
            "authority": self.authority, "list_id": self.list_id, "list_ref": self.list_ref, "name": self.name,
            "matched_name": self.matched_name, "matched_name_latin": self.matched_name_latin, "score": self.score,
            "evidence": self.evidence,
        }


def name_rows(designations: pd.DataFrame, names: pd.DataFrame, key: Sequence[str]) -> pd.DataFrame:
    """One row per distinct name string of a designation (names, aliases, non-Latin spellings)."""
    import pandas as pd

    fields = [c for c in DESIGNATION_FIELDS + OPTIONAL_FIELDS if c in designations.columns]
    base = names[list(key) + ["full_name", "alias_type", "name_non_latin"]]
    latin = base.rename(columns={"full_name": "matched_name"}).drop(columns="name_non_latin")
    other = base[base["name_non_latin"].notna()].drop(columns="full_name")
    other = other.rename(columns={"name_non_latin": "matched_name"}).assign(alias_type="non_latin")
    primary = designations[fields].assign(matched_name=designations["primary_name"], alias_type="primary")
    rows = pd.concat([primary[list(key) + ["matched_name", "alias_type"]], latin, other], ignore_index=True)
    rows = rows[rows["matched_name"].notna()]
    rows = rows.drop_duplicates(subset=list(key) + ["matched_name"], keep="first")
    merged = rows.merge(designations[fields], on=list(key), how="inner", validate="many_to_one")
    # In list order, not by `key`: a designation_version_id hashes the run that loaded it, and the order of
    # the rows breaks the shortlist's ties, so the same files loaded twice must give the same order.
    order = ["authority", "list_name", "list_id", *[k for k in key if k not in ("authority", "list_id")], "matched_name"]
    return merged.sort_values(order, kind="stable").reset_index(drop=True)


class NameIndex:
    """Screen names against the names and aliases of a set of designations."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows.reset_index(drop=True)
        types = self.rows["entity_type"].astype("str").tolist()
        # Equal tokens and weights are one object each: the saved index stores each once.
        shared: dict = {}
        self.tokens: list[tuple[Token, ...]] = [
            shared.setdefault(toks, toks) for toks in (
                tuple(shared.setdefault(t, t) for t in tokenize(name, etype))
                for name, etype in zip(self.rows["matched_name"].astype("str"), types))
        ]
        df: dict[str, int] = defaultdict(int)
        for toks in self.tokens:
            for key in {t.key for t in toks if t.kind == NAME}:
                df[key] += 1
        n = max(len(self.tokens), 1)
        self.idf = {key: math.log((n + 1) / (count + 0.5)) for key, count in df.items()}
        self.default_weight = math.log(n + 1) + 1  # a word no listed name has
        weights_of: dict[tuple[Token, ...], tuple[float, ...]] = {}
        for toks in self.tokens:
            if toks not in weights_of:
                weights_of[toks] = tuple(token_weight(t, self.idf, self.default_weight) for t in toks)
        self.weights = [weights_of[toks] for toks in self.tokens]
        self.norms = [math.sqrt(sum(w) or 1.0) for w in self.weights]
        postings: dict[str, list[int]] = defaultdict(list)
        for row, toks in enumerate(self.tokens):
            for key in {k for t in toks if t.kind == NAME for k in blocking_keys(t)}:
                postings[key].append(row)
        self.postings = Postings(postings)
        # Name-word keys sorted by length, to find the listed words a typo away from a word no list has.
        self.long_keys = sorted((k for k in self.idf if len(k) >= 4), key=lambda k: (len(k), k))
        self.key_lengths = [len(k) for k in self.long_keys]
        self._neighbours: dict[str, list[tuple[str, float]]] = {}
        self._numpy = None  # set by `prepare` (a batch)
        self._norms = self._posted = None
        # Whole names by their sorted words: an exact full-name match is a lookup (score 1.0).
        self.exact_names: dict[tuple[str, ...], int] = {}
        for row, toks in enumerate(self.tokens):
            self.exact_names.setdefault(weak_key(toks), row)
        # Names with no name word (only generic words, legal forms, initials) are found whole or not at all.
        self.weak_names: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for row, toks in enumerate(self.tokens):
            if toks and all(t.kind != NAME for t in toks):
                self.weak_names[weak_key(toks)].append(row)
        self.authority: list[str] = self.rows["authority"].astype("str").tolist()
        self.entity_type: list[str] = types
        self.record = Records(self.rows)

    def __getstate__(self) -> dict:
        """What a saved index keeps: no DataFrame (loading it needs no pandas) and no per-query cache."""
        state = dict(self.__dict__)
        state["rows"] = None
        state["_neighbours"] = {}
        state["_numpy"] = state["_norms"] = state["_posted"] = None
        return state

    @classmethod
    def from_parsed(cls, *parsed_lists) -> NameIndex:
        """Index ParsedList frames directly (tests, benchmarks; no warehouse needed)."""
        import pandas as pd

        designations = pd.concat([p.designations for p in parsed_lists], ignore_index=True)
        names = pd.concat([p.names for p in parsed_lists], ignore_index=True)
        return cls(name_rows(designations, names, ["authority", "list_id"]))

    @classmethod
    def from_warehouse(cls, con, *, current_only: bool = True) -> NameIndex:
        """Index the warehouse's designations (current versions by default) and their names."""
        where = "where d.is_current" if current_only else ""
        designations = con.sql(
            f"""
            select d.designation_version_id, d.authority, d.list_name, d.list_id, d.list_ref, d.entity_type,
                d.primary_name, d.listed_on, d.valid_from, d.valid_to, d.is_current,
            from designations as d
            {where}
            """
        ).df()
        names = con.sql(
            """
            select n.designation_version_id, n.full_name, n.alias_type, n.name_non_latin,
            from designation_names as n
            """
        ).df()
        names = names[names["designation_version_id"].isin(designations["designation_version_id"])]
        return cls(name_rows(designations, names, ["designation_version_id"]))

    def __len__(self) -> int:
        return len(self.tokens)

    def query_tokens(self, name: str, entity_type: str | None = None) -> tuple[tuple[Token, ...], tuple[float, ...]]:
        toks = tokenize(name, entity_type)
        return toks, tuple(token_weight(t, self.idf, self.default_weight) for t in toks)

    def shortlist(self, toks: Sequence[Token], weights: Sequence[float], mask: Mask | None,
                  size: int = SHORTLIST) -> list[int]:
        """Rows sharing the most rarity weight with the query, best first (blocking).

        Plain Python over the postings of the query's keys (a few thousand rows): one screen then needs
        no numpy, whose import would cost more than the whole query.
        """
        acc: dict[int, float] | list = {} if self._numpy is None else []
        get = acc.get if self._numpy is None else None
        blocked = False
        spans, posted = self.postings.spans, self.postings.rows
        for tok, w in zip(toks, weights):
            if tok.kind != NAME:
                continue
            keys = blocking_keys(tok)
            if not any(k in self.idf for k in tok.keys):
                for near, similarity in self.neighbours(tok.key):
                    keys[near] = max(keys.get(near, 0.0), similarity)
            for key, share in keys.items():
                span = spans.get(key)
                if span is None or (span[1] - span[0] > MAX_POSTINGS and share < 1):
                    continue
                blocked = True
                add = w * share
                if get is None:
                    acc.append((span, add))
                    continue
                for row in posted[span[0]:span[1]]:
                    acc[row] = get(row, 0.0) + add
        if not blocked:
            return [row for row in self.weak_names.get(weak_key(toks), []) if mask is None or mask[row]]
        if self._numpy is not None:  # a batch: the same arithmetic, vectorised
            return self._numpy_shortlist(acc, mask, size)
        norms = self.norms
        coarse = [(weight / norms[row], row) for row, weight in acc.items() if mask is None or mask[row]]
        if not coarse:
            return []
        top = heapq.nsmallest(size, coarse, key=lambda item: (-item[0], item[1]))
        # Rows sharing far less weight than the best one cannot win: score only the contenders.
        floor = top[0][0] * CONTENDER_SHARE
        contenders = sum(1 for weight, _ in top if weight >= floor)
        return [row for _, row in top[:max(MIN_SCORED, contenders)]]

    def _numpy_shortlist(self, postings: list, mask: Mask | None, size: int) -> list[int]:
        """`shortlist`'s ranking with numpy, for batches (numpy is loaded by then): the same sums in the
        same order, the same ties (lowest row first), so a batch gives what one-by-one gives."""
        np = self._numpy
        if self._posted is None:
            self._posted = np.frombuffer(self.postings.rows, dtype=np.int32)
        posted = self._posted
        rows = np.concatenate([posted[start:end] for (start, end), _ in postings])
        weights = np.repeat([add for _, add in postings], [end - start for (start, end), _ in postings])
        if mask is not None:  # rows left out before summing: each row's sum is the same
            keep = np.frombuffer(mask, dtype=np.bool_)[rows]
            rows, weights = rows[keep], weights[keep]
        if not len(rows):
            return []
        hit, inverse = np.unique(rows, return_inverse=True)
        acc = np.bincount(inverse, weights=weights)  # each row's weights added in the order given
        if self._norms is None:
            self._norms = np.asarray(self.norms)
        coarse = acc / self._norms[hit]
        order = np.lexsort((hit, -coarse))[:size]
        hit, coarse = hit[order], coarse[order]
        contenders = int(np.count_nonzero(coarse >= coarse[0] * CONTENDER_SHARE))
        return hit[:max(MIN_SCORED, contenders)].tolist()

    def neighbours(self, key: str) -> list[tuple[str, float]]:
        """Listed name-word keys a typo away from `key` (a word no listed name has), with the typo
        similarity the scorer gives them: the blocking of a misspelt word meets what scoring forgives."""
        found = self._neighbours.get(key)
        if found is None:
            found = self._neighbours[key] = []
            if len(key) >= 4:
                low = bisect.bisect_left(self.key_lengths, len(key) * TYPO_FLOOR)
                high = bisect.bisect_left(self.key_lengths, len(key) / TYPO_FLOOR + 1e-9)
                for near, similarity, _ in process.extract(key, self.long_keys[low:high], scorer=OSA.normalized_similarity,
                                                           score_cutoff=TYPO_FLOOR, limit=None):
                    found.append((near, TYPO_SCALE * similarity))
        return found

    def prepare(self, names: Iterable[str]) -> None:
        """Look up, in one batch, the typo neighbours of the unlisted words of many names (screening a
        file, linking mentions): rapidfuzz `cdist` over the batch is several times faster than one
        lookup per word."""
        words = sorted({t.key for name in names for t in tokenize(name)
                        if t.kind == NAME and len(t.key) >= 4 and t.key not in self._neighbours
                        and not any(k in self.idf for k in t.keys)})
        import numpy as np

        self._numpy = np  # a batch: shortlists are ranked with numpy from now on
        if not words:
            return

        for start in range(0, len(words), 256):
            part = words[start:start + 256]
            matrix = process.cdist(part, self.long_keys, scorer=OSA.normalized_similarity, score_cutoff=TYPO_FLOOR,
                                   dtype=np.float64, workers=1)
            for i, key in enumerate(part):
                cols = np.flatnonzero(matrix[i])
                self._neighbours[key] = [(self.long_keys[j], TYPO_SCALE * float(matrix[i, j])) for j in cols]

    def mask(self, authorities: Iterable[str] | None = None, entity_type: str | None = None) -> Mask | None:
        """Rows allowed by an authority list and an entity type (None: all rows)."""
        if not authorities and not entity_type:
            return None
        wanted = {a.upper() for a in authorities} if authorities else None
        return bytearray((wanted is None or a in wanted) and (not entity_type or t == entity_type)
                         for a, t in zip(self.authority, self.entity_type))

    def screen(self, name: str, *, entity_type: str | None = None, authorities: Iterable[str] | None = None,
               limit: int = 10, threshold: float = 0.0, type_filter: bool = True,
               mask: Mask | None = None) -> list[Candidate]:
        """Ranked candidates for one name, one per designation, best first.

        With `type_filter` the entity type restricts the candidates; without it, it only weighs
        in the score (a disagreeing type costs 10%) and shows in the evidence (used for linking).
        """
        toks, weights = self.query_tokens(name, entity_type)
        if mask is None:
            mask = self.mask(authorities, entity_type if type_filter else None)
        best: dict[tuple, tuple] = {}
        cache: dict = {}
        latin_query = is_latin(name)
        for row in self.shortlist(toks, weights, mask):
            row = int(row)
            result = compare(toks, self.tokens[row], weights, self.weights[row], entity_type,
                             self.entity_type[row], cache, scale=self.default_weight)
            if result.score <= 0 or result.score < threshold:
                continue
            rec = self.record[row]
            key = (rec["authority"], rec["list_name"], rec["list_id"])
            # Equal scores: a name in the query's script, then the primary name, then list order.
            rank = (result.score, (rec["alias_type"] != "non_latin") == latin_query, rec["alias_type"] == "primary",
                    -row)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, row, result)
        ordered = sorted(best.values(), key=lambda item: (-item[0][0], self.record[item[1]]["authority"],
                                                          self.record[item[1]]["list_id"]))
        return [self.candidate(toks, row, result, authorities) for _, row, result in ordered[:limit]]

    def best_rows(self, name: str, *, mask: Mask | None = None) -> tuple[int, float]:
        """The best row and its score for one name (benchmarks: no evidence, no grouping)."""
        toks, weights = self.query_tokens(name)
        exact = self.exact_names.get(weak_key(toks)) if mask is None else None
        if exact is not None and toks:
            return exact, 1.0
        best_row, best_score = -1, 0.0
        cache: dict = {}
        for row in self.shortlist(toks, weights, mask):
            result = compare(toks, self.tokens[row], weights, self.weights[row], cache=cache,
                             scale=self.default_weight)
            if result.score > best_score:
                best_row, best_score = int(row), result.score
        return best_row, best_score

    def score_row(self, name: str, row: int) -> float:
        """The score of one name against one indexed row (evaluation)."""
        toks, weights = self.query_tokens(name)
        return compare(toks, self.tokens[row], weights, self.weights[row], scale=self.default_weight).score

    def candidate(self, toks: Sequence[Token], row: int, result, authorities: Iterable[str] | None) -> Candidate:
        rec = self.record[row]
        evidence = explain(toks, self.tokens[row], result)
        evidence["alias_type"] = rec["alias_type"]
        evidence["authority"] = rec["authority"]
        if authorities:
            evidence["authority_filter"] = sorted(a.upper() for a in authorities)
        evidence["listed_on"] = rec["listed_on"]
        return Candidate(
            authority=rec["authority"], list_name=rec["list_name"], list_id=str(rec["list_id"]),
            list_ref=rec["list_ref"],
            name=rec["primary_name"], matched_name=rec["matched_name"], score=round(result.score, 4),
            evidence=evidence, entity_type=rec["entity_type"],
            designation_version_id=rec.get("designation_version_id"),
        )


class Postings:
    """Rows by blocking key, in one array (a dict of many small arrays is slow to save and load)."""

    def __init__(self, postings: dict[str, list[int]]) -> None:
        self.rows = array("i")
        self.spans: dict[str, tuple[int, int]] = {}
        for key in sorted(postings):
            start = len(self.rows)
            self.rows.extend(postings[key])
            self.spans[key] = (start, len(self.rows))


class Records:
    """The designation fields of each indexed row, as plain values (ISO dates, None for missing)."""

    FIELDS = ["authority", "list_name", "list_id", "list_ref", "entity_type", "primary_name", "listed_on",
              "matched_name", "alias_type", "designation_version_id"]

    def __init__(self, rows: pd.DataFrame) -> None:
        import pandas as pd

        self.columns: dict[str, list] = {}
        for field in self.FIELDS:
            if field not in rows.columns:
                self.columns[field] = [None] * len(rows)
            elif field == "listed_on":
                self.columns[field] = [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in rows[field]]
            else:
                self.columns[field] = [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                                       for v in rows[field]]

    def __len__(self) -> int:
        return len(self.columns["authority"])

    def __getitem__(self, row: int) -> dict:
        return {field: values[row] for field, values in self.columns.items()}

    def __iter__(self):
        return (self[row] for row in range(len(self)))


def blocking_keys(token: Token) -> dict[str, float]:
    """Index keys of a name word and the share of its weight each carries."""
    keys = dict.fromkeys(token.keys, 1.0)
    if len(token.key) >= 4:
        keys["<" + token.key[:3]] = AFFIX_SHARE
        keys[">" + token.key[-3:]] = AFFIX_SHARE
    return keys


def weak_key(tokens: Sequence[Token]) -> tuple[str, ...]:
    """The lookup key of a name without name words: its words, sorted."""
    return tuple(sorted(t.text for t in tokens))
