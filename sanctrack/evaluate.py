"""Score an extractor against a labelled folder (texts/ + gold.jsonl), by the dev corpus GUIDE's rules.

- Names are compared after Unicode folding, lower-casing and dropping punctuation. A predicted
  name matches a gold name when the tokens are equal, when the prediction holds all gold tokens
  plus at most two more, or when it is a subset of at least two gold tokens.
- An unnamed group matches a gold unnamed group of the same document with the same count (any
  count where the gold count is null).
- strict: a match must also have the same authority and action; each gold entry is matched at
  most once. entity: the same name matching over distinct targets, ignoring authority and action.
- non-target false positives: predictions naming a person or organisation in `non_targets`.
- Over name-matched pairs: accuracy of action, authority and type.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sanctrack.extract.model import Mention
from sanctrack.extract.resolve import name_tokens, names_match

Extractor = Callable[[str], list[Mention]]


def targets_match(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Whether a predicted row and a gold target denote the same target (ignoring authority/action)."""
    if gold["type"] == "unnamed_group" or pred["entity_type"] == "unnamed_group":
        if gold["type"] != "unnamed_group" or pred["entity_type"] != "unnamed_group":
            return False
        return gold["count"] is None or pred["count"] == gold["count"]
    if pred.get("name") is None or gold.get("name") is None:
        return False
    return names_match(pred["name"], gold["name"])


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    precision = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    recall = tp / n_gold if n_gold else (1.0 if not n_pred else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "tp": tp, "predicted": n_pred, "gold": n_gold}


def _greedy(preds: list[dict], golds: list[dict], strict: bool) -> list[tuple[int, int]]:
    """1:1 matching: exact name-token matches first, then the looser rules, in document order."""
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    for exact_only in (True, False):
        for pi, p in enumerate(preds):
            if pi in used_p:
                continue
            for gi, g in enumerate(golds):
                if gi in used_g:
                    continue
                if strict and (p["authority"] != g["authority"] or p["action"] != g["action"]):
                    continue
                if not targets_match(p, g):
                    continue
                if exact_only and g["type"] != "unnamed_group" and name_tokens(p["name"]) != name_tokens(g["name"]):
                    continue
                pairs.append((pi, gi))
                used_p.add(pi)
                used_g.add(gi)
                break
    return pairs


def strict_matches(predictions: list[dict], golds: list[dict]) -> set[int]:
    """Indexes of the predictions that strictly match a gold entry (the scorer's 1:1 matching)."""
    return {pi for pi, _ in _greedy(predictions, golds, strict=True)}


