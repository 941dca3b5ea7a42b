"""What the two UK publications share: one list, one key, one vocabulary.

The OFSI Consolidated List (ConList, frozen since 28 January 2026) and the FCDO UK Sanctions List
publish the same UK designations. Both are loaded as one list, `UK Sanctions List`, keyed by the
designation's Unique ID (`RUS2389`: the FCDO "Unique ID", the ConList's "UK Sanctions List Ref"), so
that a designation keeps one history across the change of format. An entry whose Unique ID its file
does not give (or gives to several entries) is keyed provisionally by its OFSI Group ID (`OFSI-16681`)
until a later file gives it; the loader then re-keys its earlier versions (`former_ids`).
"""

from __future__ import annotations

import html
import logging
import re

import pandas as pd

from sanctrack.lists.model import clean_text, iso_partial_dates, vocabulary

log = logging.getLogger(__name__)

AUTHORITY = "UK"
LIST_NAME = "UK Sanctions List"
# Unique IDs are a regime prefix and four digits (RUS2389, AQD0013, CHW0044).
UNIQUE_ID = r"[A-Z]{3}\d{4}"
PROVISIONAL_PREFIX = "OFSI-"


def provisional_ids(group_ids: pd.Series) -> pd.Series:
    """The provisional key of an entry known only by its OFSI Group ID."""
    return PROVISIONAL_PREFIX + group_ids.astype("str")


def list_ids(refs: pd.Series, group_ids: pd.Series, source: str) -> pd.Series:
    """Each entry's key: its Unique ID, or its provisional OFSI key where the file gives none or gives it twice.

    A Unique ID claimed by several entries of one file (the 2022 ConList gives RUS1024 to two people)
    cannot say which of them it belongs to: both are keyed by their Group IDs, with a warning.
    """
    refs = clean_text(refs.astype("str"))
    valid = refs.str.fullmatch(UNIQUE_ID).fillna(False).astype(bool)
    shared = valid & refs.duplicated(keep=False)
    if shared.any():
        log.warning("%s: UK Unique IDs given to several entries, keyed by their OFSI Group IDs instead: %s",
                    source, sorted(set(refs[shared])))
    missing = int((~valid).sum())
    if missing:
        log.info("%s: %d UK entries without a Unique ID, keyed by their OFSI Group IDs (e.g. %s)", source, missing,
                 group_ids[~valid].astype("str").tolist()[:5])
    keep = valid & ~shared
    return refs.where(keep, provisional_ids(group_ids)).astype("str")


def former_ids(keys: pd.Series, group_ids: pd.Series) -> pd.DataFrame:
    """(list_id, former_list_id): the provisional key an entry with a Unique ID may have had in an older file."""
    known = group_ids.notna() & ~keys.str.startswith(PROVISIONAL_PREFIX)
    return pd.DataFrame({
        "list_id": keys[known].astype("str").values,
        "former_list_id": provisional_ids(group_ids[known]).values,
    })


def regime_names(values: pd.Series, source: str) -> pd.Series:
    """Regimes by their short names (`Russia`): the FCDO writes the regulation's title, mapped here.

    A title not in the vocabulary is kept as written, with a warning: a new regime must not lose its entries.
    """
    voc = vocabulary()
    voc = voc[(voc["authority"] == AUTHORITY) & (voc["field"] == "regime")]
    table = dict(zip(voc["source_value"], voc["value"]))
    text = clean_text(values.astype("str"))
    unknown = sorted(set(text.dropna()) - set(table) - set(table.values()))
    if unknown:
        log.warning("%s: unknown UK regime title(s), kept as written: %s", source, unknown)
    return text.map(lambda v: table.get(v, v) if isinstance(v, str) else v)


