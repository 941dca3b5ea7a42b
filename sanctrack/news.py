"""The news pipeline as plain functions: documents -> extracted frames -> validated frames.

The Prefect flow (flows/news.py) only sequences these; every rule here is testable without Prefect.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from sanctrack.documents import Document, SourceError
from sanctrack.extract import KnownEntities, extract_mentions, extractor_version
from sanctrack.extract.model import Mention
from sanctrack.schemas.news import DocumentFrame, MentionFrame
from sanctrack.schemas.quarantine import Validated, validate_frame

log = logging.getLogger(__name__)

DOCUMENT_COLUMNS = list(DocumentFrame.to_schema().columns)
MENTION_COLUMNS = list(MentionFrame.to_schema().columns)


@dataclass(frozen=True)
class ExtractedBatch:
    documents: pd.DataFrame  # DocumentFrame columns: the documents the warehouse does not hold yet
    sources: pd.DataFrame  # document_id, source_uri: every document read
    mentions: pd.DataFrame  # MentionFrame columns
    mention_locations: pd.Series  # "source_uri:start-end", aligned with mentions
    extracted_ids: list[str]  # documents (re-)extracted in this batch
    skipped: int  # documents already extracted by this extractor version
    failures: list[SourceError] = field(default_factory=list)  # documents the extractor failed on


@dataclass(frozen=True)
class ValidatedBatch:
    documents: Validated
    sources: pd.DataFrame
    mentions: Validated
    extracted_ids: list[str]
    extractor_version: str
    skipped: int


def mention_id(document_id: str, extractor_version: str, m: Mention) -> str:
    key = f"{document_id}|{extractor_version}|{m.start}|{m.end}|{m.authority}|{m.action}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def documents_frame(documents: Iterable[Document]) -> pd.DataFrame:
    rows = [
        {
            "document_id": d.document_id,
            "source_uri": d.source_uri,
            "title": d.title,
            "published_on": pd.Timestamp(d.published_on) if d.published_on else pd.NaT,
            "fetched_at": pd.Timestamp(d.fetched_at).tz_convert("UTC").tz_localize(None),
            "content_type": d.content_type,
            "n_chars": len(d.text),
            "text": d.text,
        }
        for d in documents
    ]
    return pd.DataFrame.from_records(rows, columns=DOCUMENT_COLUMNS)


def mention_rows(document: Document, mentions: Iterable[Mention], extractor_version: str) -> list[dict]:
    return [
        {
            "mention_id": mention_id(document.document_id, extractor_version, m),
            "document_id": document.document_id,
            "extractor_version": extractor_version,
            "name": m.name,
            "entity_type": m.entity_type,
            "count": m.count,
            "role": m.role,
            "affiliation": m.affiliation,
            "authority": m.authority,
            "action": m.action,
            "is_rosatom_linked": m.rosatom_linked,
            "sentence": m.sentence,
            "sentence_start": m.sentence_start,
            "span_start": m.start,
            "span_end": m.end,
            "confidence": m.confidence,
            "cue": m.cue,
        }
        for m in mentions
    ]


@dataclass(frozen=True)
class Extraction:
    """What a run extracts with: the extractor's version for this run (with the lists' fingerprint
    when the official lists are loaded) and the index of listed names, or None."""

    version: str
    lists: KnownEntities | None = None

    @classmethod
    def plain(cls) -> Extraction:
        return cls(extractor_version(None), None)

    @classmethod
    def with_lists(cls, lists: KnownEntities | None) -> Extraction:
        return cls(extractor_version(lists), lists)


def extract_batch(
    documents: list[Document],
    known: Mapping[str, str],
    extraction: Extraction,
) -> ExtractedBatch:
    """Extract the documents not already extracted by this extraction's version.

    `known` maps document_id to the extractor version of its current mentions in the warehouse.
    A document seen twice in a batch (the same text at two URIs) is extracted once. A document the
    extractor fails on is that document's error; the others of the batch go on.
    """
    extractor_version = extraction.version
    failures: list[SourceError] = []
    rows: list[dict] = []
    locations: list[str] = []
    extracted: list[str] = []
    new: list[Document] = []
    skipped = 0
    seen: set[str] = set()
    for document in documents:
        if document.document_id in seen:
            continue
        seen.add(document.document_id)
        if document.document_id not in known:
            new.append(document)
        if known.get(document.document_id) == extractor_version:
            skipped += 1
            continue
        try:
            mentions = extract_mentions(document.text, known=extraction.lists)
        except Exception as exc:  # a bug met on one text must not sink the run: that text's error
            log.exception("event=extraction_failed source=%s", document.source_uri)
            failures.append(SourceError(document.source_uri, f"extraction failed: {type(exc).__name__}: {exc}"))
            continue
        found = mention_rows(document, mentions, extractor_version)
        rows.extend(found)
        locations.extend(f"{document.source_uri}:{r['span_start']}-{r['span_end']}" for r in found)
        extracted.append(document.document_id)
    mentions = pd.DataFrame.from_records(rows, columns=MENTION_COLUMNS)
    if mentions.empty:
        mentions = mentions.astype({"count": "Int64"})
    return ExtractedBatch(
        documents=documents_frame(new),
        sources=pd.DataFrame(
            {"document_id": [d.document_id for d in documents], "source_uri": [d.source_uri for d in documents]},
            dtype="string",
        ),
        mentions=mentions,
        mention_locations=pd.Series(locations, index=mentions.index, dtype="string"),
        extracted_ids=extracted,
        skipped=skipped,
        failures=failures,
    )


def validate_batch(batch: ExtractedBatch, extractor_version: str) -> ValidatedBatch:
    """Hold both frames to their contracts; failing rows go to quarantine with their source location."""
    documents = batch.documents
    return ValidatedBatch(
        documents=validate_frame(documents, DocumentFrame, "documents", documents["source_uri"]),
        sources=batch.sources,
        mentions=validate_frame(batch.mentions, MentionFrame, "mentions", batch.mention_locations),
        extracted_ids=batch.extracted_ids,
        extractor_version=extractor_version,
        skipped=batch.skipped,
    )
