"""Stage 4: decisions. Logistic models over named features, weights learned from labelled texts.

Four decisions, each one model: is a name a target (`name`), is a group a target (`group`), did
this authority act on this target (`authority`), and which action (`action`, four classes). A
model is a bias and one weight per feature; a score is the bias plus the weights of the features
present, so every decision can be explained by its largest terms. The weights live in
`seeds/reference/extractor_model.json` (written by `sanctrack train`, see learn.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sanctrack.extract.lexicon import REFERENCE_DIR

MODEL_PATH = REFERENCE_DIR / "extractor_model.json"
ACTION_CLASSES: tuple[str, ...] = ("designated", "existing", "delisted", "proposed")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class Binary:
    """A binary logistic model: P(yes | features)."""

    bias: float
    weights: dict[str, float]

    def probability(self, features: list[str]) -> float:
        w = self.weights
        return _sigmoid(self.bias + sum(w.get(f, 0.0) for f in features))

    def explain(self, features: list[str], top: int = 3) -> list[str]:
        """The features that pushed the decision most, strongest first."""
        terms = sorted(((self.weights.get(f, 0.0), f) for f in set(features)), key=lambda t: -abs(t[0]))
        return [f"{f}{w:+.1f}" for w, f in terms[:top] if w]


@dataclass(frozen=True)
class Multiclass:
    """A multinomial logistic model: P(class | features)."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def probabilities(self, features: list[str]) -> dict[str, float]:
        scores = list(self.bias)
        for f in features:
            row = self.weights.get(f)
            if row is not None:
                for i, v in enumerate(row):
                    scores[i] += v
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps)}


@dataclass(frozen=True)
class Model:
    """Every decision model, the output threshold and the confidence calibration."""

    name: Binary
    group: Binary
    authority: Binary
    action: Multiclass
    threshold: float  # a (target, authority, action) row is output at or above this score
    calibration: tuple[tuple[float, float], ...]  # (raw score, calibrated confidence), increasing
    trained_on: tuple[str, ...]

    def calibrate(self, raw: float) -> float:
        """Map a raw row score to the share of rows that were correct at that score (isotonic)."""
        points = self.calibration
        if not points:
            return raw
        if raw <= points[0][0]:
            return points[0][1]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if raw <= x1:
                return y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)
        return points[-1][1]

    def to_json(self) -> dict:
        return {
            "trained_on": list(self.trained_on),
            "threshold": self.threshold,
            "calibration": [list(p) for p in self.calibration],
            "name": {"bias": self.name.bias, "weights": self.name.weights},
            "group": {"bias": self.group.bias, "weights": self.group.weights},
            "authority": {"bias": self.authority.bias, "weights": self.authority.weights},
            "action": {"classes": list(self.action.classes), "bias": list(self.action.bias),
                       "weights": {k: list(v) for k, v in self.action.weights.items()}},
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            name=Binary(data["name"]["bias"], data["name"]["weights"]),
            group=Binary(data["group"]["bias"], data["group"]["weights"]),
            authority=Binary(data["authority"]["bias"], data["authority"]["weights"]),
            action=Multiclass(
                tuple(data["action"]["classes"]),
                tuple(data["action"]["bias"]),
                {k: tuple(v) for k, v in data["action"]["weights"].items()},
            ),
            threshold=data["threshold"],
            calibration=tuple(tuple(p) for p in data["calibration"]),
            trained_on=tuple(data.get("trained_on", ())),
        )


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> Model:
    """The trained model (cached per path). A missing or malformed file is an error that says so."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"extractor model {path} not found: train it with `sanctrack train --gold DIR`") from None
    try:
        return Model.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"extractor model {path} is malformed: {exc}") from exc
