"""EU consolidated financial sanctions file (FSF), XML 1.1.

Namespace `http://eu.europa.ec/fpi/fsd/export`, root `export generationDate=…`; one `sanctionEntity`
per designation; data in attributes, empty strings for absent values, `countryIso2Code="00"` for unknown.
The first nameAlias of an entity is taken as its primary name (the file has no primary flag).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from sanctrack.lists.model import (
    CHILD_TABLES, ListFormatError, ParsedList, RecordRows, map_vocabulary, parse_dates, sha256_of,
)
from sanctrack.lists.xmlsafe import iter_elements, root_info, text_of

log = logging.getLogger(__name__)

AUTHORITY = "EU"
LIST_NAME = "EU Consolidated Financial Sanctions List"
NS = "http://eu.europa.ec/fpi/fsd/export"
Q = f"{{{NS}}}"


def attr(element, name: str) -> str | None:
    """An attribute value, None where absent or empty."""
    value = (element.get(name) or "").strip()
    return value or None


def country_of(element) -> str | None:
    """The country description, None for the `00` unknown code."""
    if element.get("countryIso2Code") == "00":
        return None
    return attr(element, "countryDescription")


def parse_birth_date(entity_id: str, birth, rows: RecordRows) -> None:
    """One birthdate: a full date, a year and month, a year, or a year range; `circa` kept."""
    full, year, month = attr(birth, "birthdate"), attr(birth, "year"), attr(birth, "monthOfYear")
    year_from, year_to = attr(birth, "yearRangeFrom"), attr(birth, "yearRangeTo")
    if not (full or year or year_from or year_to):
        return
    iso = full or (f"{year}-{int(month):02d}" if year and month else year)
    raw = " ".join(f"{k}={birth.get(k)}" for k in ("birthdate", "year", "monthOfYear", "dayOfMonth", "yearRangeFrom",
                                                    "yearRangeTo", "circa") if attr(birth, k))
    first = (iso or year_from or "")[:4]
    last = (year_to or iso or first or "")[:4]
    rows.add("birth_dates", list_id=entity_id, birth_date=iso, year_from=int(first) if first else None,
             year_to=int(last) if last else None, is_approximate=birth.get("circa") == "true" or bool(year_from),
             raw_value=raw)


def parse_designation(n: int, entity, rows: RecordRows) -> None:
    """One sanctionEntity and its name aliases, identifications, addresses, birth dates, citizenships."""
    entity_id = attr(entity, "logicalId")
    aliases = list(entity.iterfind(Q + "nameAlias"))
    primary = attr(aliases[0], "wholeName") if aliases else None
    subject = entity.find(Q + "subjectType")
    programmes = sorted({attr(r, "programme") for r in entity.iterfind(Q + "regulation") if attr(r, "programme")})
    published = sorted(attr(r, "publicationDate") for r in entity.iterfind(Q + "regulation") if attr(r, "publicationDate"))
    rows.add("designations", list_name=LIST_NAME, list_id=entity_id, list_ref=attr(entity, "euReferenceNumber"),
             entity_type=subject.get("code") if subject is not None else None, primary_name=primary,
             regimes="; ".join(programmes) or None,
             listed_on=attr(entity, "designationDate") or (published[0] if published else None),
             last_updated=published[-1] if published else None,
             remarks="\n".join(text_of(r) for r in entity.iterfind(Q + "remark") if text_of(r)) or None,
             statement_of_reasons=attr(entity, "designationDetails"), parent_company=None, source_position=n)
    for i, alias in enumerate(aliases):
        rows.add("names", list_id=entity_id, full_name=attr(alias, "wholeName"),
                 alias_type="primary" if i == 0 else "aka", alias_quality=alias.get("strong"),
                 title=attr(alias, "title"), name_non_latin=None, non_latin_script=None,
                 non_latin_language=attr(alias, "nameLanguage"), source_position=n)
    for ident in entity.iterfind(Q + "identification"):
        details = "; ".join(f"{k}={ident.get(k)}" for k in ("identificationTypeDescription", "issueDate", "validTo",
                                                            "knownFalse", "knownExpired") if attr(ident, k)
                            and ident.get(k) != "false")
        rows.add("identifiers", list_id=entity_id, id_type=attr(ident, "identificationTypeCode"),
                 id_number=attr(ident, "number"), country=country_of(ident), details=details or None)
    for address in entity.iterfind(Q + "address"):
        street = ", ".join(x for x in (attr(address, "street"), attr(address, "poBox"), attr(address, "place")) if x)
        city = ", ".join(x for x in (attr(address, "city"), attr(address, "region")) if x)
        if not (street or city or country_of(address)):
            continue
        rows.add("addresses", list_id=entity_id, address=street or None, city=city or None,
                 postal_code=attr(address, "zipCode"), country=country_of(address))
    for birth in entity.iterfind(Q + "birthdate"):
        parse_birth_date(entity_id, birth, rows)
    for citizenship in entity.iterfind(Q + "citizenship"):
        if country_of(citizenship):
            rows.add("nationalities", list_id=entity_id, country=country_of(citizenship))


def parse_eu_fsf(path: Path) -> ParsedList:
    """Parse an EU FSF XML file; a truncated file fails with the line and column of the cut."""
    namespace, root, attributes = root_info(path)
    generated = attributes.get("generationDate")
    if namespace != NS or root != "export" or not generated:
        raise ListFormatError(path, "root element", f"expected {{{NS}}}export with generationDate, found {root}")
    rows = RecordRows()
    for n, entity in iter_elements(path, (Q + "sanctionEntity",)):
        parse_designation(n, entity, rows)
    source = str(path)
    tables = {t: rows.frame(t, AUTHORITY) for t in ["designations", *CHILD_TABLES]}
    records = len(tables["designations"])
    tables["designations"] = designations = merge_repeated_entities(tables["designations"])
    names = tables["names"]
    tables["names"] = names[~names.drop(columns="source_position").duplicated()]
    designations["entity_type"] = map_vocabulary(designations["entity_type"], AUTHORITY, "entity_type", source)
    for column in ("listed_on", "last_updated"):
        designations[column] = parse_dates(designations[column], "%Y-%m-%d", source, column)
    tables["names"]["alias_quality"] = map_vocabulary(tables["names"]["alias_quality"], AUTHORITY, "alias_quality",
                                                      source)
    return ParsedList(
        authority=AUTHORITY, list_name=LIST_NAME, format="eu_fsf_xml", source_file=source, sha256=sha256_of([path]),
        published_on=pd.Timestamp(generated[:10]).date(), source_records=records, **tables,
    )


def merge_repeated_entities(designations: pd.DataFrame) -> pd.DataFrame:
    """One designation per logicalId: the file repeats an entity once per regulation (e.g. AFG and TAQA)."""
    repeated = designations["list_id"].duplicated(keep=False)
    if not repeated.any():
        return designations
    log.info("EU: %d logicalIds appear in several sanctionEntity elements; merged",
             designations.loc[repeated, "list_id"].nunique())

    def distinct(values: pd.Series) -> str | None:
        parts = sorted({p for v in values.dropna() for p in v.split("; ")})
        return "; ".join(parts) or None

    grouped = designations[repeated].groupby("list_id", sort=False)
    merged = grouped.first()
    merged["regimes"] = grouped["regimes"].agg(distinct)
    merged["listed_on"] = grouped["listed_on"].agg("min")
    merged["last_updated"] = grouped["last_updated"].agg("max")
    merged["remarks"] = grouped["remarks"].agg(lambda v: "\n".join(dict.fromkeys(v.dropna())) or None)
    merged = merged.reset_index()[designations.columns]
    # Keep the file order: each merged entity where it first appears.
    single = designations[~repeated]
    out = pd.concat([single, merged]).sort_values("source_position", kind="stable")
    return out.reset_index(drop=True)
