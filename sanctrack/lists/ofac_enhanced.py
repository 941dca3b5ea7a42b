"""US OFAC lists in the "enhanced" XML (SDN_ENHANCED.XML, CONS_ENHANCED.XML) and OFAC's delta files.

Root `sanctionsData`: `publicationInfo` (`dataAsOf`, the lists it holds), `referenceValues`,
`featureTypes`, then `entities/entity id=…`: `generalInfo` (entity type, remarks), `sanctionsLists`
(each with its `datePublished`), `sanctionsPrograms`, `sanctionsTypes`, `legalAuthorities`, `names`
(isPrimary, aliasType, isLowQuality, `translations` by script, formatted names and name parts),
`addresses` (country, address parts), `features` (birth dates with `valueDate`, nationality, IMO,
websites, directive information…), `identityDocuments`, `relationships`. Every element has its own
numeric `id`; those ids are not facts and are left out. A delta file (namespace `DeltaFile/1.0`) has
the same entities, each with `action="add"`, `"remove"` (given in full) or `"update"`, and the date
of the one publication it holds (`datePublished`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd

from sanctrack.lists.model import CHILD_TABLES, ListFormatError, ParsedList, RecordRows, map_vocabulary, sha256_of
from sanctrack.lists.ofac_xml import ID_TYPES
from sanctrack.lists.xmlsafe import iter_elements, text_of

log = logging.getLogger(__name__)

AUTHORITY = "US"
NAMESPACES = {
    "ofac_enhanced_xml": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML",
    "ofac_delta_xml": "https://www.treasury.gov/ofac/DeltaFile/1.0",
}
# OFAC's list names, as publicationInfo/filters names them, to ours.
LIST_NAMES = {"SDN List": "OFAC SDN List", "Consolidated List": "OFAC Consolidated (non-SDN) List"}
ACTIONS = ("add", "remove", "update")
# Features that are a birth date or a nationality; every other feature is a property named after its type.
BIRTH_DATE = "Birthdate"
NATIONALITY = {"Nationality Country", "Citizenship Country"}
# The entity's sections and what they hold; anything else met is reported.
KNOWN = {
    "entity", "generalInfo", "identityId", "entityType", "remarks", "sanctionsLists", "sanctionsList",
    "sanctionsPrograms", "sanctionsProgram", "sanctionsTypes", "sanctionsType", "legalAuthorities", "legalAuthority",
    "names", "name", "isPrimary", "aliasType", "isLowQuality", "translations", "translation", "script",
    "formattedFirstName", "formattedLastName", "formattedFullName", "nameParts", "namePart", "type", "value",
    "addresses", "address", "country", "addressParts", "addressPart", "features", "feature", "versionId",
    "valueDate", "fromDateBegin", "fromDateEnd", "toDateBegin", "toDateEnd", "isApproximate", "isDateRange",
    "valueRefId", "reliability", "comments", "identityDocuments", "identityDocument", "documentNumber", "isValid",
    "issuingLocation", "issuingCountry", "issueDate", "expirationDate", "issuingAuthority", "quality",
    "relationships", "relationship", "relatedEntity",
}


def property_name(label: str) -> str:
    """A feature type as a property name: `Secondary sanctions risk:` -> `secondary_sanctions_risk`."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "feature"


