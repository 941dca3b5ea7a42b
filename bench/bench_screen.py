"""Benchmark `sanctrack screen`'s engine against rapidfuzz brute force, on the real shipped lists.

Screens N query names (positives: real names and aliases perturbed; negatives: names on no list,
see sanctrack/matching/evaluate.py) against every name and alias of the lists three ways:

- the NameIndex (one process), what `sanctrack screen` and `mention_links` use;
- brute force with the same scorer: every word of the queries against every word of the lists with
  rapidfuzz `process.cdist` (workers=2), then every name holding an agreeing word scored
  (`evaluate.brute_force`; equal to scoring every row, which is checked on a sample). Top-1
  agreement with it is what the index's blocking costs;
- brute force with a stock scorer: `process.cdist` token_sort_ratio over the whole names (workers=2,
  uint8), for the accuracy of a plain fuzzy match.

Prints times, ratios, top-1 agreement and accuracy on the positives, single-screen latency, memory,
and the false-positive rate at the threshold.

    .venv/bin/python bench/bench_screen.py                    # 10,000 names: about a minute
    .venv/bin/python bench/bench_screen.py --queries 2000     # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

from sanctrack.lists import parse_list
from sanctrack.matching import RECOMMENDED_THRESHOLD, NameIndex
from sanctrack.matching.score import compare
from sanctrack.matching.evaluate import (Query, brute_force, negative_queries, positive_queries, top1,
                                         transliteration_queries, variation_queries)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SANCTRACK_SHARED", REPO.parent / "shared")) / "data" / "lists"
DEFAULT_LISTS = [SHARED / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx", SHARED / "us-ofac" / "sdn_2024-02-23.csv"]
PEER_PYTHON = REPO / ".venv-peer" / "bin" / "python"
PEER_THRESHOLD = 0.70  # logic-v2's recommended match threshold (yente's default for it)
SCHEMA = {"person": "Person", "organisation": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}
BLOCK = 15  # designations per query scored by both systems


def shared_candidates(index: NameIndex, queries: list[Query], choices: list[str]) -> list[list[tuple[str, str]]]:
    """The designations both systems score for each query (the same blocking for both): those of the
    index's shortlist (its blocking keys, no type filter) and of rapidfuzz token_set_ratio's 10 best names
    (a blocking that owes nothing to our normalisation), best first, up to BLOCK."""
    keys = list(zip(index.rows["authority"].astype(str), index.rows["list_id"].astype(str)))
    names = [q.name for q in queries]
    fuzzy = process.cdist(names, choices, scorer=fuzz.token_set_ratio, processor=utils.default_process, workers=2,
                          dtype=np.uint8)
    out = []
    for k, name in enumerate(names):
        toks, weights = index.query_tokens(name)
        rows = list(index.shortlist(toks, weights, None, size=50)) + list(np.argsort(-fuzzy[k], kind="stable")[:10])
        seen: dict[tuple[str, str], None] = {}
        for row in rows:
            seen.setdefault(keys[int(row)], None)
        out.append(list(seen)[:BLOCK])
    return out


def verdicts(queries: list[Query], candidates: list[list[tuple[str, str]]], scores: list[list[float]],
             threshold: float) -> dict:
    """Top-1 (the expected designation scores highest; a tie with another counts as found), correct match
    at or above the threshold, false positives at it, and the threshold giving <= 1% false positives."""
    right = at = 0
    positives = [k for k, q in enumerate(queries) if q.list_id is not None]
    negatives = [k for k, q in enumerate(queries) if q.list_id is None]
    found = []
    for k in positives:
        q, best = queries[k], max(scores[k], default=0.0)
        mine = [s for c, s in zip(candidates[k], scores[k]) if c == (q.authority, q.list_id)]
        ok = bool(mine) and best > 0 and mine[0] >= best - 1e-9
        right += ok
        at += ok and best >= threshold
        found.append(best if ok else -1.0)
    neg_best = sorted((max(scores[k], default=0.0) for k in negatives), reverse=True)
    fp = sum(s >= threshold for s in neg_best)
    allowed = int(0.01 * len(neg_best))
    strict = (neg_best[allowed] + 1e-9) if len(neg_best) > allowed else 0.0  # lowest threshold with <= 1% FP
    return {"top1": right / max(len(positives), 1), "recall": at / max(len(positives), 1),
            "fp": fp / max(len(negatives), 1), "strict_threshold": strict,
            "strict_recall": sum(s >= strict for s in found) / max(len(positives), 1)}


def peer_comparison(index: NameIndex, sets: dict[str, list[Query]], threshold: float, sample: int) -> None:
    """Our scorer and logic-v2 on the same queries and the same candidate designations, side by side."""
    if not PEER_PYTHON.exists():
        print(f"logic-v2: not run ({PEER_PYTHON} is missing: `make peer-venv` makes it)")
        return
    choices = index.rows["matched_name"].astype(str).tolist()
    keys = list(zip(index.rows["authority"].astype(str), index.rows["list_id"].astype(str)))
    rows_of: dict[tuple[str, str], list[int]] = {}
    for row, key in enumerate(keys):
        rows_of.setdefault(key, []).append(row)
    for label, queries in sets.items():
        rng = random.Random(5)
        queries = rng.sample(queries, min(sample, len(queries)))
        candidates = shared_candidates(index, queries, choices)
        started = time.process_time()
        ours = []
        for q, cands in zip(queries, candidates):
            toks, weights = index.query_tokens(q.name)
            ours.append([max(compare(toks, index.tokens[r], weights, index.weights[r],
                                         scale=index.default_weight).score for r in rows_of[c])
                         for c in cands])
        our_cpu = time.process_time() - started
        designations = {f"{a}|{lid}": {"schema": SCHEMA.get(index.record[rows_of[(a, lid)][0]]["entity_type"],
                                                            "LegalEntity"),
                                       "names": [index.record[r]["matched_name"] for r in rows_of[(a, lid)]]}
                        for cands in candidates for a, lid in cands}
        payload = {"designations": designations,
                   "queries": [{"name": q.name, "schema": "LegalEntity", "candidates": [f"{a}|{lid}" for a, lid in c]}
                               for q, c in zip(queries, candidates)]}
        with tempfile.TemporaryDirectory() as tmp:
            source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
            source.write_text(json.dumps(payload), encoding="utf-8")
            subprocess.run([str(PEER_PYTHON), str(REPO / "bench" / "peer_logic_v2.py"), str(source), str(target)],
                           check=True)
            peer = json.loads(target.read_text(encoding="utf-8"))
        n_cands = sum(len(c) for c in candidates)
        print(f"{label}: {len(queries):,} queries ({sum(q.list_id is None for q in queries):,} on no list), "
              f"the same {n_cands:,} candidate designations for both ({n_cands / len(queries):.1f} a query)")
        for system, scores, cut, cpu in (("sanctrack", ours, threshold, our_cpu),
                                         (f"logic-v2 (nomenklatura {peer['version']})", peer["scores"],
                                          PEER_THRESHOLD, peer["cpu_seconds"])):
            v = verdicts(queries, candidates, scores, cut)
            print(f"  {system:34} top-1 {v['top1']:.4f}  correct at/above {cut:.2f} {v['recall']:.4f}  "
                  f"FP at it {v['fp']:.4f}  | at {v['strict_threshold']:.2f} (<=1% FP) {v['strict_recall']:.4f}  "
                  f"| CPU {cpu / len(queries) * 1000:.2f} ms/query")


def rss_mb() -> float:
    """Resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000, help="Query names in all (default 10,000).")
    parser.add_argument("--negative-share", type=float, default=0.2, help="Share of negatives (default 0.2).")
    parser.add_argument("--threshold", type=float, default=RECOMMENDED_THRESHOLD)
    parser.add_argument("--exhaustive", type=int, default=200,
                        help="Queries also scored against every row, to check the brute force (default 200).")
    parser.add_argument("--variations", action="store_true", help="Also run the UK name-variation top-1 evaluation.")
    parser.add_argument("--peer-sample", type=int, default=2000,
                        help="Queries of each set scored side by side with logic-v2 (default 2,000; 0: skip).")
    parser.add_argument("lists", nargs="*", type=Path, default=DEFAULT_LISTS)
    args = parser.parse_args()
    missing = [p for p in args.lists if not p.exists()]
    if missing:
        print(f"list files not found: {missing} (set SANCTRACK_SHARED)", file=sys.stderr)
        return 2

    started = time.perf_counter()
    parsed = [parse_list(p) for p in args.lists]
    print(f"parsed {len(parsed)} lists in {time.perf_counter() - started:.1f} s")
    rss0 = rss_mb()
    started = time.perf_counter()
    index = NameIndex.from_parsed(*parsed)
    build = time.perf_counter() - started
    print(f"index: {len(index):,} names and aliases of {index.rows[['authority', 'list_id']].drop_duplicates().shape[0]:,} "
          f"designations; built in {build:.2f} s; +{rss_mb() - rss0:.0f} MB resident")

    n_neg = int(args.queries * args.negative_share)
    positives = positive_queries(index, args.queries - n_neg)
    negatives = negative_queries(index, n_neg)
    queries = positives + negatives
    names = [q.name for q in queries]
    print(f"queries: {len(positives):,} positives ({dict(Counter(q.how for q in positives))}), "
          f"{len(negatives):,} negatives")

    # The index, one process.
    started, cpu = time.perf_counter(), time.process_time()
    index.prepare(names)
    ours = [index.best_rows(name) for name in names]
    t_index, cpu_index = time.perf_counter() - started, time.process_time() - cpu

    # Brute force with the same scorer.
    started = time.perf_counter()
    exhaustive = brute_force(index, names)
    t_same = time.perf_counter() - started

    # Brute force with a stock scorer over the same names.
    choices = index.rows["matched_name"].astype(str).tolist()
    started = time.perf_counter()
    matrix = process.cdist(names, choices, scorer=fuzz.token_sort_ratio, processor=utils.default_process,
                           workers=2, dtype=np.uint8)
    t_brute = time.perf_counter() - started
    brute_best = matrix.argmax(axis=1)
    brute_max = matrix.max(axis=1)

    keys = list(zip(index.rows["authority"].astype(str), index.rows["list_id"].astype(str)))
    rows_of: dict[tuple[str, str], list[int]] = {}
    for row, key in enumerate(keys):
        rows_of.setdefault(key, []).append(row)
    n_pos = len(positives)
    same_strict = sum(ours[k][0] == exhaustive[k][0] or keys[ours[k][0]] == keys[exhaustive[k][0]]
                      for k in range(n_pos) if ours[k][0] >= 0 and exhaustive[k][0] >= 0)
    same_strict += sum(ours[k][0] < 0 and exhaustive[k][0] < 0 for k in range(n_pos))
    same_ties = sum(abs(ours[k][1] - exhaustive[k][1]) < 1e-9 for k in range(n_pos))
    lost = Counter(q.how for k, q in enumerate(positives) if ours[k][1] < exhaustive[k][1] - 1e-9)
    neg_same = sum(abs(ours[k][1] - exhaustive[k][1]) < 1e-9 or max(ours[k][1], exhaustive[k][1]) < args.threshold
                   for k in range(n_pos, len(names)))
    agree = agree_ties = ours_right = ours_right_ties = brute_right = brute_right_ties = recall = 0
    found_first: list[bool] = []
    for k, q in enumerate(positives):
        row, score = ours[k]
        mine = keys[row] if row >= 0 else None
        expected = (q.authority, q.list_id)
        agree += mine == keys[brute_best[k]]
        # Brute force often ties (uint8 scores): agreeing with any of its best rows counts here.
        agree_ties += bool(row >= 0 and matrix[k, row] == brute_max[k]) or mine == keys[brute_best[k]]
        ours_right += mine == expected
        # A tie with an identical name of another designation (the same person on UK and OFAC) is no miss.
        expected_score = max(index.score_row(q.name, r) for r in rows_of[expected])
        right = mine == expected or (score > 0 and expected_score >= score - 1e-9)
        ours_right_ties += right
        found_first.append(right)
        brute_right += keys[brute_best[k]] == expected
        brute_right_ties += bool(matrix[k, rows_of[expected]].max() == brute_max[k])
        recall += right and score >= args.threshold
    neg_scores = [score for _, score in ours[n_pos:]]
    # Where the index and brute force disagree, who is right (ties with an identical name counted as right)?
    split = Counter()
    for k, q in enumerate(positives):
        row = ours[k][0]
        if row >= 0 and (keys[row] == keys[brute_best[k]] or matrix[k, row] == brute_max[k]):
            continue
        expected = (q.authority, q.list_id)
        index_ok = row >= 0 and (keys[row] == expected or max(index.score_row(q.name, r) for r in rows_of[expected])
                                 >= ours[k][1] - 1e-9)
        brute_ok = bool(matrix[k, rows_of[expected]].max() == brute_max[k])
        split["index right, brute force wrong" if index_ok and not brute_ok else
              "brute force right, index wrong" if brute_ok and not index_ok else
              "both right (tied names)" if index_ok else "both wrong"] += 1

    # The brute force is exhaustive: on a sample of queries (positives and negatives), scoring every row
    # gives the same best score.
    step = max(len(names) // max(args.exhaustive, 1), 1)
    sample = list(range(0, len(names), step))[: args.exhaustive]
    checked = 0
    started = time.perf_counter()
    for k in sample:
        toks, weights = index.query_tokens(names[k])
        best = max(compare(toks, t, weights, w, scale=index.default_weight).score for t, w in zip(index.tokens, index.weights))
        checked += abs(best - exhaustive[k][1]) < 1e-9
    t_exhaustive = time.perf_counter() - started
    fp = sum(s >= args.threshold for s in neg_scores)

    # Single-screen latency, full path (evidence, grouping), after warm-up.
    for name in names[:200]:
        index.screen(name)
    laps = []
    for name in names[200:1200]:
        started = time.perf_counter()
        index.screen(name)
        laps.append((time.perf_counter() - started) * 1000)

    print()
    print(f"index screen, 1 process:           {t_index:7.2f} s  ({t_index / len(names) * 1000:.2f} ms/name; "
          f"CPU {cpu_index:.2f} s)")
    print(f"brute force, same scorer:          {t_same:7.2f} s  (cdist over words, 2 workers; then every name "
          "with an agreeing word scored)")
    print(f"  speed-up of the index:           {t_same / t_index:7.2f} x")
    print(f"  top-1 agreement on positives:    {same_strict / n_pos:.4f} same designation, {same_ties / n_pos:.4f} "
          f"same best score; index below brute force by perturbation: {dict(lost) or 'none'}")
    print(f"  negatives, same verdict at {args.threshold:.2f}:  {neg_same / max(len(negatives), 1):.4f}")
    if sample:
        print(f"  exhaustive check:                brute force = scoring every row on {checked} of {len(sample)} "
              f"queries ({t_exhaustive / len(sample) * 1000:.0f} ms/name)")
    print(f"brute force, token_sort_ratio:     {t_brute:7.2f} s  (rapidfuzz cdist, {len(names):,} x {len(choices):,}, "
          "uint8, 2 workers)")
    print(f"  speed-up of the index:           {t_brute / t_index:7.2f} x (index on 1 core, cdist on 2)")
    print(f"  top-1 agreement on positives:    {agree / n_pos:.4f} strict, {agree_ties / n_pos:.4f} counting "
          "its ties")
    print(f"  top-1 accuracy on positives:     index {ours_right / n_pos:.4f}, token_sort_ratio {brute_right / n_pos:.4f} "
          f"(strict); index {ours_right_ties / n_pos:.4f}, token_sort_ratio {brute_right_ties / n_pos:.4f} (ties counted)")
    print(f"  where they disagree:             {dict(split)}")
    print(f"single screen latency (ms):        median {statistics.median(laps):.2f}, "
          f"p95 {np.percentile(laps, 95):.2f}, max {max(laps):.2f}")
    print(f"peak memory (max RSS):             {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
          f"(the cdist matrix alone: {matrix.nbytes / 1e6:.0f} MB)")
    print(f"at threshold {args.threshold:.2f}: false-positive rate on negatives {fp / max(len(negatives), 1):.4f} "
          f"({fp} of {len(negatives):,}); positives found first and above it {recall / n_pos:.4f}")
    for t in (0.75, 0.80, 0.85, 0.90):
        rate = sum(s >= t for s in neg_scores) / max(len(negatives), 1)
        rec = sum(1 for k in range(n_pos) if found_first[k] and ours[k][1] >= t) / n_pos
        print(f"  threshold {t:.2f}: FP rate on negatives {rate:.4f}, positives found first and above it {rec:.4f}")
    by_how = Counter(q.how for q in positives)
    wrong = Counter(q.how for k, q in enumerate(positives) if not found_first[k])
    print("index misses by perturbation:      " + ", ".join(f"{h} {wrong[h]}/{by_how[h]}" for h in sorted(by_how))
          + " (ties counted as found)")

    # The transliteration set: the UK list's Cyrillic person names romanised in the scholarly, German and
    # French schemes. The matcher was tuned on half 0; this reports on half 1 (the other designations).
    uk = next((p for p in parsed if p.authority == "UK"), None)
    translit = transliteration_queries(uk.names, designations=uk.designations, half=1) if uk is not None else []
    if translit:
        index.prepare([q.name for q in translit])
        t_found = t_at = 0
        by_scheme: Counter = Counter()
        for q in translit:
            row, score = index.best_rows(q.name)
            expected = (q.authority, q.list_id)
            ok = row >= 0 and (keys[row] == expected or max(index.score_row(q.name, r) for r in rows_of[expected])
                               >= score - 1e-9)
            t_found += ok
            t_at += ok and score >= args.threshold
            by_scheme[q.how] += ok and score >= args.threshold
        n_t = len(translit)
        print(f"transliterations (UK Cyrillic person names, 3 schemes, the half not tuned on): {n_t:,} queries; "
              f"top-1 {t_found / n_t:.4f}, correct at or above {args.threshold:.2f} {t_at / n_t:.4f} ("
              + ", ".join(f"{h} {by_scheme[h] / (n_t / 3):.3f}" for h in sorted(by_scheme)) + ")")

    if args.peer_sample:
        print(f"\nside by side with logic-v2 (a sample of {args.peer_sample:,} queries a set; scoring every "
              f"designation is too slow for logic-v2, so both score the same blocked candidates):")
        sets = {"variations": positives + negatives}
        if translit:
            sets["transliterations + the same negatives"] = translit + negatives
        peer_comparison(index, sets, args.threshold, args.peer_sample)

    if args.variations:
        if uk is not None:
            started = time.perf_counter()
            result = top1(index, variation_queries(uk.names), ["UK"])
            print(f"UK name variations: {result['queries']:,} names of designations with more than one; top-1 "
                  f"{result['top1']:.4f} ({result['top1_with_ties']:.4f} counting ties with an identical name of "
                  f"another designation), {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