def _distinct(rows: Iterable[dict], key: Callable[[dict], tuple]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen.setdefault(key(row), row)
    return list(seen.values())


def score_documents(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Score prepared documents: each {doc, gold: gold.jsonl line, predictions: [records]}."""
    strict_tp = entity_tp = n_pred = n_gold = ent_pred = ent_gold = 0
    breakdown: dict[str, dict[str, dict[str, int]]] = {"action": {}, "authority": {}, "type": {}}
    attr_hits = {"action": 0, "authority": 0, "type": 0}
    attr_pairs = 0
    non_target_fps: list[dict[str, str]] = []
    per_doc: list[dict[str, Any]] = []

    def bump(dim: str, value: str, field_name: str) -> None:
        breakdown[dim].setdefault(value, {"tp": 0, "predicted": 0, "gold": 0})[field_name] += 1

    for entry in docs:
        gold = entry["gold"]
        golds = list(gold["targets"])
        preds = list(entry["predictions"])
        pairs = _greedy(preds, golds, strict=True)
        strict_tp += len(pairs)
        n_pred += len(preds)
        n_gold += len(golds)
        for p in preds:
            bump("action", p["action"], "predicted")
            bump("authority", p["authority"], "predicted")
            bump("type", p["entity_type"], "predicted")
        for g in golds:
            bump("action", g["action"], "gold")
            bump("authority", g["authority"], "gold")
            bump("type", g["type"], "gold")
        for pi, gi in pairs:
            g = golds[gi]
            bump("action", g["action"], "tp")
            bump("authority", g["authority"], "tp")
            if preds[pi]["entity_type"] == g["type"]:  # a strict match may differ in type: it is no hit of either
                bump("type", g["type"], "tp")

        # entity level: distinct targets, authority and action ignored.
        def target_key(row: dict, type_field: str) -> tuple:
            if row[type_field] == "unnamed_group":
                return ("group", row["count"])
            return ("named", name_tokens(row["name"] or ""))

        d_gold = _distinct(golds, lambda r: target_key(r, "type"))
        d_pred = _distinct(preds, lambda r: target_key(r, "entity_type"))
        entity_tp += len(_greedy(d_pred, d_gold, strict=False))
        ent_pred += len(d_pred)
        ent_gold += len(d_gold)

        # attribute accuracy over name-matched rows.
        loose = _greedy(preds, golds, strict=False)
        for pi, gi in loose:
            p, g = preds[pi], golds[gi]
            attr_pairs += 1
            attr_hits["action"] += p["action"] == g["action"]
            attr_hits["authority"] += p["authority"] == g["authority"]
            attr_hits["type"] += p["entity_type"] == g["type"]

        for p in preds:
            if not p.get("name"):
                continue
            if any(g["type"] != "unnamed_group" and names_match(p["name"], g["name"]) for g in golds):
                continue
            if any(names_match(p["name"], nt) or name_tokens(p["name"]) == name_tokens(nt) for nt in gold.get("non_targets", [])):
                non_target_fps.append({"doc": entry["doc"], "name": p["name"]})

        matched_p = {pi for pi, _ in pairs}
        matched_g = {gi for _, gi in pairs}
        per_doc.append(
            {
                "doc": entry["doc"],
                "gold": len(golds),
                "predicted": len(preds),
                "matched": len(pairs),
                "misses": [_brief(golds[i], "type") for i in range(len(golds)) if i not in matched_g],
                "false_hits": [_brief(preds[i], "entity_type") for i in range(len(preds)) if i not in matched_p],
            }
        )

    def table(dim: str) -> dict[str, dict[str, float | int]]:
        return {k: _prf(v["tp"], v["predicted"], v["gold"]) for k, v in sorted(breakdown[dim].items())}

    return {
        "documents": len(docs),
        "strict": _prf(strict_tp, n_pred, n_gold),
        "entity": _prf(entity_tp, ent_pred, ent_gold),
        "by_action": table("action"),
        "by_authority": table("authority"),
        "by_type": table("type"),
        "attribute_accuracy": {
            k: round(v / attr_pairs, 4) if attr_pairs else None for k, v in attr_hits.items()
        } | {"pairs": attr_pairs},
        "non_target_false_positives": non_target_fps,
        "per_document": per_doc,
    }


def _brief(row: dict, type_field: str) -> str:
    what = row.get("name") or f"<group count={row.get('count')}>"
    return f"{what} [{row[type_field]}, {row['authority']}, {row['action']}]"


def evaluate_dir(gold_dir: Path, extract: Extractor | None = None) -> dict[str, Any]:
    """Run `extract` (the shipped extractor by default) over a gold folder and score it."""
    from sanctrack.extract import extract_mentions
    from sanctrack.extract.learn import read_gold_folder

    extract = extract or extract_mentions
    docs = [
        {"doc": d.doc, "gold": d.gold, "predictions": [m.as_record(d.doc) for m in extract(d.text)]}
        for d in read_gold_folder(Path(gold_dir))
    ]
    report = score_documents(docs)
    report["gold_dir"] = str(gold_dir)
    return report


def evaluate_folders(folders: Sequence[Path], known=None, cross_validate: bool = False) -> dict[str, Any]:
    """Score the extractor on one or more gold folders: each folder and the total, with the
    calibration of `confidence`. With `cross_validate`, every document is extracted by a model
    trained on all the other documents (leave-one-document-out); otherwise by the shipped model."""
    from sanctrack.extract import extract_mentions
    from sanctrack.extract.learn import cross_validate as run_cv, predictions, read_gold_folder
    from sanctrack.extract.scorer import load_models

    docs = [d for folder in folders for d in read_gold_folder(Path(folder))]
    if cross_validate:
        model = load_models().pick(known is not None)
        cv = run_cv(docs, known)
        # the threshold and calibration of the shipped model, so the figures describe its settings
        scored = predictions(cv, model.threshold, model.calibration)
        for entry, d in zip(scored, docs):
            entry["folder"] = d.folder
    else:
        scored = [
            {"doc": d.doc, "folder": d.folder, "gold": d.gold,
             "predictions": [m.as_record(d.doc) for m in extract_mentions(d.text, known=known)]}
            for d in docs
        ]
    report = score_documents(scored)
    report["gold_dir"] = ", ".join(str(f) for f in folders)
    report["mode"] = ("cross-validated" if cross_validate else "shipped model") + (", known entities" if known is not None else "")
    report["folders"] = {
        str(folder): {k: v for k, v in score_documents([e for e in scored if e["folder"] == str(folder)]).items()
                      if k in ("documents", "strict", "entity", "non_target_false_positives")}
        for folder in folders
    } if len(folders) > 1 else {}
    report["calibration"] = calibration_table(scored)
    return report


def calibration_table(scored: list[dict], edges: Sequence[float] = (0.0, 0.5, 0.7, 0.8, 0.9, 1.0001)) -> list[dict]:
    """Rows per confidence band: how many predictions, and the share strictly correct."""
    bands = [{"from": lo, "to": min(hi, 1.0), "rows": 0, "correct": 0} for lo, hi in zip(edges, edges[1:])]
    for entry in scored:
        ok = strict_matches(entry["predictions"], entry["gold"]["targets"])
        for i, row in enumerate(entry["predictions"]):
            for band, (lo, hi) in zip(bands, zip(edges, edges[1:])):
                if lo <= row["confidence"] < hi:
                    band["rows"] += 1
                    band["correct"] += i in ok
                    break
    for band in bands:
        band["share_correct"] = round(band["correct"] / band["rows"], 4) if band["rows"] else None
    return bands


def render_report(report: dict[str, Any]) -> str:
    """A readable text rendering of an `evaluate_dir` report."""
    mode = f", {report['mode']}" if report.get("mode") else ""
    lines = [f"Extraction scores on {report.get('gold_dir', '?')} ({report['documents']} documents{mode})", ""]
    lines.append(f"{'':18}{'precision':>10}{'recall':>8}{'F1':>8}{'tp':>6}{'pred':>6}{'gold':>6}")
    for label, key in (("strict", "strict"), ("entity", "entity")):
        r = report[key]
        lines.append(f"{label:18}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['tp']:>6}{r['predicted']:>6}{r['gold']:>6}")
    for dim in ("by_action", "by_authority", "by_type"):
        lines += ["", f"strict, {dim.replace('_', ' ')}:"]
        for value, r in report[dim].items():
            lines.append(f"  {value:16}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['tp']:>6}{r['predicted']:>6}{r['gold']:>6}")
    acc = report["attribute_accuracy"]
    lines += ["", f"over {acc['pairs']} name-matched pairs: action {acc['action']}, authority {acc['authority']}, type {acc['type']}"]
    fps = report["non_target_false_positives"]
    lines.append(f"non-target false positives: {len(fps)}" + "".join(f"\n  {f['doc']}: {f['name']}" for f in fps))
    for folder, r in report.get("folders", {}).items():
        lines.append(f"{folder}: strict P {r['strict']['precision']:.3f} R {r['strict']['recall']:.3f} "
                     f"F1 {r['strict']['f1']:.3f} ({r['documents']} documents), entity F1 {r['entity']['f1']:.3f}, "
                     f"non-target false positives {len(r['non_target_false_positives'])}")
    if report.get("calibration"):
        lines += ["", "calibration (confidence band: rows, share strictly correct):"]
        for band in report["calibration"]:
            share = "-" if band["share_correct"] is None else f"{band['share_correct']:.3f}"
            lines.append(f"  [{band['from']:.1f}, {band['to']:.1f}{']' if band['to'] >= 1 else ')'}: {band['rows']:>5}  {share}")
    lines += ["", "per document:"]
    for d in report["per_document"]:
        lines.append(f"  {d['doc']}: {d['matched']}/{d['gold']} gold matched, {d['predicted']} predicted")
        lines += [f"    miss  {m}" for m in d["misses"]]
        lines += [f"    false {f}" for f in d["false_hits"]]
    return "\n".join(lines)