class Entities:
    """Reads entity elements of one namespace into rows."""

    def __init__(self, namespace: str) -> None:
        self.q = f"{{{namespace}}}"
        self.rows = RecordRows()
        self.actions: list[tuple[str, str]] = []
        self.unknown: Counter = Counter()

    def child(self, element, tag: str):
        return element.find(self.q + tag)

    def text(self, element, path: str) -> str | None:
        return text_of(element.find("/".join(self.q + p for p in path.split("/"))))

    def texts(self, element, path: str) -> list[str]:
        found = element.iterfind("/".join(self.q + p for p in path.split("/")))
        return [t for t in (text_of(e) for e in found) if t]

    def read(self, n: int, entity, list_name: str) -> None:
        """One entity: its designation row, names, addresses, documents, features and list facts."""
        rows, entity_id = self.rows, entity.get("id")
        for item in entity.iter():
            if isinstance(item.tag, str) and item.tag.removeprefix(self.q) not in KNOWN:
                self.unknown[item.tag.removeprefix(self.q)] += 1
        if entity.get("action") is not None:
            self.actions.append((entity_id, entity.get("action")))
        lists = [(text_of(e), e.get("datePublished")) for e in entity.iterfind(f"{self.q}sanctionsLists/{self.q}sanctionsList")]
        published = sorted(d for _, d in lists if d)
        primary = self.names(entity_id, entity, n)
        rows.add("designations", list_name=list_name, list_id=entity_id, list_ref=None,
                 entity_type=self.text(entity, "generalInfo/entityType"), primary_name=primary,
                 regimes="; ".join(sorted(set(self.texts(entity, "sanctionsPrograms/sanctionsProgram")))) or None,
                 # Listing date: the earliest publication of the entity on any OFAC list.
                 listed_on=published[0] if published else None, last_updated=None,
                 remarks=self.text(entity, "generalInfo/remarks"), statement_of_reasons=None, parent_company=None,
                 source_position=n)
        for name, when in lists:
            rows.add("properties", list_id=entity_id, property="sanctions_list",
                     value=f"{name} ({when})" if when else name)
        for prop, path in (("sanctions_type", "sanctionsTypes/sanctionsType"),
                           ("legal_authority", "legalAuthorities/legalAuthority")):
            for value in self.texts(entity, path):
                rows.add("properties", list_id=entity_id, property=prop, value=value)
        for relation in entity.iterfind(f"{self.q}relationships/{self.q}relationship"):
            related = self.child(relation, "relatedEntity")
            if related is not None:
                rows.add("properties", list_id=entity_id, property="relationship",
                         value=f"{self.text(relation, 'type')}: {text_of(related)} ({related.get('entityId')})")
        self.addresses(entity_id, entity)
        self.documents(entity_id, entity)
        self.features(entity_id, entity)

    def names(self, entity_id: str, entity, n: int) -> str | None:
        """Names and aliases, the Latin translation as the name and a non-Latin one beside it; the primary name."""
        primary = None
        for name in entity.iterfind(f"{self.q}names/{self.q}name"):
            is_primary = self.text(name, "isPrimary") == "true"
            alias_type = "primary" if is_primary else self.text(name, "aliasType")
            quality = "weak" if self.text(name, "isLowQuality") == "true" else "strong"
            latin, other = None, []
            for translation in name.iterfind(f"{self.q}translations/{self.q}translation"):
                full = self.text(translation, "formattedFullName") or " ".join(
                    self.texts(translation, "nameParts/namePart/value")) or None
                script = self.text(translation, "script")
                if script in (None, "Latin") and latin is None:
                    latin = full
                elif full:
                    other.append((full, script))
            for non_latin, script in other or [(None, None)]:
                full_name = latin or non_latin
                self.rows.add("names", list_id=entity_id, full_name=full_name, alias_type=alias_type,
                              alias_quality=None if is_primary else quality, title=None, name_non_latin=non_latin,
                              non_latin_script=script, non_latin_language=None, source_position=n)
            if is_primary and primary is None:
                primary = latin or (other[0][0] if other else None)
        return primary

    def addresses(self, entity_id: str, entity) -> None:
        for address in entity.iterfind(f"{self.q}addresses/{self.q}address"):
            parts: dict[str, list[str]] = {}
            for translation in address.iterfind(f"{self.q}translations/{self.q}translation"):
                if self.text(translation, "isPrimary") == "false":
                    continue
                for part in translation.iterfind(f"{self.q}addressParts/{self.q}addressPart"):
                    parts.setdefault(self.text(part, "type") or "", []).append(self.text(part, "value") or "")
            street = ", ".join(v for k in ("ADDRESS1", "ADDRESS2", "ADDRESS3") for v in parts.get(k, []) if v)
            city = ", ".join(v for k in ("CITY", "STATE/PROVINCE", "REGION") for v in parts.get(k, []) if v)
            postal = ", ".join(v for v in parts.get("POSTAL CODE", []) if v)
            country = self.text(address, "country")
            if street or city or postal or country:
                self.rows.add("addresses", list_id=entity_id, address=street or None, city=city or None,
                              postal_code=postal or None, country=country)

    def documents(self, entity_id: str, entity) -> None:
        for document in entity.iterfind(f"{self.q}identityDocuments/{self.q}identityDocument"):
            label = self.text(document, "type")
            details = "; ".join(f"{tag} {self.text(document, tag)}" for tag in (
                "issuingAuthority", "issuingLocation", "issueDate", "expirationDate") if self.text(document, tag))
            if self.text(document, "isValid") == "false":
                details = "; ".join(x for x in (details, "not valid") if x)
            self.rows.add("identifiers", list_id=entity_id, id_type=ID_TYPES.get(label, label),
                          id_number=self.text(document, "documentNumber"),
                          country=self.text(document, "issuingCountry"), details=details or None)

    def features(self, entity_id: str, entity) -> None:
        for feature in entity.iterfind(f"{self.q}features/{self.q}feature"):
            label = self.text(feature, "type") or ""
            value = self.text(feature, "value")
            when = self.child(feature, "valueDate")
            if label == BIRTH_DATE:
                self.birth_date(entity_id, value, when)
            elif label in NATIONALITY:
                if value:
                    self.rows.add("nationalities", list_id=entity_id, country=value)
            else:
                text = value or (self.text(when, "fromDateBegin") if when is not None else None)
                if text:
                    self.rows.add("properties", list_id=entity_id, property=property_name(label), value=text)

    def birth_date(self, entity_id: str, raw: str | None, when) -> None:
        """A birth date from its valueDate: a day, a month, a year, or a range of years; approximate kept."""
        if when is None:
            if raw:  # no structured date: the contract quarantines it with its raw text
                self.rows.add("birth_dates", list_id=entity_id, birth_date=None, year_from=None, year_to=None,
                              is_approximate=False, raw_value=raw)
            return
        start, end = self.text(when, "fromDateBegin"), self.text(when, "toDateEnd")
        is_range = self.text(when, "isDateRange") == "true"
        approximate = self.text(when, "isApproximate") == "true" or is_range
        iso = None if is_range or not start or not end else partial_date(date.fromisoformat(start),
                                                                         date.fromisoformat(end))
        self.rows.add("birth_dates", list_id=entity_id, birth_date=iso,
                      year_from=int(start[:4]) if start else None, year_to=int(end[:4]) if end else None,
                      is_approximate=approximate, raw_value=raw or f"{start} to {end}")


