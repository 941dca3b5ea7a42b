"""Contracts of the official-lists side: designations and their names, identifiers, addresses,
birth dates, nationalities and other properties, each keyed by (authority, list_id)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

AUTHORITIES = ["UK", "US", "EU", "UN"]
ENTITY_TYPES = ["person", "organisation", "vessel", "aircraft"]
ALIAS_TYPES = ["primary", "primary_variation", "aka", "fka", "nka"]
ALIAS_QUALITIES = ["good", "low", "strong", "weak"]
SHA256_HEX = r"^[0-9a-f]{64}$"
# Partial dates stay partial: a year alone, a year and month, or a full date.
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class DesignationKey(pa.DataFrameModel):
    """The key every list table shares: the authority and the list's own id for the entry."""

    authority: Series[str] = pa.Field(isin=AUTHORITIES)
    list_id: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


class DesignationFrame(DesignationKey):
    """One row per list entry in one version of a list."""

    list_name: Series[str] = pa.Field(str_length={"min_value": 1})
    list_ref: Series[str] = pa.Field(nullable=True)
    entity_type: Series[str] = pa.Field(isin=ENTITY_TYPES)
    primary_name: Series[str] = pa.Field(str_length={"min_value": 1})
    regimes: Series[str] = pa.Field(nullable=True)
    listed_on: Series[pa.DateTime] = pa.Field(nullable=True)
    last_updated: Series[pa.DateTime] = pa.Field(nullable=True)
    remarks: Series[str] = pa.Field(nullable=True)
    statement_of_reasons: Series[str] = pa.Field(nullable=True)
    parent_company: Series[str] = pa.Field(nullable=True)
    source_position: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    content_hash: Series[str] = pa.Field(str_matches=SHA256_HEX)

    class Config:
        strict = True
        coerce = True
        unique = ["authority", "list_id"]


class NameFrame(DesignationKey):
    """A name of a designation: the primary name, its variations and aliases, with non-Latin script."""

    full_name: Series[str] = pa.Field(str_length={"min_value": 1})
    alias_type: Series[str] = pa.Field(isin=ALIAS_TYPES)
    alias_quality: Series[str] = pa.Field(nullable=True, isin=ALIAS_QUALITIES)
    title: Series[str] = pa.Field(nullable=True)
    name_non_latin: Series[str] = pa.Field(nullable=True)
    non_latin_script: Series[str] = pa.Field(nullable=True)
    non_latin_language: Series[str] = pa.Field(nullable=True)
    source_position: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)


class IdentifierFrame(DesignationKey):
    """A passport, national id, IMO number, registration or other identifier."""

    id_type: Series[str] = pa.Field(str_length={"min_value": 1})
    id_number: Series[str] = pa.Field(str_length={"min_value": 1})
    country: Series[str] = pa.Field(nullable=True)
    details: Series[str] = pa.Field(nullable=True)


class AddressFrame(DesignationKey):
    """An address as the list gives it."""

    address: Series[str] = pa.Field(nullable=True)
    city: Series[str] = pa.Field(nullable=True)
    postal_code: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="an address needs a street, city, postal code or country")
    def address_is_not_empty(cls, df: pd.DataFrame) -> Series[bool]:
        return df[["address", "city", "postal_code", "country"]].notna().any(axis=1)


class BirthDateFrame(DesignationKey):
    """A birth date, partial where the list gives only a year or a month; ranges in year_from..year_to."""

    birth_date: Series[str] = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    year_from: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1800, le=2100)
    year_to: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1800, le=2100)
    is_approximate: Series[bool]
    raw_value: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(error="a birth date needs a date or a year (the raw value did not parse)")
    def birth_date_is_parsed(cls, df: pd.DataFrame) -> Series[bool]:
        return df["birth_date"].notna() | df["year_from"].notna()


class NationalityFrame(DesignationKey):
    """A nationality or citizenship."""

    country: Series[str] = pa.Field(str_length={"min_value": 1})


class PropertyFrame(DesignationKey):
    """A fact with no column of its own: a list membership, a sanction imposed, a gender, a website..."""

    property: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    value: Series[str] = pa.Field(str_length={"min_value": 1})


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "designations": DesignationFrame,
    "names": NameFrame,
    "identifiers": IdentifierFrame,
    "addresses": AddressFrame,
    "birth_dates": BirthDateFrame,
    "nationalities": NationalityFrame,
    "properties": PropertyFrame,
}
