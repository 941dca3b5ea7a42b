"""Learning the decision weights from labelled texts, and measuring them honestly.

Labels come from a gold folder (texts/, gold.jsonl, evidence.jsonl; the format of the dev corpus):
a candidate is a positive example when it names a gold target AND its segment holds that target's
evidence sentence; a mention of a target elsewhere (a quote, a later aside) is left out of
training rather than counted either way. Authority and action examples come from the positive
candidates in the same way.

`cross_validate` trains on all documents but one and extracts the one left out, for every
document (leave-one-document-out): the score of those predictions is the figure to quote. The
same pooled predictions fix the output threshold and the calibration of `confidence`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sanctrack.extract.analyse import DocAnalysis, analyse_document, anaphor_candidates, statement_of
from sanctrack.extract.extractor import ScoredCandidate, authority_features, rows_from_scores, score_candidates
from sanctrack.extract.known import KnownEntities
from sanctrack.extract.resolve import canonical_member, names_match
from sanctrack.extract.scorer import Binary, Model, ModelSet

DEFAULT_C = {"name": 0.5, "group": 0.5, "authority": 0.5}


@dataclass
class LabelledDoc:
    """One labelled text: its gold line, the evidence offsets of each target, the text."""

    folder: str
    doc: str
    text: str
    gold: dict
    evidence: dict[int, tuple[int, int]]  # target index -> (start, end) of its evidence sentence
    analysis: DocAnalysis | None = None


class GoldFolderError(ValueError):
    """A gold folder that cannot be read: the file and the line say what is wrong."""


def read_gold_folder(folder: Path) -> list[LabelledDoc]:
    """Every labelled document of a gold folder; a missing or malformed file is named in the error."""
    folder = Path(folder)
    gold_path = folder / "gold.jsonl"
    if not gold_path.is_file():
        raise GoldFolderError(f"{gold_path} not found: a gold folder holds texts/, gold.jsonl and evidence.jsonl")
    evidence: dict[str, dict[int, tuple[int, int]]] = {}
    ev_path = folder / "evidence.jsonl"
    if ev_path.is_file():
        for line_no, line in enumerate(ev_path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                evidence.setdefault(row["doc"], {})[int(row["target_index"])] = (int(row["start"]), int(row["end"]))
            except (ValueError, KeyError) as exc:
                raise GoldFolderError(f"{ev_path}:{line_no}: {exc}") from exc
    docs = []
    for line_no, line in enumerate(gold_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            gold = json.loads(line)
        except ValueError as exc:
            raise GoldFolderError(f"{gold_path}:{line_no}: not JSON ({exc})") from exc
        for required in ("doc", "targets"):
            if required not in gold:
                raise GoldFolderError(f"{gold_path}:{line_no}: missing {required!r}")
        text_path = folder / "texts" / gold["doc"]
        try:
            text = text_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise GoldFolderError(f"{gold_path}:{line_no}: text {text_path} not found") from None
        docs.append(LabelledDoc(str(folder), gold["doc"], text, gold, evidence.get(gold["doc"], {})))
    return docs


@dataclass
class Examples:
    """Training rows of the three models: (features, label)."""

    name: list[tuple[list[str], int]] = field(default_factory=list)
    group: list[tuple[list[str], int]] = field(default_factory=list)
    authority: list[tuple[list[str], int]] = field(default_factory=list)

    def extend(self, other: Examples) -> None:
        self.name += other.name
        self.group += other.group
        self.authority += other.authority


def examples_of(ld: LabelledDoc, known: KnownEntities | None = None) -> Examples:
    """The training rows one labelled document gives (see the module docstring)."""
    doc = ld.analysis if ld.analysis is not None else analyse_document(ld.text, known=known)
    ld.analysis = doc
    targets = ld.gold["targets"]
    doc.candidates = [c for c in doc.candidates if not c.synthetic]  # anaphors are rebuilt below
    cands = doc.candidates
    entities, of = doc.entities()
    forms: dict[int, list[str]] = {}
    for k, e in enumerate(entities):
        forms[k] = [cands[i].name or "" for i in e.members]
    out = Examples()
    positives: dict[int, list[int]] = {}  # candidate index -> matched gold target indexes
    for i, cand in enumerate(cands):
        if cand.alias:
            continue
        spans = [(cand.ctx.seg.start, cand.ctx.seg.end)]
        k = cand.ctx.seg.intro
        while k is not None and len(spans) < 4:
            spans.append((doc.segments[k].start, doc.segments[k].end))
            k = doc.segments[k].intro
        if cand.kind == "name":
            names = [cand.name or ""]
            if of[i] is not None:
                names += forms[of[i]]
            matched = [
                ti for ti, t in enumerate(targets)
                if t["type"] != "unnamed_group" and any(names_match(n, t["name"]) for n in names)
            ]
        else:
            matched = [
                ti for ti, t in enumerate(targets)
                if t["type"] == "unnamed_group" and (t["count"] is None or t["count"] == cand.count)
            ]
        overlapping = [ti for ti in matched if _overlaps(ld.evidence.get(ti), spans)]
        rows = out.name if cand.kind == "name" else out.group
        if not matched:
            rows.append((cand.features, 0))
            label = 0
        elif overlapping:
            rows.append((cand.features, 1))
            label = 1
        else:
            continue  # a target mentioned outside its evidence: no example either way
        if label != 1:
            continue
        positives[i] = matched
        _authority_examples(out, doc, cand, matched, overlapping, targets)
    # anaphors ("the four men") refer back to the targets labelled so far
    target_list, by_key, matched_of = [], {}, {}
    for i, matched in positives.items():
        cand = cands[i]
        if cand.kind != "name" or of[i] is None:
            continue
        target_list.append((cand.start, cand.ctx.seg.index, cand.entity_type, of[i]))
        by_key.setdefault(of[i], cands[canonical_member(entities[of[i]], cands)])
        matched_of.setdefault(of[i], set()).update(matched)
    target_list.sort(key=lambda t: t[0])
    for cand in anaphor_candidates(doc, target_list, by_key):
        matched = sorted(matched_of[cand.referent])
        spans = [(cand.ctx.seg.start, cand.ctx.seg.end)]
        overlapping = [ti for ti in matched if _overlaps(ld.evidence.get(ti), spans)]
        _authority_examples(out, doc, cand, matched, overlapping, targets)
    return out


def _authority_examples(out: Examples, doc: DocAnalysis, cand, matched: list[int], overlapping: list[int], targets: list[dict]) -> None:
    """Authority examples of a positive candidate: an authority is right when a gold entry with
    that authority has its evidence in this candidate's segment; any other is no evidence here."""
    for authority, feats in statement_of(doc, cand):
        here = [ti for ti in matched if targets[ti]["authority"] == authority and ti in overlapping]
        if here:
            out.authority.append((authority_features(cand, feats), 1))
        else:
            out.authority.append((authority_features(cand, feats), 0))