def partial_date(start: date, end: date) -> str | None:
    """`1962` for 1962-01-01..1962-12-31, `1970-05` for a whole month, the day for one day; None otherwise."""
    if start == end:
        return start.isoformat()
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year:04d}"
    next_month = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and (next_month - end).days == 1:
        return f"{start.year:04d}-{start.month:02d}"
    return None


def list_name_of(path: Path, filters: list[str]) -> str:
    """The list a file holds: from publicationInfo's filters, else the file name (`cons` for Consolidated)."""
    named = [LIST_NAMES[f] for f in filters if f in LIST_NAMES]
    if len(set(named)) == 1:
        return named[0]
    if filters:
        log.warning("%s: lists %s in publicationInfo; the file name decides", path, filters)
    return "OFAC Consolidated (non-SDN) List" if "cons" in path.name.lower() else "OFAC SDN List"


def parse_ofac_enhanced(path: Path, fmt: str) -> ParsedList:
    """Parse an OFAC enhanced XML file (`ofac_enhanced_xml`) or a delta file (`ofac_delta_xml`)."""
    reader = Entities(NAMESPACES[fmt])
    q = reader.q
    published, filters, list_name = None, [], None
    for _, element in iter_elements(path, (q + "publicationInfo", q + "entity")):
        if element.tag == q + "publicationInfo":
            published = reader.text(element, "dataAsOf") or reader.text(element, "datePublished")
            filters = reader.texts(element, "filters/sanctionsLists/sanctionsList")
            list_name = list_name_of(path, filters)
            continue
        if list_name is None:
            raise ListFormatError(path, "publicationInfo", "entities before publicationInfo: not an OFAC file")
        reader.read(len(reader.rows.rows["designations"]) + 1, element, list_name)
    if published is None:
        raise ListFormatError(path, "publicationInfo", "no dataAsOf / datePublished")
    if reader.unknown:
        log.warning("%s: elements this parser does not read: %s", path, dict(reader.unknown.most_common()))
    source = str(path)
    tables = {t: reader.rows.frame(t, AUTHORITY) for t in ["designations", *CHILD_TABLES]}
    designations = tables["designations"]
    designations["entity_type"] = map_vocabulary(designations["entity_type"], AUTHORITY, "entity_type", source)
    for column in ("listed_on", "last_updated"):
        designations[column] = pd.to_datetime(designations[column], format="%Y-%m-%d").astype("datetime64[s]")
    names = tables["names"]
    aliases = names["alias_type"] != "primary"
    names.loc[aliases, "alias_type"] = map_vocabulary(names.loc[aliases, "alias_type"], AUTHORITY, "alias_type", source)
    actions = None
    if fmt == "ofac_delta_xml":
        actions = pd.DataFrame(reader.actions, columns=["list_id", "action"], dtype="str")
        odd = sorted(set(actions["action"]) - set(ACTIONS))
        if odd or len(actions) != len(designations):
            raise ListFormatError(path, "entities", f"delta entities need an action among {ACTIONS}; found {odd}, "
                                                    f"{len(designations) - len(actions)} without one")
    return ParsedList(
        authority=AUTHORITY, list_name=list_name or "", format=fmt, source_file=source, sha256=sha256_of([path]),
        published_on=date.fromisoformat(published[:10]), kind="delta" if fmt == "ofac_delta_xml" else "full",
        actions=actions, **tables,
    )
