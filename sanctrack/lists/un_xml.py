"""UN Security Council Consolidated List XML.

Root `CONSOLIDATED_LIST dateGenerated=…`, no namespace; `INDIVIDUAL` and `ENTITY` records; names in
FIRST_NAME..FOURTH_NAME; aliases with QUALITY; LISTED_ON is yyyy-mm-dd, sometimes with a time-zone
suffix (`2015-07-01-04:00`); DOB may be DATE, YEAR, FROM_YEAR/TO_YEAR or only TYPE_OF_DATE.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from sanctrack.lists.model import CHILD_TABLES, ListFormatError, ParsedList, RecordRows, map_vocabulary, parse_dates, sha256_of
from sanctrack.lists.xmlsafe import iter_elements, root_info, text_of

log = logging.getLogger(__name__)

AUTHORITY = "UN"
LIST_NAME = "UN Security Council Consolidated List"
NAME_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def iso_day(text: str | None) -> str | None:
    """The yyyy-mm-dd part of a UN date, dropping a time-zone suffix (`2015-07-01-04:00`)."""
    return text[:10] if text else None


def parse_birth_date(record_id: str, dob, rows: RecordRows) -> None:
    """One INDIVIDUAL_DATE_OF_BIRTH: DATE, YEAR or FROM_YEAR/TO_YEAR; TYPE_OF_DATE alone says nothing."""
    kind = text_of(dob.find("TYPE_OF_DATE"))
    day, year = iso_day(text_of(dob.find("DATE"))), text_of(dob.find("YEAR"))
    year_from, year_to = text_of(dob.find("FROM_YEAR")), text_of(dob.find("TO_YEAR"))
    if not (day or year or year_from or year_to):
        return
    raw = " ".join(f"{t}={v}" for t, v in (("TYPE_OF_DATE", kind), ("DATE", day), ("YEAR", year),
                                           ("FROM_YEAR", year_from), ("TO_YEAR", year_to)) if v)
    first = (day or year or year_from or "")[:4]
    rows.add("birth_dates", list_id=record_id, birth_date=day or year, year_from=int(first) if first else None,
             year_to=int((year_to or day or year or first)[:4]), is_approximate=kind in ("APPROXIMATELY", "BETWEEN"),
             raw_value=raw)


def parse_designation(n: int, record, rows: RecordRows) -> None:
    """One INDIVIDUAL or ENTITY record and its aliases, documents, addresses, birth dates, nationalities."""
    record_id = text_of(record.find("DATAID"))
    kind = record.tag
    updated = sorted(iso_day(text_of(v)) for v in record.iterfind("LAST_DAY_UPDATED/VALUE") if text_of(v))
    primary = " ".join(x for x in (text_of(record.find(t)) for t in NAME_TAGS) if x) or None
    rows.add("designations", list_name=LIST_NAME, list_id=record_id, list_ref=text_of(record.find("REFERENCE_NUMBER")),
             entity_type=kind, primary_name=primary, regimes=text_of(record.find("UN_LIST_TYPE")),
             listed_on=iso_day(text_of(record.find("LISTED_ON"))), last_updated=updated[-1] if updated else None,
             remarks=text_of(record.find("COMMENTS1")), statement_of_reasons=None, parent_company=None,
             source_position=n)
    titles = "; ".join(text_of(v) for v in record.iterfind("TITLE/VALUE") if text_of(v)) or None
    rows.add("names", list_id=record_id, full_name=primary, alias_type="primary", alias_quality=None, title=titles,
             name_non_latin=text_of(record.find("NAME_ORIGINAL_SCRIPT")), non_latin_script=None,
             non_latin_language=None, source_position=n)
    for alias in record.iterfind(f"{kind}_ALIAS"):
        name = text_of(alias.find("ALIAS_NAME"))
        if name is None:
            continue  # the UN writes an empty alias element where there is none
        quality = text_of(alias.find("QUALITY")) or ""
        rows.add("names", list_id=record_id, full_name=name, alias_type=quality, alias_quality=quality, title=None,
                 name_non_latin=None, non_latin_script=None, non_latin_language=None, source_position=n)
    for document in record.iterfind("INDIVIDUAL_DOCUMENT"):
        number = text_of(document.find("NUMBER"))
        if number is None:
            continue
        label = " ".join((text_of(document.find("TYPE_OF_DOCUMENT")) or "").split())
        details = "; ".join(x for x in (text_of(document.find("TYPE_OF_DOCUMENT2")), text_of(document.find("NOTE")),
                                        text_of(document.find("DATE_OF_ISSUE"))) if x)
        rows.add("identifiers", list_id=record_id, id_type=label or None, id_number=number,
                 country=text_of(document.find("ISSUING_COUNTRY")) or text_of(document.find("COUNTRY_OF_ISSUE")),
                 details=details or None)
    for address in record.iterfind(f"{kind}_ADDRESS"):
        street, city = text_of(address.find("STREET")), text_of(address.find("CITY"))
        state, country = text_of(address.find("STATE_PROVINCE")), text_of(address.find("COUNTRY"))
        note = text_of(address.find("NOTE"))
        if not (street or city or state or country):
            continue
        rows.add("addresses", list_id=record_id, address=", ".join(x for x in (street, note) if x) or None,
                 city=", ".join(x for x in (city, state) if x) or None, postal_code=text_of(address.find("ZIP_CODE")),
                 country=country)
    for dob in record.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        parse_birth_date(record_id, dob, rows)
    for value in record.iterfind("NATIONALITY/VALUE"):
        if text_of(value):
            rows.add("nationalities", list_id=record_id, country=text_of(value))


def parse_un_xml(path: Path) -> ParsedList:
    """Parse the UN consolidated XML."""
    _, root, attributes = root_info(path)
    generated = attributes.get("dateGenerated")
    if root != "CONSOLIDATED_LIST" or not generated:
        raise ListFormatError(path, "root element", f"expected CONSOLIDATED_LIST with dateGenerated, found {root}")
    rows = RecordRows()
    for n, record in iter_elements(path, ("INDIVIDUAL", "ENTITY")):
        parse_designation(n, record, rows)
    source = str(path)
    tables = {t: rows.frame(t, AUTHORITY) for t in ["designations", *CHILD_TABLES]}
    designations = tables["designations"]
    designations["entity_type"] = map_vocabulary(designations["entity_type"], AUTHORITY, "entity_type", source)
    for column in ("listed_on", "last_updated"):
        designations[column] = parse_dates(designations[column], "%Y-%m-%d", source, column)
    names = tables["names"]
    aliases = names["alias_type"] != "primary"
    names.loc[aliases, "alias_quality"] = map_vocabulary(names.loc[aliases, "alias_quality"], AUTHORITY,
                                                         "alias_quality", source)
    names.loc[aliases, "alias_type"] = map_vocabulary(names.loc[aliases, "alias_type"], AUTHORITY, "alias_type", source)
    return ParsedList(
        authority=AUTHORITY, list_name=LIST_NAME, format="un_xml", source_file=source, sha256=sha256_of([path]),
        published_on=pd.Timestamp(generated[:10]).date(), **tables,
    )
