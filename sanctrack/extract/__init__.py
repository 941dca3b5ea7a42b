"""Sanctions mentions from news and press releases: candidates, evidence, learned decisions.

`extract_mentions(text, known=None)` returns `Mention`s in document order (extractor.py);
`known` is the index of listed names (known.py) when the official lists are at hand.
`EXTRACTOR_VERSION` names the code generation, the lexicons and the trained model (a digest of
`seeds/reference/` files the extractor reads), so that editing a lexicon or retraining changes the
version the warehouse records with each mention; `extractor_version(known)` adds the lists.
"""

from __future__ import annotations

import hashlib

from sanctrack.extract.extractor import extract_mentions
from sanctrack.extract.known import KnownEntities
from sanctrack.extract.lexicon import lexicon_digest
from sanctrack.extract.model import ACTIONS, ENTITY_TYPES, Mention
from sanctrack.extract.scorer import MODEL_PATH

EXTRACTOR_GENERATION = "evidence-1"


def _digest() -> str:
    model = MODEL_PATH.read_bytes() if MODEL_PATH.is_file() else b"untrained"
    return hashlib.sha256((lexicon_digest() + hashlib.sha256(model).hexdigest()).encode()).hexdigest()[:8]


EXTRACTOR_VERSION: str = f"{EXTRACTOR_GENERATION}+{_digest()}"

__all__ = ["ACTIONS", "ENTITY_TYPES", "EXTRACTOR_VERSION", "KnownEntities", "Mention", "extract_mentions", "extractor_version"]


def extractor_version(known: KnownEntities | None = None) -> str:
    """The version of the extraction a run performs: the extractor's, and the lists it recognises."""
    return EXTRACTOR_VERSION if known is None else f"{EXTRACTOR_VERSION}+lists:{known.fingerprint}"
