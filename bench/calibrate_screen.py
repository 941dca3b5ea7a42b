"""Fit the calibrated name score (seeds/reference/matching_calibration.csv) on labelled comparisons.

The labelled set is built from the real lists, apart from what the benchmark reports on: altered real
names and names on no list drawn with other seeds than bench_screen.py's, and the romanised Cyrillic
names of half 0 of the UK designations (bench_screen.py reports on half 1). Each query is compared
with the candidates the index proposes (its blocking, no type filter); per designation the best name
counts, labelled 1 when it is the designation the query came from. A logistic regression (Newton's
method, a little L2) over the comparison's features gives the weights; the score then reads as the
share of candidates with such evidence that were the right one, on this set with its right and wrong
candidates weighed equally.

    .venv/bin/python bench/calibrate_screen.py            # fit, print the fit, write the CSV
    .venv/bin/python bench/calibrate_screen.py --dry-run  # fit and print only
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from sanctrack.lists import parse_list
from sanctrack.matching import NameIndex
from sanctrack.matching.index import weak_key
from sanctrack.matching.evaluate import negative_queries, positive_queries, transliteration_queries
from sanctrack.matching.normalize import REFERENCE_DIR
from sanctrack.matching.score import EXACT, FEATURES, compare, model_inputs

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "lists"
LISTS = [SHARED / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx", SHARED / "us-ofac" / "sdn_2024-02-23.csv"]
NAMES = ("logit_raw", *FEATURES[1:])


def labelled(index: NameIndex, queries) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs and labels: one row per (query, candidate designation), its best-scoring name."""
    keys = list(zip(index.rows["authority"].astype(str), index.rows["list_id"].astype(str)))
    # The same person on two lists is no wrong answer: a designation holding one of the expected
    # designation's names (as tokens) counts as right.
    names_of: dict[tuple[str, str], set] = {}
    for key, toks in zip(keys, index.tokens):
        names_of.setdefault(key, set()).add(weak_key(toks))
    index.prepare([q.name for q in queries])
    xs, ys = [], []
    for q in queries:
        toks, weights = index.query_tokens(q.name)
        best: dict[tuple[str, str], tuple] = {}
        for row in index.shortlist(toks, weights, None):
            result = compare(toks, index.tokens[row], weights, index.weights[row], scale=index.default_weight)
            if not result.features or all(how == EXACT for *_, how in result.pairs) and \
                    len(result.pairs) == len(toks) == len(index.tokens[row]):
                continue  # no name word agrees (score 0), or an exact full match (score 1): nothing to learn
            key = keys[int(row)]
            if key not in best or result.features[0] > best[key][0]:
                best[key] = result.features
        for key, features in best.items():
            xs.append(model_inputs(features))
            expected = (q.authority, q.list_id)
            ys.append(float(key == expected or (expected in names_of and not names_of[key].isdisjoint(names_of[expected]))))
    return np.asarray(xs), np.asarray(ys)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method; returns [intercept, weights...]."""
    x1 = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(x1.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x1 @ w))
        grad = x1.T @ (p - y) + l2 * w
        hess = (x1 * (p * (1 - p))[:, None]).T @ x1 + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    parsed = [parse_list(p) for p in LISTS]
    index = NameIndex.from_parsed(*parsed)
    uk = parsed[0]
    queries = (positive_queries(index, 8000, seed=101) + negative_queries(index, 4000, seed=103)
               + transliteration_queries(uk.names, designations=uk.designations, half=0))
    x, y = labelled(index, queries)
    w = fit(x, y)
    p = 1 / (1 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ w)))
    print(f"{len(queries):,} queries, {len(y):,} labelled candidates ({int(y.sum()):,} right)")
    print("reliability (predicted -> observed share right, candidates):")
    for low in np.arange(0, 1, 0.1):
        sel = (p >= low) & (p < low + 0.1 + (low >= 0.9))
        if sel.any():
            print(f"  {low:.1f}-{low + 0.1:.1f}: {y[sel].mean():.3f}  ({int(sel.sum()):,})")
    # The score is the probability on a set where right and wrong candidates are equally common: the
    # share of right ones here (about 1 in 10) reflects how many candidates the blocking proposes, not
    # anything about the name screened.
    balance = float(np.log((len(y) - y.sum()) / y.sum()))
    print(f"intercept {w[0]:+.4f}, +{balance:.4f} for equally common right and wrong candidates")
    rows = [("intercept", w[0] + balance)] + list(zip(NAMES, w[1:]))
    for name, weight in rows:
        print(f"  {name:22} {weight:+.4f}")
    if not args.dry_run:
        target = REFERENCE_DIR / "matching_calibration.csv"
        with target.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(["feature", "weight", "note"])
            for k, (name, weight) in enumerate(rows):
                out.writerow([name, f"{weight:.6f}", "fitted by bench/calibrate_screen.py" if k == 0 else ""])
        print(f"written {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
