"""Exporting the warehouse as FollowTheMoney entities (JSON lines), for OpenSanctions and Aleph tools.

Current designations become Person / Organization / Vessel / Airplane entities with their names,
aliases, birth dates, nationalities, addresses and identifiers, each with a Sanction; news
documents become Article entities and their named mentions Mention entities. Ids are stable:
`sanctrack-` and a hash of the warehouse's own keys, so a re-export gives the same ids.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path, PurePath

import duckdb
from followthemoney import model, registry
from followthemoney.proxy import EntityProxy

from sanctrack.outputs import refuse_existing, written_atomically
from sanctrack.settings import REFERENCE_DIR
from sanctrack.warehouse.db import table_names

log = logging.getLogger(__name__)

FILE_NAME = "entities.ftm.json"

# The warehouse's entity types and the FollowTheMoney schema of each.
DESIGNATION_SCHEMA = {"person": "Person", "organisation": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}
MENTION_SCHEMA = {"person": "Person", "organisation": "Organization", "vessel": "Vessel"}

# designation_names.alias_type -> property; a low-quality alias (UK, UN "low"; OFAC, EU "weak") is a weakAlias.
ALIAS_PROPERTY = {"primary": "alias", "primary_variation": "alias", "aka": "alias", "nka": "alias",
                  "fka": "previousName"}
WEAK_ALIAS_QUALITY = {"low", "weak"}

IDENTIFIERS_FILE = REFERENCE_DIR / "ftm_identifiers.csv"


@dataclass(frozen=True)
class IdentifierMapping:
    property: str  # the entity's property ("notes": none fits, kept as a note)
    document: str  # Identification or Passport for an identity document, else ""
    country: str  # the entity's property for the identifier's country when no document holds it ("": country)


@cache
def identifier_mappings() -> dict[str, IdentifierMapping]:
    """seeds/reference/ftm_identifiers.csv: each identifier type a list gives -> its FtM property and document."""
    with IDENTIFIERS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["id_type"]: IdentifierMapping(row["property"], row["document"], row["country"]) for row in rows}


PROPERTIES_FILE = REFERENCE_DIR / "ftm_properties.csv"


@cache
def property_mappings() -> dict[str, tuple[str, str]]:
    """seeds/reference/ftm_properties.csv: each fact a list gives -> (target or sanction, its FtM property)."""
    with PROPERTIES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {row["property"]: (row["entity"], row["ftm_property"]) for row in rows}


@dataclass
class Unmapped:
    """Values with no FtM property to hold them (an unknown country, a vessel's tax number, a fact such as
    "Listing Date (CMIC)"): kept as "label: value" in the entity's notes (or summary), counted per source file."""

    counts: Counter = field(default_factory=Counter)  # (source file name, kind, label) -> values kept in notes
    unknown_types: set = field(default_factory=set)

    def keep(self, entity: EntityProxy, label: str, value: object, source: str, kind: str) -> None:
        """Keep the value in the entity's notes; `kind` is "country", "identifier" or "property"."""
        entity.add("notes" if entity.schema.get("notes") else "summary", f"{label}: {value}")
        self.counts[(source, kind, label.lower())] += 1

    def by_source(self) -> dict[str, Counter]:
        """{source file: {kind: values kept in notes}}."""
        grouped: dict[str, Counter] = defaultdict(Counter)
        for (source, kind, _), n in self.counts.items():
            grouped[source][kind] += n
        return dict(sorted(grouped.items()))

    def summary_line(self) -> str:
        """One line: how many values are kept in notes, per source file and kind."""
        total = sum(self.counts.values())
        if not total:
            return "FtM: every value maps to an FtM property; none kept in notes"
        parts = "; ".join(f"{source} {sum(kinds.values()):,} (" + ", ".join(
            f"{kind} {n:,}" for kind, n in kinds.most_common()) + ")" for source, kinds in self.by_source().items())
        return f"FtM: {total:,} values without an FtM property, kept in notes: {parts}"