def _overlaps(ev: tuple[int, int] | None, spans: list[tuple[int, int]]) -> bool:
    if ev is None:
        return False
    s, e = ev
    return any(s < se and ss < e for ss, se in spans)


def fit(examples: Examples, c: dict[str, float] | None = None) -> Model:
    """Fit the three logistic models; the threshold and calibration are set by `train`."""
    c = {**DEFAULT_C, **(c or {})}
    priors = load_priors()
    return Model(
        name=_fit_binary(examples.name, c["name"], priors.get("name")),
        group=_fit_binary(examples.group, c["group"], priors.get("group")),
        authority=_fit_binary(examples.authority, c["authority"], priors.get("authority")),
        threshold=DEFAULT_THRESHOLD,
        calibration=(),
    )


DEFAULT_THRESHOLD = 0.35


def _fit_binary(rows: list[tuple[list[str], int]], c: float, prior: dict[str, float] | None = None) -> Binary:
    """L2-regularised logistic regression by Newton's method (numpy), on top of hand-set prior weights.

    A prior weight is a fixed offset the fit starts from (`seeds/reference/extractor_priors.csv`:
    a construction the labelled texts show too rarely to learn, such as a speaker named right before
    "said"); the fit learns corrections to it, penalised by 1/c. The stored weight is prior + learned.
    """
    import numpy as np

    prior = prior or {}
    labels = {y for _, y in rows}
    if len(labels) < 2:
        return Binary(0.0 if not labels else (4.0 if labels == {1} else -4.0), dict(prior))
    names = sorted({f for fs, _ in rows for f in fs})
    index = {f: i for i, f in enumerate(names)}
    x = np.zeros((len(rows), len(names) + 1))
    offset = np.zeros(len(rows))
    for r, (fs, _) in enumerate(rows):
        for f in set(fs):
            x[r, index[f]] = 1.0
            offset[r] += prior.get(f, 0.0)
    x[:, -1] = 1.0  # the bias, not penalised
    y = np.array([float(v) for _, v in rows])
    penalty = np.full(len(names) + 1, 1.0 / c)
    penalty[-1] = 0.0
    w = _newton(x, y, offset, penalty)
    weights = {f: round(float(w[i]) + prior.get(f, 0.0), 4) for f, i in index.items() if abs(w[i]) >= 1e-4 or f in prior}
    for f, v in prior.items():
        weights.setdefault(f, v)
    return Binary(round(float(w[-1]), 4), weights)


