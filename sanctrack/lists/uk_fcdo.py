"""FCDO UK Sanctions List (the single UK list since 28 January 2026): the XML and the CSV.

XML: root `Designations` with `DateGenerated` (dd/mm/yyyy), one `Designation` per Unique ID with
`Names/Name` (Name1..Name6, NameType, AliasStrength), `NonLatinNames/NonLatinName`,
`Addresses/Address`, `IndividualDetails`, `EntityDetails`, `ShipDetails`. CSV: a `Report Date:
dd-Mon-yyyy` line, then the 58-column header, then one line per name x address (x DOB ...) variant
of a designation, its designation-level fields repeated on each line. Both layouts are read into the
same long shape (one frame of designation fields, one of names, ...) and turned into the same frames,
so that the CSV and the XML of one date give identical designations. Repeated elements are sets: the
FCDO does not keep their order, and the CSV cannot tell a repeated name from a repeated line.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from sanctrack.lists import uk
from sanctrack.lists.limits import check_csv_shape
from sanctrack.lists.model import (
    ListFormatError, ParsedList, clean_text, join_columns, map_vocabulary, parse_dates, sha256_of,
)
from sanctrack.lists.xmlsafe import iter_elements, root_info, text_of

log = logging.getLogger(__name__)

AUTHORITY = uk.AUTHORITY
LIST_NAME = uk.LIST_NAME

# The designation-level fields, by their CSV column, with their XML element.
FIELDS = {
    "Last Updated": "LastUpdated", "Unique ID": "UniqueID", "OFSI Group ID": "OFSIGroupID",
    "UN Reference Number": "UNReferenceNumber", "Regime Name": "RegimeName", "Designation Type": "IndividualEntityShip",
    "Designation source": "DesignationSource", "Sanctions Imposed": "SanctionsImposed",
    "Other Information": "OtherInformation", "UK Statement of Reasons": "UKStatementofReasons",
    "Date Designated": "DateDesignated",
}
NAME_FIELDS = {**{f"Name {i}": f"Name{i}" for i in range(1, 7)}, "Name type": "NameType",
               "Alias strength": "AliasStrength"}
NON_LATIN_FIELDS = {"Name non-latin script": "NameNonLatinScript", "Non-latin script type": "NonLatinScriptType",
                    "Non-latin script language": "NonLatinScriptLanguage"}
ADDRESS_FIELDS = {**{f"Address Line {i}": f"AddressLine{i}" for i in range(1, 7)},
                  "Address Postal Code": "AddressPostalCode", "Address Country": "AddressCountry"}
# Repeated facts, anywhere in a Designation (IndividualDetails, EntityDetails, ShipDetails, ...).
FACT_FIELDS = {
    "Title": "Title", "D.O.B": "DOB", "Nationality(/ies)": "Nationality", "Parent company": "ParentCompany",
    "Business registration number (s)": "BusinessRegistrationNumber", "IMO number": "IMONumber",
    **{csv: xml for xml, csv, _, _ in uk.PROPERTIES},
}
# Identity documents: (number, additional information) pairs.
DOCUMENT_FIELDS = {
    "passport": ("Passport", "Passport number", "PassportNumber", "Passport additional information",
                 "PassportAdditionalInformation"),
    "national_id": ("NationalIdentifier", "National Identifier number", "NationalIdentifierNumber",
                    "National Identifier additional information", "NationalIdentifierAdditionalInformation"),
}
CSV_HEADER = [
    "Last Updated", "Unique ID", "OFSI Group ID", "UN Reference Number", *[f"Name {i}" for i in (6, 1, 2, 3, 4, 5)],
    "Name type", "Alias strength", "Title", "Name non-latin script", "Non-latin script type",
    "Non-latin script language", "Regime Name", "Designation Type", "Designation source", "Sanctions Imposed",
    "Other Information", "UK Statement of Reasons", *[f"Address Line {i}" for i in range(1, 7)],
    "Address Postal Code", "Address Country", "Phone number", "Website", "Email address", "Date Designated", "D.O.B",
    "Nationality(/ies)", "National Identifier number", "National Identifier additional information",
    "Passport number", "Passport additional information", "Position", "Gender", "Town of birth", "Country of birth",
    "Type of entity", "Subsidiaries", "Parent company", "Business registration number (s)", "IMO number",
    "Current owner/operator (s)", "Previous owner/operator (s)", "Current believed flag of ship", "Previous flags",
    "Type of ship", "Tonnage of ship", "Length of ship", "Year Built", "Hull identification number (HIN)",
]
# Elements read elsewhere or on purpose left aside (the indicators restate SanctionsImposed); any other
# element in a Designation is reported, so that a new field of the list is seen.
KNOWN_ELEMENTS = {
    "Designation", *FIELDS.values(), "Names", "Name", *NAME_FIELDS.values(), "NonLatinNames", "NonLatinName",
    *NON_LATIN_FIELDS.values(), "Addresses", "Address", *ADDRESS_FIELDS.values(), *FACT_FIELDS.values(),
    *(x for d in DOCUMENT_FIELDS.values() for x in (d[0], d[2], d[4])), "SanctionsImposedIndicators",
    "IndividualDetails", "Individual", "EntityDetails", "Entity", "ShipDetails", "Ship", "DOBs", "Nationalities",
    "Positions", "BirthDetails", "Location", "Titles", "Genders", "PhoneNumbers", "EmailAddresses", "Websites",
    "PassportDetails", "NationalIdentifierDetails", "TypeOfEntities", "Subsidiaries", "ParentCompanies",
    "BusinessRegistrationNumbers", "IMONumbers", "CurrentOwnerOperators", "PreviousOwnerOperators",
    "CurrentBelievedFlagOfShips", "PreviousFlags", "TypeOfShipDetails", "TonnageOfShips", "LengthOfShips",
    "YearBuilts", "HullIdentificationNumbers",
}
ALIAS_RANK = {"primary": 0, "primary_variation": 1, "aka": 2, "fka": 3}


class LongShape:
    """A file read into long frames keyed by the CSV column names: one row per designation, name, …

    The XML reader fills lists of records; the CSV reader sets frames directly.
    """

    def __init__(self) -> None:
        self.designations: list[dict] | pd.DataFrame = []
        self.names: list[dict] | pd.DataFrame = []
        self.non_latin: list[dict] | pd.DataFrame = []
        self.addresses: list[dict] | pd.DataFrame = []
        self.facts: list[tuple[str, str, str]] = []  # (Unique ID, field, value)
        self.documents: list[tuple[str, str, str | None, str | None]] = []  # (Unique ID, type, number, details)

    def frame(self, name: str, columns: list[str]) -> pd.DataFrame:
        data = getattr(self, name)
        if isinstance(data, pd.DataFrame):
            return data[columns].reset_index(drop=True)
        return pd.DataFrame(data, columns=columns, dtype="str")


# --- XML ------------------------------------------------------------------------------------------

FIELD_BY_TAG = {xml: csv for csv, xml in FIELDS.items()}
NAME_BY_TAG = {xml: csv for csv, xml in NAME_FIELDS.items()}
NON_LATIN_BY_TAG = {xml: csv for csv, xml in NON_LATIN_FIELDS.items()}
ADDRESS_BY_TAG = {xml: csv for csv, xml in ADDRESS_FIELDS.items()}
FACT_BY_TAG = {xml: csv for csv, xml in FACT_FIELDS.items()}
DOCUMENT_BY_TAG = {holder: (id_type, number, details) for id_type, (holder, _, number, _, details)
                   in DOCUMENT_FIELDS.items()}


def read_designation(n: int, element, shape: LongShape, unknown: Counter) -> None:
    """One Designation element into the long shape, in one pass over its children."""
    record: dict = {"source_position": n}
    details = []
    for child in element:
        tag = child.tag
        if tag in FIELD_BY_TAG:
            record[FIELD_BY_TAG[tag]] = child.text
        elif tag == "Names":
            for name in child:
                shape.names.append({"Unique ID": None, "source_position": n, **children_text(name, NAME_BY_TAG, unknown)})
        elif tag == "NonLatinNames":
            # NonLatinName elements, or (as some copies write it) the script fields directly inside.
            holders = [c for c in child if c.tag == "NonLatinName"] or [child]
            for holder in holders:
                shape.non_latin.append({"Unique ID": None, **children_text(holder, NON_LATIN_BY_TAG, unknown)})
        elif tag == "Addresses":
            for address in child:
                shape.addresses.append({"Unique ID": None, **children_text(address, ADDRESS_BY_TAG, unknown)})
        elif tag != "SanctionsImposedIndicators":  # they restate SanctionsImposed
            details.append(child)
    uid = clean(record.get("Unique ID"))
    for rows in (shape.names, shape.non_latin, shape.addresses):
        for row in reversed(rows):
            if row["Unique ID"] is not None:
                break
            row["Unique ID"] = uid
    shape.designations.append(record)
    for child in details:
        for item in child.iter():
            tag = item.tag
            if tag in FACT_BY_TAG:
                if text := text_of(item):
                    shape.facts.append((uid, FACT_BY_TAG[tag], text))
            elif tag in DOCUMENT_BY_TAG:
                id_type, number, extra = DOCUMENT_BY_TAG[tag]
                shape.documents.append((uid, id_type, text_of(item.find(number)), text_of(item.find(extra))))
            elif isinstance(tag, str) and tag not in KNOWN_ELEMENTS:
                unknown[tag] += 1


def children_text(element, by_tag: dict[str, str], unknown: Counter) -> dict[str, str | None]:
    """The stripped texts of an element's children, by CSV column; other children are reported."""
    out: dict[str, str | None] = {}
    for child in element:
        if child.tag in by_tag:
            out[by_tag[child.tag]] = text_of(child)
        elif isinstance(child.tag, str):
            unknown[child.tag] += 1
    return out


