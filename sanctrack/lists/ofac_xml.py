"""US OFAC lists in the sdnList XML schema (consolidated.xml; SDN.XML has the same schema).

Namespace `http://tempuri.org/sdnList.xsd`; `publshInformation` (sic) holds Publish_Date (mm/dd/yyyy)
and Record_Count; one `sdnEntry` per designation.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from sanctrack.lists.model import CHILD_TABLES, ListFormatError, ParsedList, RecordRows, map_vocabulary, sha256_of
from sanctrack.lists.xmlsafe import iter_elements, text_of

log = logging.getLogger(__name__)

AUTHORITY = "US"
NS = "http://tempuri.org/sdnList.xsd"
Q = f"{{{NS}}}"
MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
# `IMO` and similar labels of idType mapped to our identifier types; other labels are kept as given.
ID_TYPES = {"Passport": "passport", "National ID No.": "national_id", "Vessel Registration Identification": "imo",
            "Tax ID No.": "tax_id", "Registration ID": "registration", "Registration Number": "registration",
            "SWIFT/BIC": "swift_bic", "MMSI": "mmsi"}
_DOB = re.compile(r"^(circa )?(?:(\d{1,2}) )?(?:([A-Z][a-z]{2}) )?(\d{4})(?: to .*?(\d{4}))?$")


def list_name_of(path: Path) -> str:
    """Consolidated (non-SDN) and SDN share one schema; the file name tells them apart."""
    return "OFAC Consolidated (non-SDN) List" if "cons" in path.name.lower() else "OFAC SDN List"


def full_name(element) -> str | None:
    """`lastName, firstName` as OFAC writes names (firstName absent for entities)."""
    last, first = text_of(element.find(Q + "lastName")), text_of(element.find(Q + "firstName"))
    return ", ".join(x for x in (last, first) if x) or None


def parse_birth_date(entry_id: str, item, rows: RecordRows) -> None:
    """One dateOfBirthItem: `1962`, `Jan 1962`, `12 Jan 1962`, `circa 1962`, `1962 to 1964`."""
    raw = text_of(item.find(Q + "dateOfBirth"))
    if raw is None:
        return
    match = _DOB.match(raw)
    if match is None:
        rows.add("birth_dates", list_id=entry_id, birth_date=None, year_from=None, year_to=None,
                 is_approximate=False, raw_value=raw)
        return
    circa, day, month, year, year_to = match.groups()
    iso = year if month is None else f"{year}-{MONTHS[month]:02d}" + (f"-{int(day):02d}" if day else "")
    rows.add("birth_dates", list_id=entry_id, birth_date=None if year_to else iso, year_from=int(year),
             year_to=int(year_to or year), is_approximate=bool(circa or year_to), raw_value=raw)


def parse_designation(n: int, entry, list_name: str, rows: RecordRows) -> None:
    """One sdnEntry and its aliases, identifiers, addresses, birth dates and nationalities."""
    entry_id = text_of(entry.find(Q + "uid"))
    programs = sorted(text_of(p) for p in entry.iterfind(f"{Q}programList/{Q}program") if text_of(p))
    rows.add("designations", list_name=list_name, list_id=entry_id, list_ref=None,
             entity_type=text_of(entry.find(Q + "sdnType")), primary_name=full_name(entry),
             regimes="; ".join(programs) or None, listed_on=None, last_updated=None,
             remarks=text_of(entry.find(Q + "remarks")), statement_of_reasons=None, parent_company=None,
             source_position=n)
    rows.add("names", list_id=entry_id, full_name=full_name(entry), alias_type="primary", alias_quality=None,
             title=text_of(entry.find(Q + "title")), name_non_latin=None, non_latin_script=None,
             non_latin_language=None, source_position=n)
    for aka in entry.iterfind(f"{Q}akaList/{Q}aka"):
        rows.add("names", list_id=entry_id, full_name=full_name(aka), alias_type=text_of(aka.find(Q + "type")),
                 alias_quality=text_of(aka.find(Q + "category")), title=None, name_non_latin=None,
                 non_latin_script=None, non_latin_language=None, source_position=n)
    for ident in entry.iterfind(f"{Q}idList/{Q}id"):
        label = text_of(ident.find(Q + "idType"))
        details = "; ".join(f"{tag} {text_of(ident.find(Q + tag))}" for tag in ("issueDate", "expirationDate")
                            if text_of(ident.find(Q + tag)))
        rows.add("identifiers", list_id=entry_id, id_type=ID_TYPES.get(label, label),
                 id_number=text_of(ident.find(Q + "idNumber")), country=text_of(ident.find(Q + "idCountry")),
                 details=details or None)
    for address in entry.iterfind(f"{Q}addressList/{Q}address"):
        lines = [text_of(address.find(Q + t)) for t in ("address1", "address2", "address3")]
        city = ", ".join(x for x in (text_of(address.find(Q + "city")),
                                     text_of(address.find(Q + "stateOrProvince"))) if x)
        rows.add("addresses", list_id=entry_id, address=", ".join(x for x in lines if x) or None, city=city or None,
                 postal_code=text_of(address.find(Q + "postalCode")), country=text_of(address.find(Q + "country")))
    for item in entry.iterfind(f"{Q}dateOfBirthList/{Q}dateOfBirthItem"):
        parse_birth_date(entry_id, item, rows)
    for tag, item_tag in (("nationalityList", "nationality"), ("citizenshipList", "citizenship")):
        for item in entry.iterfind(f"{Q}{tag}/{Q}{item_tag}"):
            rows.add("nationalities", list_id=entry_id, country=text_of(item.find(Q + "country")))


def parse_ofac_xml(path: Path) -> ParsedList:
    """Parse a file in the sdnList XML schema, checking Record_Count against the entries read."""
    rows = RecordRows()
    list_name = list_name_of(path)
    publish_date = record_count = None
    for n, element in iter_elements(path, (Q + "sdnEntry", Q + "publshInformation")):
        if element.tag == Q + "publshInformation":
            publish_date = text_of(element.find(Q + "Publish_Date"))
            record_count = text_of(element.find(Q + "Record_Count"))
            continue
        parse_designation(len(rows.rows["designations"]) + 1, element, list_name, rows)
    if publish_date is None:
        raise ListFormatError(path, "publshInformation", "no Publish_Date")
    found = len(rows.rows["designations"])
    if record_count is not None and int(record_count) != found:
        raise ListFormatError(path, "end of file", f"Record_Count says {record_count}, found {found} sdnEntry")
    source = str(path)
    tables = {t: rows.frame(t, AUTHORITY) for t in ["designations", *CHILD_TABLES]}
    tables["designations"]["entity_type"] = map_vocabulary(tables["designations"]["entity_type"], AUTHORITY,
                                                           "entity_type", source)
    names = tables["names"]
    aliases = names["alias_type"] != "primary"
    names.loc[aliases, "alias_type"] = map_vocabulary(names.loc[aliases, "alias_type"], AUTHORITY, "alias_type", source)
    names["alias_quality"] = map_vocabulary(names["alias_quality"], AUTHORITY, "alias_quality", source)
    return ParsedList(
        authority=AUTHORITY, list_name=list_name, format="ofac_xml", source_file=source, sha256=sha256_of([path]),
        published_on=datetime.strptime(publish_date, "%m/%d/%Y").date(), **tables,
    )