def load_priors() -> dict[str, dict[str, float]]:
    """Hand-set prior weights per model, from seeds/reference/extractor_priors.csv."""
    import csv

    from sanctrack.extract.lexicon import REFERENCE_DIR

    path = REFERENCE_DIR / "extractor_priors.csv"
    out: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), 2):
            try:
                out.setdefault(row["model"], {})[row["feature"]] = float(row["weight"])
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path} line {line_no}: {exc}") from exc
    return out


@dataclass
class CrossValidation:
    """Leave-one-document-out predictions: for each document, what a model that never saw it found."""

    docs: list[LabelledDoc]
    scored: list[list[ScoredCandidate]]
    models: list[Model]


def cross_validate(docs: list[LabelledDoc], known: KnownEntities | None = None, c: dict[str, float] | None = None) -> CrossValidation:
    """Train on every document but one, score the one left out; for every document.

    With `known`, each fold's model is the known mode (fit_known) over that fold's plain model.
    """
    for d in docs:
        d.analysis = None  # the analysis depends on `known`: start afresh
    per_doc = [examples_of(d, known) for d in docs]
    plain_doc = [without_known(e) for e in per_doc] if known is not None else per_doc
    scored: list[list[ScoredCandidate]] = []
    models: list[Model] = []
    for k, d in enumerate(docs):
        ex, plain = Examples(), Examples()
        for j in range(len(docs)):
            if j != k:
                ex.extend(per_doc[j])
                plain.extend(plain_doc[j])
        model = fit(plain, c)
        if known is not None:
            model = fit_known(ex, model, c)
        models.append(model)
        scored.append(score_candidates(d.analysis, model, floor=0.05))
    return CrossValidation(docs, scored, models)


KNOWN_PREFIX = "known:"


def without_known(examples: Examples) -> Examples:
    """The same examples as the lists would not give them: known-entity evidence removed."""
    strip = lambda rows: [([f for f in fs if not f.startswith(KNOWN_PREFIX)], y) for fs, y in rows]  # noqa: E731
    return Examples(strip(examples.name), strip(examples.group), strip(examples.authority))


def fit_known(examples: Examples, base: Model, c: dict[str, float] | None = None) -> Model:
    """The known mode: the plain model plus non-negative weights for the known-entity evidence,
    fitted with the plain model's score as a fixed offset. A name the lists hold gains; a name they
    do not hold (announced, not listed yet: what analysts look for) scores as it does without lists."""
    c = {**DEFAULT_C, **(c or {})}
    return Model(
        name=_fit_additions(examples.name, base.name, c["name"]),
        group=base.group,
        authority=base.authority,
        threshold=base.threshold,
        calibration=(),
    )