def raw_text(element) -> str | None:
    """An element's text as written (statements of reasons keep their line breaks)."""
    return element.text if element is not None and element.text is not None else None


def clean(value: str | None) -> str | None:
    return value.strip() or None if value else None


def read_xml(path: Path) -> tuple[LongShape, str | None]:
    """The XML file in the long shape, and its DateGenerated."""
    namespace, root, _ = root_info(path)
    if (namespace, root) != ("", "Designations"):
        raise ListFormatError(path, "root element", f"expected Designations, found {{{namespace}}}{root}")
    shape, unknown, generated = LongShape(), Counter(), None
    for n, element in iter_elements(path, ("Designation", "DateGenerated")):
        if element.tag == "DateGenerated":
            generated = text_of(element)
            continue
        read_designation(len(shape.designations) + 1, element, shape, unknown)
    if unknown:
        log.warning("%s: elements this parser does not read: %s", path, dict(unknown.most_common()))
    return shape, generated


# --- CSV ------------------------------------------------------------------------------------------

def read_csv(path: Path) -> tuple[LongShape, str | None]:
    """The CSV file in the long shape, and its Report Date; the header must be the published one."""
    check_csv_shape(path, max_columns=len(CSV_HEADER))  # within bounds before pandas reads it (limits.py)
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline().strip().strip('",')
        if not first.startswith("Report Date:"):
            raise ListFormatError(path, "line 1", f"expected 'Report Date: dd-Mon-yyyy', found {first[:60]!r}")
        try:
            # Empty cells are missing; values are stripped where they are used (most columns are empty).
            lines = pd.read_csv(fh, dtype=str, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            raise ListFormatError(path, "csv", f"malformed UK Sanctions List CSV: {exc}") from exc
    header = [str(c).strip() for c in lines.columns]
    if header != CSV_HEADER:
        new = [h for h in header if h not in CSV_HEADER]
        missing = [h for h in CSV_HEADER if h not in header]
        raise ListFormatError(path, "line 2", f"header differs from the UK Sanctions List layout: new {new}, "
                                              f"missing {missing}" + ("" if new or missing else ", or in another order"))
    lines.columns = header
    lines["Unique ID"] = clean_text(lines["Unique ID"])
    # Physical line numbers are not kept by the reader; the record number (header = record 0) is.
    lines["source_position"] = (lines.index + 3).astype("int64")
    if lines["Unique ID"].isna().any():
        record = int(lines.loc[lines["Unique ID"].isna(), "source_position"].iloc[0])
        raise ListFormatError(path, f"record {record}", "line without a Unique ID")
    shape = LongShape()
    firsts = lines.drop_duplicates("Unique ID")
    distinct = lines[list(FIELDS)].drop_duplicates()
    if len(distinct) != len(firsts):
        varying = [c for c in FIELDS if distinct[["Unique ID", c]].drop_duplicates()["Unique ID"].duplicated().any()]
        log.warning("%s: designation fields that differ between the lines of one Unique ID (first kept): %s",
                    path, varying)
    shape.designations = firsts[[*FIELDS, "source_position"]]
    shape.names = lines[["Unique ID", *NAME_FIELDS, "source_position"]].drop_duplicates([*NAME_FIELDS, "Unique ID"])
    shape.non_latin = lines[["Unique ID", *NON_LATIN_FIELDS]].dropna(subset=["Name non-latin script"]).drop_duplicates()
    shape.addresses = lines[["Unique ID", *ADDRESS_FIELDS]].drop_duplicates()
    for csv in FACT_FIELDS:
        values = lines[["Unique ID", csv]].dropna().drop_duplicates()
        shape.facts.extend(zip(values["Unique ID"], [csv] * len(values), values[csv]))
    for id_type, (_, number, _, details, _) in DOCUMENT_FIELDS.items():
        docs = lines[["Unique ID", number, details]].dropna(how="all", subset=[number, details]).drop_duplicates()
        shape.documents.extend((u, id_type, n, d) for u, n, d in docs.itertuples(index=False, name=None))
    return shape, first.partition(":")[2].strip()


# --- the frames -----------------------------------------------------------------------------------

def build(shape: LongShape, path: Path, fmt: str, published: str | None, date_format: str) -> ParsedList:
    """The parsed list from a file in the long shape (the same code for the XML and the CSV)."""
    source = str(path)
    fields = shape.frame("designations", [*FIELDS, "source_position"])
    fields["Unique ID"] = clean_text(fields["Unique ID"])
    if fields["Unique ID"].isna().any():
        record = fields.loc[fields["Unique ID"].isna(), "source_position"].iloc[0]
        raise ListFormatError(path, f"record {record}", "designation without a Unique ID")
    repeated = fields["Unique ID"].duplicated()
    if repeated.any():
        raise ListFormatError(path, f"record {fields.loc[repeated, 'source_position'].iloc[0]}",
                              f"Unique ID {fields.loc[repeated, 'Unique ID'].iloc[0]} repeated")
    odd = fields.loc[~fields["Unique ID"].str.fullmatch(uk.UNIQUE_ID), "Unique ID"]
    if len(odd):
        log.warning("%s: Unique IDs in an unexpected form (kept): %s", source, odd.tolist()[:10])
    keys = fields["Unique ID"]
    names = parse_names(shape, source)
    facts = pd.DataFrame(shape.facts, columns=["list_id", "field", "value"], dtype="str")
    facts["value"] = clean_text(facts["value"])
    facts = facts.dropna().drop_duplicates()
    titles = facts[facts["field"] == "Title"]
    title = pd.Series({k: "; ".join(sorted(v)) for k, v in titles.groupby("list_id")["value"]}, dtype="str")
    names["title"] = names["list_id"].map(title)  # the XML gives titles per person, the CSV per line
    non_latin = parse_non_latin(shape)
    all_names = pd.concat([names, non_latin], ignore_index=True)
    parents = facts[facts["field"] == "Parent company"]
    parent = pd.Series({k: "; ".join(sorted(v)) for k, v in parents.groupby("list_id")["value"]}, dtype="str")
    designations = pd.DataFrame({
        "authority": AUTHORITY,
        "list_name": LIST_NAME,
        "list_id": keys,
        "list_ref": keys,
        "entity_type": map_vocabulary(fields["Designation Type"], AUTHORITY, "entity_type", source),
        "primary_name": keys.map(primary_names(names)),
        "regimes": uk.regime_names(fields["Regime Name"], source),
        "listed_on": parse_dates(fields["Date Designated"], "%d/%m/%Y", source, "Date Designated"),
        "last_updated": parse_dates(fields["Last Updated"], "%d/%m/%Y", source, "Last Updated"),
        "remarks": uk.remarks(fields["Other Information"]),
        "statement_of_reasons": uk.statement_of_reasons(fields["UK Statement of Reasons"]),
        "parent_company": keys.map(parent),
        "source_position": fields["source_position"].astype("int64"),
    })
    group_ids = clean_text(fields["OFSI Group ID"])
    parsed_on = pd.to_datetime(published, format=date_format, errors="coerce") if published else pd.NaT
    if published and pd.isna(parsed_on):
        raise ListFormatError(path, "publication date", f"unparseable date {published!r} (expected {date_format})")
    if not published:
        log.warning("%s: no publication date (DateGenerated / Report Date) in the file", source)
    return ParsedList(
        authority=AUTHORITY, list_name=LIST_NAME, format=fmt, source_file=source, sha256=sha256_of([path]),
        published_on=None if pd.isna(parsed_on) else parsed_on.date(),
        designations=designations,
        names=all_names,
        identifiers=parse_identifiers(shape, facts),
        addresses=parse_addresses(shape),
        birth_dates=uk.birth_dates(facts.loc[facts["field"] == "D.O.B", "list_id"],
                                   facts.loc[facts["field"] == "D.O.B", "value"]),
        nationalities=pd.DataFrame({"authority": AUTHORITY,
                                    "list_id": facts.loc[facts["field"] == "Nationality(/ies)", "list_id"],
                                    "country": facts.loc[facts["field"] == "Nationality(/ies)", "value"]}),
        properties=parse_properties(fields, facts),
        former_ids=uk.former_ids(keys, group_ids),
    )


def parse_names(shape: LongShape, source: str) -> pd.DataFrame:
    """The Latin names: a set per designation (a Name with no name part is skipped, and counted)."""
    raw = shape.frame("names", ["Unique ID", *NAME_FIELDS, "source_position"])
    full = join_columns(raw, list(NAME_FIELDS)[:6])
    nameless = full.isna()
    if nameless.any():
        log.info("%s: %d Name entries without any name part skipped (e.g. in %s)", source, int(nameless.sum()),
                 sorted(set(raw.loc[nameless, "Unique ID"]))[:5])
    names = pd.DataFrame({
        "authority": AUTHORITY,
        "list_id": raw["Unique ID"],
        "full_name": full,
        "alias_type": map_vocabulary(raw["Name type"], AUTHORITY, "alias_type", source),
        "alias_quality": map_vocabulary(raw["Alias strength"], AUTHORITY, "alias_quality", source),
        "title": pd.Series(pd.NA, index=raw.index, dtype="str"),
        "name_non_latin": pd.Series(pd.NA, index=raw.index, dtype="str"),
        "non_latin_script": pd.Series(pd.NA, index=raw.index, dtype="str"),
        "non_latin_language": pd.Series(pd.NA, index=raw.index, dtype="str"),
        "source_position": pd.to_numeric(raw["source_position"]).astype("Int64"),
    })[~nameless]
    # A name given twice (as two real records do) is one name.
    return names.drop_duplicates(subset=[c for c in names.columns if c != "source_position"])


def parse_non_latin(shape: LongShape) -> pd.DataFrame:
    """Non-Latin names, which the FCDO lists apart from the Latin ones: each is a name of its own."""
    raw = shape.frame("non_latin", ["Unique ID", *NON_LATIN_FIELDS]).drop_duplicates()
    text = clean_text(raw["Name non-latin script"])
    return pd.DataFrame({
        "authority": AUTHORITY, "list_id": raw["Unique ID"], "full_name": text, "alias_type": "aka",
        "alias_quality": pd.NA, "title": pd.NA, "name_non_latin": text,
        "non_latin_script": clean_text(raw["Non-latin script type"]),
        "non_latin_language": clean_text(raw["Non-latin script language"]),
        "source_position": pd.NA,
    })[text.notna()].drop_duplicates()


def primary_names(names: pd.DataFrame) -> dict[str, str]:
    """Each designation's primary name: the first name of the best-ranked type (Primary Name first)."""
    ranked = names.assign(_rank=names["alias_type"].map(ALIAS_RANK))
    first = ranked.sort_values(["_rank", "source_position"], na_position="last", kind="stable")
    first = first.drop_duplicates("list_id")
    return dict(zip(first["list_id"], first["full_name"]))


def parse_addresses(shape: LongShape) -> pd.DataFrame:
    """Distinct addresses: Address Line 1..6 joined, postal code and country apart."""
    raw = shape.frame("addresses", ["Unique ID", *ADDRESS_FIELDS])
    out = pd.DataFrame({
        "authority": AUTHORITY,
        "list_id": raw["Unique ID"],
        "address": join_columns(raw, [f"Address Line {i}" for i in range(1, 7)], sep=", "),
        "city": pd.Series(pd.NA, index=raw.index, dtype="str"),
        "postal_code": clean_text(raw["Address Postal Code"]),
        "country": clean_text(raw["Address Country"]),
    })
    return out[out[["address", "postal_code", "country"]].notna().any(axis=1)].drop_duplicates()


def parse_identifiers(shape: LongShape, facts: pd.DataFrame) -> pd.DataFrame:
    """Passports and national identifiers (with their additional information), IMO and registration numbers."""
    docs = pd.DataFrame(shape.documents, columns=["list_id", "id_type", "id_number", "details"], dtype="str")
    docs["id_number"], docs["details"] = clean_text(docs["id_number"]), clean_text(docs["details"])
    frames = [docs.assign(country=pd.NA)]
    for id_type, field in (("imo", "IMO number"), ("registration", "Business registration number (s)")):
        values = facts[facts["field"] == field]
        frames.append(pd.DataFrame({"list_id": values["list_id"], "id_type": id_type, "id_number": values["value"],
                                    "country": pd.NA, "details": pd.NA}))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "authority", AUTHORITY)
    out = out.astype({c: "str" for c in ["list_id", "id_type", "id_number", "country", "details"]})
    # A document with details but no number stays: the contract quarantines it with the reason.
    return out.drop_duplicates()