def country_codes(value: str) -> list[str]:
    """FtM country codes for a list's spelling of one or more countries, by FollowTheMoney's own lookup
    (rigour's territories): the whole value; each country it names ("Germany. Russia", "Estonia, Russia");
    FtM's fuzzy match ("Congo (Democratic Republic)", "Bosnia-Herzegovina"); the value without its
    parenthesised remark ("Iraq (previous address)"). [] when none of these resolves."""
    clean = registry.country.clean
    if code := clean(value):
        return [code]
    parts = [p.strip() for p in re.split(r"[.;,/]|\band\b", value) if p.strip()]
    codes = [clean(p) for p in parts]
    if len(parts) > 1 and all(codes):
        return list(dict.fromkeys(codes))
    if code := clean(value, fuzzy=True):
        return [code]
    if (bare := re.sub(r"\s*\([^)]*\)", "", value).strip()) != value and (code := clean(bare)):
        return [code]
    return []


def _as_date(value: str) -> str | None:
    """An ISO date (or year, or year-month) from FtM's parser or the lists' "17 Oct 1990", "Oct 1990"."""
    if cleaned := registry.date.clean(value):
        return cleaned
    for fmt, keep in (("%d %b %Y", 10), ("%d %B %Y", 10), ("%b %Y", 7), ("%B %Y", 7)):
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()[:keep]
        except ValueError:
            continue
    return None


def entity_id(kind: str, *parts: object) -> str:
    """A stable id: `sanctrack-<kind>-` and a hash of the warehouse keys."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"sanctrack-{kind}-{digest[:24]}"


def _add(entity: EntityProxy, prop: str, value: object) -> None:
    """Add a value the warehouse made (a name, an id, a date): one that FtM cannot read is a bug, said loudly."""
    if value is None or value == "":
        return
    if entity.schema.get(prop).type.clean(value) is None:
        log.warning("%s %s: %s %r is not a valid %s value; left out",
                    entity.schema.name, entity.id, prop, value, entity.schema.get(prop).type.name)
        return
    entity.add(prop, value)


def _add_or_keep(entity: EntityProxy, prop: str, value: object, unmapped: Unmapped, source: str, kind: str,
                 label: str | None = None) -> bool:
    """Add a value from a list to the entity's property when the schema has it and FtM can read it (countries
    through country_codes, dates in the lists' forms); otherwise keep it in notes. True when it was added."""
    if value is None or value == "":
        return False
    prop_obj = entity.schema.get(prop) if prop != "notes" else None
    if prop_obj is not None:
        if prop_obj.type.name == "country":
            values = country_codes(str(value))
        elif prop_obj.type.name == "date":
            values = [d] if (d := _as_date(str(value))) else []
        else:
            values = [value] if prop_obj.type.clean(value) is not None else []
        for cleaned in values:
            entity.add(prop, cleaned)
        if values:
            return True
    unmapped.keep(entity, label or prop, value, source, kind)
    return False


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    relation = con.sql(sql)
    return [dict(zip(relation.columns, row)) for row in relation.fetchall()]


