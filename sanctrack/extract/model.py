"""The shape of one extracted sanctions mention, shared by the extractor, the CLI and the flows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

EntityType = Literal["person", "organisation", "vessel", "unnamed_group"]
Action = Literal["designated", "delisted", "proposed", "existing"]

ENTITY_TYPES: tuple[str, ...] = ("person", "organisation", "vessel", "unnamed_group")
ACTIONS: tuple[str, ...] = ("designated", "delisted", "proposed", "existing")


@dataclass(frozen=True, slots=True)
class Mention:
    """One sanctioned target, for one authority and one action, found in one document.

    `start`/`end` are character offsets into the document text of the name as written
    (or of the group phrase for an unnamed group): `text[start:end]` is the span.
    `sentence_start` is the offset of `sentence` in the document.
    """

    name: str | None
    entity_type: str
    count: int | None
    role: str | None
    affiliation: str | None
    authority: str
    action: str
    rosatom_linked: bool
    sentence: str
    sentence_start: int
    start: int
    end: int
    confidence: float
    cue: str

    def as_record(self, doc: str) -> dict:
        """The JSON-lines record of the `extract` command (documented field order)."""
        record = {"doc": doc}
        record.update(asdict(self))
        del record["sentence_start"]
        return record