def _fit_additions(rows: list[tuple[list[str], int]], base: Binary, c: float) -> Binary:
    """Weights for the known-entity features only, on top of `base` (its score is the offset)."""
    import numpy as np

    names = sorted({f for fs, _ in rows for f in fs if f.startswith(KNOWN_PREFIX)})
    if not names or len({y for _, y in rows}) < 2:
        return base
    index = {f: i for i, f in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    offset = np.array([base.bias + sum(base.weights.get(f, 0.0) for f in set(fs)) for fs, _ in rows])
    for r, (fs, _) in enumerate(rows):
        for f in set(fs):
            if f in index:
                x[r, index[f]] = 1.0
    y = np.array([float(v) for _, v in rows])
    w = _newton(x, y, offset, np.full(len(names), 1.0 / c))
    weights = dict(base.weights)
    for f, i in index.items():
        if w[i] > 1e-4:  # evidence only adds: a known name never counts against
            weights[f] = round(float(w[i]), 4)
    return Binary(base.bias, weights)


def _newton(x, y, offset, penalty):
    """Minimise logistic loss + 0.5 * sum(penalty * w^2) by Newton's method."""
    import numpy as np

    w = np.zeros(x.shape[1])
    for _ in range(60):
        z = x @ w + offset
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return w


def predictions(cv: CrossValidation, threshold: float, calibration: tuple = ()) -> list[dict]:
    """The scorer's input (evaluate.score_documents) from cross-validated scores at a threshold."""
    out = []
    for d, scored, model in zip(cv.docs, cv.scored, cv.models):
        m = Model(model.name, model.group, model.authority, threshold, calibration)
        rows = rows_from_scores(d.analysis, scored, m, threshold)
        out.append({"doc": d.doc, "folder": d.folder, "gold": d.gold, "predictions": [r.as_record(d.doc) for r in rows]})
    return out


def raw_scores(cv: CrossValidation, floor: float = 0.05) -> list[tuple[float, int]]:
    """(raw row score, 1 if the row is strictly correct) for every cross-validated row above `floor`."""
    from sanctrack.evaluate import strict_matches

    out = []
    for p in predictions(cv, floor):
        ok = strict_matches(p["predictions"], p["gold"]["targets"])
        out.extend((r["confidence"], int(i in ok)) for i, r in enumerate(p["predictions"]))
    return out


def best_threshold(cv: CrossValidation) -> tuple[float, float]:
    """The output threshold that maximises strict F1 over the pooled cross-validated rows, and that F1."""
    from sanctrack.evaluate import score_documents

    best = (DEFAULT_THRESHOLD, -1.0)
    for t in [x / 100 for x in range(15, 71, 5)]:
        f1 = score_documents(predictions(cv, t))["strict"]["f1"]
        if f1 > best[1]:
            best = (t, f1)
    return best


def isotonic(points: Iterable[tuple[float, int]]) -> tuple[tuple[float, float], ...]:
    """Pool-adjacent-violators: (score, correct) pairs -> increasing (score, share correct) steps."""
    pts = sorted(points)
    blocks: list[list[float]] = []  # [sum_y, count, min_x, max_x]
    for x, y in pts:
        blocks.append([float(y), 1.0, x, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            y2, n2, lo2, hi2 = blocks.pop()
            blocks[-1][0] += y2
            blocks[-1][1] += n2
            blocks[-1][3] = hi2
    out: list[tuple[float, float]] = []
    for y, n, lo, hi in blocks:
        value = round(y / n, 4)
        out.append((round(lo, 4), value))
        if hi != lo:
            out.append((round(hi, 4), value))
    return tuple(out)


def train_mode(docs: list[LabelledDoc], known: KnownEntities | None, plain: Model | None = None) -> tuple[Model, dict]:
    """One mode's model: weights from all documents, calibration (and, for the plain mode, the
    threshold) from cross-validation. The known mode keeps the plain mode's threshold."""
    cv = cross_validate(docs, known)
    if known is None:
        threshold, cv_f1 = best_threshold(cv)
    else:
        from sanctrack.evaluate import score_documents

        threshold = plain.threshold if plain is not None else DEFAULT_THRESHOLD
        cv_f1 = score_documents(predictions(cv, threshold))["strict"]["f1"]
    calibration = isotonic(raw_scores(cv))
    everything = Examples()
    for d in docs:
        everything.extend(examples_of(d, known))
    model = fit(without_known(everything) if known is not None else everything)
    if known is not None:
        model = fit_known(everything, model)
    return Model(model.name, model.group, model.authority, threshold, calibration), {"threshold": threshold, "cv_strict_f1": cv_f1}


def train(folders: Sequence[Path], known: KnownEntities | None, out: Path) -> dict:
    """Train both modes on the labelled folders and write the model file; returns the CV figures."""
    docs = [d for folder in folders for d in read_gold_folder(folder)]
    plain, plain_stats = train_mode(docs, None)
    if known is not None:
        with_known, known_stats = train_mode(docs, known, plain)
    else:
        with_known, known_stats = plain, {"note": "no lists given: the known mode is the plain model"}
    models = ModelSet(plain, with_known, tuple(str(Path(f).name) for f in folders))
    out.write_text(json.dumps(models.to_json(), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return {"documents": len(docs), "plain": plain_stats, "known": known_stats}
