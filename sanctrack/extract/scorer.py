"""Stage 4: decisions. Logistic models over named features, weights learned from labelled texts.

Three decisions, each one model: is a name a target (`name`), is a group a target (`group`), did
this authority act on this target (`authority`); the action is read by rules (frames.py). A model
is a bias and one weight per feature; a score is the bias plus the weights of the features
present, so every decision can be explained by its largest terms. The weights live in
`seeds/reference/extractor_model.json` (written by `sanctrack train`, see learn.py), in two modes:
without and with known entities from the official lists.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
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
        return _sigmoid(self.bias + sum(map(self.weights.get, features, repeat(0.0))))  # in order: the same sum

    def explain(self, features: list[str], top: int = 3) -> list[str]:
        """The features that pushed the decision most, strongest first (ties by name: the same text
        whatever the hash seed)."""
        terms = sorted(((self.weights.get(f, 0.0), f) for f in set(features)), key=lambda t: (-abs(t[0]), t[1]))
        return [f"{f}{w:+.1f}" for w, f in terms[:top] if w]


@dataclass(frozen=True)
class Model:
    """The decision models of one mode (with or without known entities), the output threshold
    and the calibration of `confidence`."""

    name: Binary
    group: Binary
    authority: Binary
    threshold: float  # a (target, authority) row is output at or above this score
    calibration: tuple[tuple[float, float], ...]  # (raw score, share correct), increasing

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
            "threshold": self.threshold,
            "calibration": [list(p) for p in self.calibration],
            **{k: {"bias": m.bias, "weights": dict(sorted(m.weights.items()))}
               for k, m in (("name", self.name), ("group", self.group), ("authority", self.authority))},
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            name=Binary(data["name"]["bias"], data["name"]["weights"]),
            group=Binary(data["group"]["bias"], data["group"]["weights"]),
            authority=Binary(data["authority"]["bias"], data["authority"]["weights"]),
            threshold=float(data["threshold"]),
            calibration=tuple(tuple(p) for p in data["calibration"]),
        )


@dataclass(frozen=True)
class ModelSet:
    """The two trained modes: `plain` for text alone, `known` when the official lists are loaded."""

    plain: Model
    known: Model
    trained_on: tuple[str, ...]

    def pick(self, with_known: bool) -> Model:
        return self.known if with_known else self.plain

    def to_json(self) -> dict:
        return {"trained_on": list(self.trained_on), "plain": self.plain.to_json(), "known": self.known.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> ModelSet:
        return cls(Model.from_json(data["plain"]), Model.from_json(data["known"]), tuple(data.get("trained_on", ())))


@lru_cache(maxsize=4)
def load_models(path: Path = MODEL_PATH) -> ModelSet:
    """The trained models (cached per path). A missing or malformed file is an error that says so."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"extractor model {path} not found: train it with `sanctrack train --gold DIR`") from None
    try:
        return ModelSet.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"extractor model {path} is malformed: {exc}") from exc