def _by_version(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in _rows(con, f"select t.* from {table} as t inner join designations as d using (designation_version_id) "
                          "where d.is_current"):
        grouped[row["designation_version_id"]].append(row)
    return grouped


def designation_entities(con: duckdb.DuckDBPyConnection, unmapped: Unmapped) -> list[EntityProxy]:
    """The current designations: the target entity, its identity documents and its Sanction. What has no FtM
    property is kept in notes and counted in `unmapped`, by the designation's source file."""
    names = _by_version(con, "designation_names")
    identifiers = _by_version(con, "designation_identifiers")
    addresses = _by_version(con, "designation_addresses")
    birth_dates = _by_version(con, "designation_birth_dates")
    nationalities = _by_version(con, "designation_nationalities")
    properties = _by_version(con, "designation_properties")
    entities = []
    for row in _rows(con, "select * from designations where is_current order by authority, list_name, list_id"):
        version = row["designation_version_id"]
        source = PurePath(str(row["source_file"])).name
        if row["entity_type"] not in DESIGNATION_SCHEMA:
            raise ValueError(f"designation {row['authority']} {row['list_id']}: unknown entity_type "
                             f"{row['entity_type']!r} (known: {', '.join(DESIGNATION_SCHEMA)})")
        target = model.make_entity(DESIGNATION_SCHEMA[row["entity_type"]])
        target.id = entity_id("designation", row["authority"], row["list_name"], row["list_id"])
        _add(target, "name", row["primary_name"])
        _add(target, "topics", "sanction")
        _add(target, "notes", row["remarks"])
        for name in names.get(version, []):
            if name["alias_type"] not in ALIAS_PROPERTY:
                log.warning("designation %s %s: unknown alias_type %r; alias %r left out",
                            row["authority"], row["list_id"], name["alias_type"], name["full_name"])
                continue
            if name["alias_type"] == "primary" and name["full_name"] == row["primary_name"]:
                continue
            weak = (name["alias_quality"] or "").lower() in WEAK_ALIAS_QUALITY and name["alias_type"] != "fka"
            _add(target, "weakAlias" if weak else ALIAS_PROPERTY[name["alias_type"]], name["full_name"])
            _add(target, "alias", name["name_non_latin"])
            if target.schema.is_a("Person"):
                _add(target, "title", name["title"])
        for address in addresses.get(version, []):
            parts = [address["address"], address["city"], address["postal_code"], address["country"]]
            _add(target, "address", ", ".join(p for p in parts if p))
            _add_or_keep(target, "country", address["country"], unmapped, source, "country")
        is_person = target.schema.is_a("Person")
        for item in nationalities.get(version, []):
            _add_or_keep(target, "nationality" if is_person else "country", item["country"], unmapped, source,
                         "country")
        if is_person:
            for item in birth_dates.get(version, []):
                _add(target, "birthDate", item["birth_date"])
        for item in identifiers.get(version, []):
            entities += identifier_entities(target, item, unmapped, source)
        sanction = model.make_entity("Sanction")
        for item in properties.get(version, []):
            add_property(target, sanction, item["property"], item["value"], unmapped, source)
        sanction.id = entity_id("sanction", row["authority"], row["list_name"], row["list_id"])
        _add(sanction, "entity", target.id)
        _add(sanction, "authority", f"{row['authority']}: {row['list_name']}")
        _add_or_keep(sanction, "country", row["authority"], unmapped, source, "country", "authority")
        _add(sanction, "authorityId", row["list_ref"] or row["list_id"])
        _add(sanction, "programId", row["list_id"])
        for regime in (row["regimes"] or "").split("; "):
            _add(sanction, "program", regime)
        _add(sanction, "listingDate", row["listed_on"])  # the list's listing date; the lists give no start date
        _add(sanction, "modifiedAt", row["last_updated"])
        _add(sanction, "reason", row["statement_of_reasons"])
        _add(sanction, "summary", row["remarks"])
        if str(row["source_file"]).startswith(("http://", "https://")):
            _add(sanction, "sourceUrl", row["source_file"])
        entities += [target, sanction]
    return entities


def add_property(target: EntityProxy, sanction: EntityProxy, name: str, value: str, unmapped: Unmapped,
                 source: str) -> None:
    """A fact with no column of its own (gender, a ship's flag, the UN reference...) on the target's or the
    Sanction's FtM property (seeds/reference/ftm_properties.csv), else in notes."""
    if name not in property_mappings():
        if name not in unmapped.unknown_types:
            unmapped.unknown_types.add(name)
            log.warning("property %r (%s) is not in %s: kept in notes; add it there", name, source,
                        PROPERTIES_FILE.name)
        unmapped.keep(target, name, value, source, "property")
        return
    which, prop = property_mappings()[name]
    entity = sanction if which == "sanction" else target
    schema_prop = entity.schema.get(prop) if prop != "notes" else None
    kind = "country" if schema_prop is not None and schema_prop.type.name == "country" else "property"
    _add_or_keep(entity, prop, value, unmapped, source, kind, name)


def identifier_entities(target: EntityProxy, item: dict, unmapped: Unmapped, source: str) -> list[EntityProxy]:
    """One identifier of a designation: on the target's own property (seeds/reference/ftm_identifiers.csv) and,
    for an identity document of a person or organisation, as an Identification or Passport entity; what fits
    neither is kept in the target's notes."""
    label, number = item["id_type"], item["id_number"]
    mapping = identifier_mappings().get(label.lower())
    if mapping is None:
        if label.lower() not in unmapped.unknown_types:
            unmapped.unknown_types.add(label.lower())
            log.warning("identifier type %r (%s) is not in %s: kept in notes; add it there", label, source,
                        IDENTIFIERS_FILE.name)
        unmapped.keep(target, label, number, source, "identifier")
        return []
    has_property = mapping.property != "notes" and target.schema.get(mapping.property) is not None
    is_document = bool(mapping.document) and target.schema.is_a("LegalEntity")
    if has_property:
        _add_or_keep(target, mapping.property, number, unmapped, source, "identifier", label)
    elif not is_document:
        unmapped.keep(target, label, number, source, "identifier")
    if not is_document:
        _add_or_keep(target, mapping.country or "country", item["country"], unmapped, source, "country",
                     f"{label} country")
        return []
    document = model.make_entity(mapping.document)
    document.id = entity_id("identification", target.id, label, number)
    _add(document, "holder", target.id)
    _add(document, "number", number)
    _add(document, "type", label)
    _add_or_keep(document, "country", item["country"], unmapped, source, "country")
    _add(document, "summary", item["details"])
    return [document]


def news_entities(con: duckdb.DuckDBPyConnection) -> list[EntityProxy]:
    """An Article per document and a Mention per mention; an unnamed group's Mention is named by its phrase
    ("two organizations linked to Russia's nuclear energy sector")."""
    entities = []
    for row in _rows(con, "select document_id, source_uri, title, published_on, fetched_at, content_type, text "
                          "from documents order by document_id"):
        article = model.make_entity("Article")
        article.id = entity_id("document", row["document_id"])
        _add(article, "title", row["title"])
        _add(article, "publishedAt", row["published_on"])
        _add(article, "retrievedAt", row["fetched_at"].date() if row["fetched_at"] else None)
        _add(article, "mimeType", row["content_type"])
        _add(article, "bodyText", row["text"])
        if row["source_uri"].startswith(("http://", "https://")):
            _add(article, "sourceUrl", row["source_uri"])
        else:
            _add(article, "fileName", Path(row["source_uri"]).name)
        entities.append(article)
    links = "mention_links" in table_names(con)
    resolved_sql = (
        "(select {'authority': l.authority, 'list_name': l.list_name, 'list_id': l.list_id} from mention_links as l "
        "where l.mention_id = m.mention_id and l.link_rank = 1 order by l.score desc, l.list_id limit 1)"
        if links else "null"
    )
    for row in _rows(con, f"select m.mention_id, m.document_id, m.target, m.entity_type, m.authority, "
                          f"{resolved_sql} as link from mentions_enriched as m order by mention_id"):
        if row["entity_type"] not in MENTION_SCHEMA and row["entity_type"] != "unnamed_group":
            raise ValueError(f"mention {row['mention_id']}: unknown entity_type {row['entity_type']!r}")
        mention = model.make_entity("Mention")
        mention.id = entity_id("mention", row["mention_id"])
        _add(mention, "name", row["target"])
        _add(mention, "document", entity_id("document", row["document_id"]))
        _add(mention, "detectedSchema", MENTION_SCHEMA.get(row["entity_type"]))  # a group's kind is not known
        _add(mention, "contextCountry", row["authority"])
        link = row["link"]
        if link and MENTION_SCHEMA.get(row["entity_type"]) in ("Person", "Organization"):  # `resolved`: a LegalEntity
            _add(mention, "resolved", entity_id("designation", link["authority"], link["list_name"], link["list_id"]))
        entities.append(mention)
    return entities


def by_entity(con: duckdb.DuckDBPyConnection, entities: list[EntityProxy], unmapped: Unmapped) -> list[EntityProxy]:
    """One entity per entity across lists (docs/entities.md), as OpenSanctions publishes: the targets of the
    current designations of one entity merged into one, with id `sanctrack-entity-` and a hash of the entity
    id (stable: it is that of the entity's first listed entry), and each designation's Sanction, identity
    documents and the news mentions resolved to it pointing to it. A designation alone in its entity keeps
    its own id. A value the merged schema has no property for (an organisation's registration number on the
    vessel a list typed as an organisation) is kept in notes and counted."""
    if "entity_members" not in table_names(con):
        return entities
    cluster_of = {entity_id("designation", a, n, i): (ident, kind) for a, n, i, ident, kind in con.execute(
        "select m.authority, m.list_name, m.list_id, m.entity_id, e.entity_type from entity_members as m "
        "inner join entities as e using (entity_id)").fetchall()}
    groups: dict[str, list[EntityProxy]] = defaultdict(list)
    for entity in entities:
        if entity.id in cluster_of:
            groups[cluster_of[entity.id][0]].append(entity)
    new_id: dict[str, str] = {}
    merged: dict[str, EntityProxy] = {}
    for ident, targets in groups.items():
        if len(targets) < 2:
            continue
        kind = cluster_of[targets[0].id][1]
        entity = model.make_entity(DESIGNATION_SCHEMA[kind])
        entity.id = entity_id("entity", ident)
        for target in sorted(targets, key=lambda t: t.id):
            for prop, value in target.itervalues():
                if entity.schema.get(prop.name) is not None:
                    entity.add(prop.name, value, cleaned=True)
                else:
                    unmapped.keep(entity, prop.label, value, "entities", "property")
            new_id[target.id] = entity.id
        merged[entity.id] = entity
    if not new_id:
        return entities
    out: list[EntityProxy] = []
    for entity in entities:
        if entity.id in new_id:
            if (whole := merged.pop(new_id[entity.id], None)) is not None:
                out.append(whole)  # in place of its first member
            continue
        for prop in entity.schema.properties.values():
            if prop.type == registry.entity and any(v in new_id for v in entity.get(prop)):
                entity.set(prop, [new_id.get(v, v) for v in entity.get(prop)])
        out.append(entity)
    return out


@dataclass
class FtmExport:
    """What an export wrote: entities per schema, and the values kept in notes (no FtM property for them)."""

    path: Path
    counts: dict[str, int]
    unmapped: Unmapped


def export_ftm(con: duckdb.DuckDBPyConnection, out_dir: Path, force: bool = False) -> FtmExport:
    """Write OUT_DIR/entities.ftm.json, one FtM entity per line; returns the count per schema and what was kept
    in notes. An existing file is refused (OutputExists) unless `force`."""
    refuse_existing([out_dir / FILE_NAME], force)
    unmapped = Unmapped()
    entities: list[EntityProxy] = []
    if "designations" in table_names(con):
        entities += designation_entities(con, unmapped)
    entities += news_entities(con)
    entities = by_entity(con, entities, unmapped)
    exported = {e.id for e in entities}
    for entity in entities:  # a mention resolved to a designation no longer current would dangle
        if entity.schema.name == "Mention" and not set(entity.get("resolved")) <= exported:
            entity.pop("resolved")
    merged: dict[str, EntityProxy] = {}
    for entity in entities:  # a document listed twice (with and without its country) is one entity
        if entity.id in merged:
            merged[entity.id].merge(entity)
        else:
            merged[entity.id] = entity
    entities = list(merged.values())
    with written_atomically(out_dir / FILE_NAME, force) as partial, partial.open("w", encoding="utf-8") as fh:
        for entity in entities:
            fh.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    counts = dict(sorted(Counter(e.schema.name for e in entities).items()))
    return FtmExport(out_dir / FILE_NAME, counts, unmapped)