# Facts of an entry that have no column of their own: the FCDO field, the ConList's Other Information
# sub-field, and the property they become.
PROPERTIES = [
    # (FCDO XML element, FCDO CSV column, ConList sub-field or column, property)
    ("Gender", "Gender", "Gender", "gender"),
    ("PhoneNumber", "Phone number", "Phone number", "phone"),
    ("Website", "Website", "Website", "website"),
    ("EmailAddress", "Email address", "Email address", "email"),
    ("Position", "Position", "Position", "position"),
    ("TownOfBirth", "Town of birth", "Town of Birth", "town_of_birth"),
    ("CountryOfBirth", "Country of birth", "Country of Birth", "country_of_birth"),
    ("TypeOfEntity", "Type of entity", "Type of entity", "type_of_entity"),
    ("Subsidiary", "Subsidiaries", "Subsidiaries", "subsidiary"),
    ("CurrentOwnerOperator", "Current owner/operator (s)", "Current owners", "ship_owner"),
    ("PreviousOwnerOperator", "Previous owner/operator (s)", None, "ship_previous_owner"),
    ("CurrentBelievedFlagOfShip", "Current believed flag of ship", "Flag of ship", "ship_flag"),
    ("PreviousFlag", "Previous flags", "Previous flags", "ship_previous_flag"),
    ("TypeOfShip", "Type of ship", "Type of ship", "ship_type"),
    ("TonnageOfShip", "Tonnage of ship", "Tonnage of ship", "ship_tonnage"),
    ("LengthOfShip", "Length of ship", "Length of ship", "ship_length"),
    ("YearBuilt", "Year Built", "Year built", "ship_year_built"),
    ("HullIdentificationNumber", "Hull identification number (HIN)", None, "ship_hull_id"),
]


def properties_frame(list_ids_, props, values, packed: re.Pattern | None = None) -> pd.DataFrame:
    """Property rows with clean values: one fact per row (split by `packed` where given), whitespace runs
    collapsed, trailing punctuation dropped, empty values left out, duplicates kept once.

    A plain loop: these are tens of thousands of short texts, and pandas string methods cost more here.
    """
    rows = set()
    for list_id, prop, value in zip(list_ids_, props, values):
        if not isinstance(value, str):
            continue
        for part in packed.split(value) if packed else (value,):
            text = " ".join(part.split()).rstrip(".;, ")
            if text:
                rows.add((str(list_id), str(prop), text))
    frame = pd.DataFrame(sorted(rows), columns=["list_id", "property", "value"], dtype="str")
    frame.insert(0, "authority", AUTHORITY)
    return frame


def statement_of_reasons(values: pd.Series) -> pd.Series:
    """A statement of reasons with its lines stripped and blank lines dropped (NA when nothing is left).

    The FCDO starts every statement with a line break (and a UN designation's is nothing else); the
    ConList writes the same text with the same line breaks inside one cell.
    """
    def tidy(text: object) -> str | None:
        if not isinstance(text, str):
            return None
        # The FCDO escapes some texts twice: `&quot;` is still in the text once the XML is read.
        lines = [" ".join(line.split()) for line in html.unescape(text).splitlines()]
        return "\n".join(line for line in lines if line) or None

    return values.map(tidy).astype("str")


def remarks(values: pd.Series) -> pd.Series:
    """Other Information as comparable free text: HTML entities read, whitespace runs collapsed, NA when empty."""
    text = values.map(lambda v: html.unescape(v) if isinstance(v, str) else v).astype("str")
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    return text.mask(text == "")


# `07/06/1981`, `00/00/1994`, `dd/mm/1972`, `05/1970`, `1994`; the FCDO sometimes keeps a spreadsheet's
# leading apostrophe (`'00/00/1975`). Zeros and `dd`/`mm` are an unknown day or month.
_DOB = r"^'?\s*(?:(?:(\d{1,2}|dd)/)?(\d{1,2}|mm)/)?(\d{4})$"


def birth_dates(list_ids_: pd.Series, raw: pd.Series) -> pd.DataFrame:
    """Distinct birth dates, partial dates kept partial; a value that does not parse keeps its raw text
    (and fails the birth-date contract, so it is quarantined with the reason rather than guessed)."""
    raw = clean_text(raw.astype("str"))
    frame = pd.DataFrame({"list_id": list_ids_.astype("str").values, "raw": raw.values}).dropna().drop_duplicates()
    parts = frame["raw"].str.extract(_DOB)
    day = parts[0].mask(parts[0] == "dd")
    month = parts[1].mask(parts[1] == "mm")
    year = pd.to_numeric(parts[2], errors="coerce").astype("Int64")
    return pd.DataFrame({
        "authority": AUTHORITY,
        "list_id": frame["list_id"],
        "birth_date": iso_partial_dates(parts[2], month, day),
        "year_from": year,
        "year_to": year,
        "is_approximate": False,
        "raw_value": frame["raw"].str.lstrip("'").str.strip(),
    })
