"""Contracts of the news side of the warehouse: documents, mentions, runs."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from sanctrack.extract.model import ACTIONS, ENTITY_TYPES

SHA256_HEX = r"^[0-9a-f]{64}$"


class DocumentFrame(pa.DataFrameModel):
    """One row per distinct document text (keyed by the sha256 of the text)."""

    document_id: Series[str] = pa.Field(str_matches=SHA256_HEX, unique=True)
    source_uri: Series[str] = pa.Field(str_length={"min_value": 1})
    title: Series[str] = pa.Field(nullable=True)
    published_on: Series[pa.DateTime] = pa.Field(nullable=True)
    fetched_at: Series[pa.DateTime]
    content_type: Series[str] = pa.Field(isin=["text/plain", "text/html"])
    n_chars: Series[int] = pa.Field(ge=1)
    text: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


class MentionFrame(pa.DataFrameModel):
    """One row per target, authority and action found in a document by one extractor version."""

    mention_id: Series[str] = pa.Field(unique=True)
    document_id: Series[str] = pa.Field(str_matches=SHA256_HEX)
    extractor_version: Series[str] = pa.Field(str_length={"min_value": 1})
    name: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    entity_type: Series[str] = pa.Field(isin=list(ENTITY_TYPES))
    count: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    role: Series[str] = pa.Field(nullable=True)
    affiliation: Series[str] = pa.Field(nullable=True)
    authority: Series[str] = pa.Field(str_length={"min_value": 2})
    action: Series[str] = pa.Field(isin=list(ACTIONS))
    is_rosatom_linked: Series[bool]
    sentence: Series[str] = pa.Field(str_length={"min_value": 1})
    sentence_start: Series[int] = pa.Field(ge=0)
    span_start: Series[int] = pa.Field(ge=0)
    span_end: Series[int] = pa.Field(ge=1)
    confidence: Series[float] = pa.Field(ge=0.0, le=1.0)
    cue: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(error="span_end must be greater than span_start")
    def span_is_not_empty(cls, df: pd.DataFrame) -> Series[bool]:
        return df["span_end"] > df["span_start"]

    @pa.dataframe_check(error="a named target needs a name; an unnamed group has none")
    def name_matches_entity_type(cls, df: pd.DataFrame) -> Series[bool]:
        return df["name"].isna() == (df["entity_type"] == "unnamed_group")

    @pa.dataframe_check(error="a named target has count 1")
    def named_targets_count_one(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["entity_type"] == "unnamed_group") | (df["count"] == 1)

    class Config:
        strict = True
        coerce = True
