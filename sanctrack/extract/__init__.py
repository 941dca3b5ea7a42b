"""Deterministic, explainable extraction of sanctions mentions from news and press releases.

`extract_mentions(text)` returns `Mention`s in document order; `EXTRACTOR_VERSION` names the
rules and the exact reference data (a digest of `seeds/reference/*.csv` used by the rules), so
editing a lexicon changes the version that the warehouse records next to each mention.
"""

from __future__ import annotations

from sanctrack.extract.model import ACTIONS, ENTITY_TYPES, Mention
from sanctrack.extract.reference import reference_digest
from sanctrack.extract.rules import extract as _extract

RULES_VERSION = "rules-1.2"
EXTRACTOR_VERSION: str = f"{RULES_VERSION}+{reference_digest()[:8]}"

__all__ = ["ACTIONS", "ENTITY_TYPES", "EXTRACTOR_VERSION", "RULES_VERSION", "Mention", "extract_mentions"]


def extract_mentions(text: str) -> list[Mention]:
    """Sanctions mentions in `text`: one per target, authority and action, in document order."""
    return _extract(text)