def parse_properties(fields: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The OFSI Group ID, UN reference, designation source and sanctions imposed (`|`-joined), and the
    facts with no column of their own (gender, phones, ship details…)."""
    def long(pairs) -> tuple[list, list, list]:
        keys, props, values = [], [], []
        for prop, column in pairs:
            present = fields[column].dropna()
            keys += fields.loc[present.index, "Unique ID"].tolist()
            props += [prop] * len(present)
            values += present.astype("str").tolist()
        return keys, props, values

    by_field = {csv: prop for _, csv, _, prop in uk.PROPERTIES}
    chosen = facts[facts["field"].isin(set(by_field))]
    keys, props, values = long((("ofsi_group_id", "OFSI Group ID"), ("un_reference", "UN Reference Number")))
    frames = [
        uk.properties_frame(keys + chosen["list_id"].tolist(), props + chosen["field"].map(by_field).tolist(),
                            values + chosen["value"].tolist()),
        # `|` joins the several sources and sanctions of one designation.
        uk.properties_frame(*long((("designation_source", "Designation source"),
                                   ("sanctions_imposed", "Sanctions Imposed"))), packed=re.compile(r"\|")),
    ]
    return pd.concat(frames, ignore_index=True)


def parse_uk_fcdo(path: Path, fmt: str) -> ParsedList:
    """Parse the UK Sanctions List XML (`uk_fcdo_xml`) or CSV (`uk_fcdo_csv`)."""
    if fmt == "uk_fcdo_xml":
        shape, generated = read_xml(path)
        return build(shape, path, fmt, generated, "%d/%m/%Y")
    shape, report_date = read_csv(path)
    return build(shape, path, fmt, report_date, "%d-%b-%Y")
