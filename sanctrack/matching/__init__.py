"""Matching names as they really vary: normalisation, a blocking index and a calibrated score.

`NameIndex.from_parsed(*lists)` or `NameIndex.from_warehouse(con)`, then `index.screen(name)` ->
ranked `Candidate`s with score and evidence. See docs/matching.md.
"""

from __future__ import annotations

from sanctrack.matching.index import Candidate, NameIndex
from sanctrack.matching.normalize import Token, tokenize

# Names linked at or above this score (see docs/matching.md for the measured false-positive rate).
RECOMMENDED_THRESHOLD = 0.80
MATCHER_VERSION = "matching-4"

__all__ = ["MATCHER_VERSION", "RECOMMENDED_THRESHOLD", "Candidate", "NameIndex", "Token", "tokenize"]
