"""Learning the decision weights: labels from a gold folder, the fit, cross-validation, calibration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sanctrack.extract.extractor import extract_mentions
from sanctrack.extract.learn import (
    GoldFolderError,
    examples_of,
    fit,
    isotonic,
    load_priors,
    read_gold_folder,
    train,
)
from sanctrack.extract.scorer import Binary, ModelSet, load_models

SMALL = Path(__file__).parent / "fixtures" / "gold_small"


def test_a_gold_folder_reads_texts_gold_and_evidence() -> None:
    docs = read_gold_folder(SMALL)
    assert [d.doc for d in docs] == ["a.txt", "b.txt", "c.txt"]
    assert docs[0].evidence[0][0] < docs[0].evidence[0][1]


def test_a_missing_text_is_named_with_the_gold_line(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "gold.jsonl").write_text(json.dumps({"doc": "gone.txt", "targets": []}) + "\n", encoding="utf-8")
    with pytest.raises(GoldFolderError, match=r"gold.jsonl:1: text .*gone.txt not found"):
        read_gold_folder(tmp_path)


def test_targets_in_their_evidence_sentence_are_positive_and_bystanders_negative() -> None:
    docs = {d.doc: d for d in read_gold_folder(SMALL)}
    ex = examples_of(docs["a.txt"])
    by_name = {c.name: c for c in docs["a.txt"].analysis.candidates}
    labels = {by_name_of(by_name, f): y for f, y in ex.name}
    assert labels["Ivan Petrov"] == 1 and labels["Oleg Sidorov"] == 1
    assert labels.get("Jane Holt", 0) == 0
    assert any(y == 1 for _, y in ex.authority)


def by_name_of(by_name: dict, features: list[str]) -> str:
    return next(name for name, c in by_name.items() if c.features is features)


def test_the_fit_learns_weights_on_top_of_the_priors() -> None:
    rows = [(["good"], 1)] * 20 + [(["bad"], 0)] * 20 + [(["good", "bad"], 1)] * 5
    model = fit_rows(rows)
    assert model.probability(["good"]) > 0.85 and model.probability(["bad"]) < 0.25
    assert model.weights["bad"] < -1.0  # the prior (-1.0) plus what the data add


def fit_rows(rows: list[tuple[list[str], int]]) -> Binary:
    from sanctrack.extract.learn import _fit_binary

    return _fit_binary(rows, 0.5, {"bad": -1.0})


def test_priors_are_read_from_the_reference_data() -> None:
    priors = load_priors()
    assert priors["name"]["right:speech"] < 0 and priors["name"]["gov:sanction_verb"] > 0


def test_isotonic_calibration_is_monotone_and_matches_shares() -> None:
    points = [(0.1, 0), (0.2, 0), (0.3, 1), (0.4, 0), (0.8, 1), (0.9, 1)]
    steps = isotonic(points)
    values = [v for _, v in steps]
    assert values == sorted(values)
    assert steps[0][1] == 0.0 and steps[-1][1] == 1.0


def test_training_writes_a_model_both_modes_can_use(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    stats = train([SMALL], None, out)
    assert stats["documents"] == 3 and 0.0 <= stats["plain"]["cv_strict_f1"] <= 1.0
    models = ModelSet.from_json(json.loads(out.read_text(encoding="utf-8")))
    text = (SMALL / "texts" / "a.txt").read_text(encoding="utf-8")
    assert {m.name for m in extract_mentions(text, models=models)} >= {"Ivan Petrov"}


def test_the_shipped_model_loads_and_has_both_modes() -> None:
    models = load_models()
    assert 0.0 < models.plain.threshold < 1.0 and 0.0 < models.known.threshold < 1.0
    assert models.plain.name.weights and models.known.authority.weights
    assert {"dev", "dev2"} <= set(models.trained_on)


def test_examples_of_the_shipped_model_fit_are_reproducible() -> None:
    # Two analyses of one text give the same examples: the learned weights do not depend on order.
    docs_a = read_gold_folder(SMALL)
    docs_b = read_gold_folder(SMALL)
    assert [examples_of(d).name for d in docs_a] == [examples_of(d).name for d in docs_b]


def test_fit_of_two_documents_scores_the_third_without_error() -> None:
    docs = read_gold_folder(SMALL)
    from sanctrack.extract.learn import Examples

    ex = Examples()
    for d in docs[:2]:
        ex.extend(examples_of(d))
    model = fit(ex)
    assert 0.0 <= model.name.probability(["gov:sanction_verb"]) <= 1.0
