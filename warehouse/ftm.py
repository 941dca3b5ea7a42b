"""Exporting the warehouse as FollowTheMoney entities (JSON lines), for OpenSanctions and Aleph tools.

Current designations become Person / Organization / Vessel / Airplane entities with their names,
aliases, birth dates, nationalities, addresses and identifiers, each with a Sanction; news
documents become Article entities and their named mentions Mention entities. Ids are stable:
`sanctrack-` and a hash of the warehouse's own keys, so a re-export gives the same ids.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
from followthemoney import model
from followthemoney.proxy import EntityProxy

from sanctrack.outputs import refuse_existing, written_atomically
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

# designation_identifiers.id_type (lower-cased) -> the entity's own property, where its schema has one.
# Every identifier of a person or organisation is also an Identification entity carrying the list's label.
IDENTIFIER_PROPERTY = {"passport": "passportNumber", "imo": "imoNumber", "tax_id": "taxNumber",
                       "registration": "registrationNumber", "regnumber": "registrationNumber",
                       "national_id": "idNumber", "call_sign": "callSign", "swift_bic": "swiftBic"}


def entity_id(kind: str, *parts: object) -> str:
    """A stable id: `sanctrack-<kind>-` and a hash of the warehouse keys."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"sanctrack-{kind}-{digest[:24]}"


def _add(entity: EntityProxy, prop: str, value: object) -> None:
    """Add a value; one that FtM's type cannot read (a country it does not know) is a warning, not a shrug."""
    if value is None or value == "":
        return
    if entity.schema.get(prop).type.clean(value) is None:
        log.warning("%s %s: %s %r is not a valid %s value; left out",
                    entity.schema.name, entity.id, prop, value, entity.schema.get(prop).type.name)
        return
    entity.add(prop, value)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    relation = con.sql(sql)
    return [dict(zip(relation.columns, row)) for row in relation.fetchall()]


def _by_version(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in _rows(con, f"select t.* from {table} as t inner join designations as d using (designation_version_id) "
                          "where d.is_current"):
        grouped[row["designation_version_id"]].append(row)
    return grouped


def designation_entities(con: duckdb.DuckDBPyConnection) -> list[EntityProxy]:
    """The current designations: the target entity, its Identifications and its Sanction."""
    names = _by_version(con, "designation_names")
    identifiers = _by_version(con, "designation_identifiers")
    addresses = _by_version(con, "designation_addresses")
    birth_dates = _by_version(con, "designation_birth_dates")
    nationalities = _by_version(con, "designation_nationalities")
    entities = []
    for row in _rows(con, "select * from designations where is_current order by authority, list_name, list_id"):
        version = row["designation_version_id"]
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
            _add(target, "country", address["country"])
        is_person = target.schema.is_a("Person")
        for item in nationalities.get(version, []):
            _add(target, "nationality" if is_person else "country", item["country"])
        if is_person:
            for item in birth_dates.get(version, []):
                _add(target, "birthDate", item["birth_date"])
        for item in identifiers.get(version, []):
            prop = IDENTIFIER_PROPERTY.get(item["id_type"].lower())
            if prop and target.schema.get(prop) is not None:
                _add(target, prop, item["id_number"])
            if target.schema.is_a("LegalEntity"):
                identification = model.make_entity("Identification")
                identification.id = entity_id("identification", target.id, item["id_type"], item["id_number"])
                _add(identification, "holder", target.id)
                _add(identification, "number", item["id_number"])
                _add(identification, "type", item["id_type"])
                _add(identification, "country", item["country"])
                _add(identification, "summary", item["details"])
                entities.append(identification)
            elif not (prop and target.schema.get(prop) is not None):
                log.warning("designation %s %s: identifier type %r has no %s property; %r left out",
                            row["authority"], row["list_id"], item["id_type"], target.schema.name, item["id_number"])
        sanction = model.make_entity("Sanction")
        sanction.id = entity_id("sanction", row["authority"], row["list_name"], row["list_id"])
        _add(sanction, "entity", target.id)
        _add(sanction, "authority", f"{row['authority']}: {row['list_name']}")
        _add(sanction, "country", row["authority"])
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


def news_entities(con: duckdb.DuckDBPyConnection) -> tuple[list[EntityProxy], int]:
    """An Article per document and a Mention per named mention; also how many unnamed groups were left out."""
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
    unnamed = 0
    for row in _rows(con, f"select m.*, {resolved_sql} as link from mentions as m order by mention_id"):
        if row["name"] is None:  # an unnamed group ("two organisations"): FtM's Mention needs a name
            unnamed += 1
            continue
        if row["entity_type"] not in MENTION_SCHEMA:
            raise ValueError(f"mention {row['mention_id']}: unknown entity_type {row['entity_type']!r}")
        mention = model.make_entity("Mention")
        mention.id = entity_id("mention", row["mention_id"])
        _add(mention, "name", row["name"])
        _add(mention, "document", entity_id("document", row["document_id"]))
        _add(mention, "detectedSchema", MENTION_SCHEMA[row["entity_type"]])
        _add(mention, "contextCountry", row["authority"])
        link = row["link"]
        if link and MENTION_SCHEMA[row["entity_type"]] != "Vessel":  # `resolved` points to a LegalEntity
            _add(mention, "resolved", entity_id("designation", link["authority"], link["list_name"], link["list_id"]))
        entities.append(mention)
    return entities, unnamed


def export_ftm(con: duckdb.DuckDBPyConnection, out_dir: Path, force: bool = False) -> dict[str, int]:
    """Write OUT_DIR/entities.ftm.json, one FtM entity per line; returns the count per schema.

    An existing file is refused (OutputExists) unless `force`.
    """
    refuse_existing([out_dir / FILE_NAME], force)
    entities: list[EntityProxy] = []
    if "designations" in table_names(con):
        entities += designation_entities(con)
    news, unnamed = news_entities(con)
    entities += news
    exported = {e.id for e in entities}
    for entity in entities:  # a mention resolved to a designation no longer current would dangle
        if entity.schema.name == "Mention" and not set(entity.get("resolved")) <= exported:
            entity.pop("resolved")
    with written_atomically(out_dir / FILE_NAME, force) as partial, partial.open("w", encoding="utf-8") as fh:
        for entity in entities:
            fh.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    counts = dict(sorted(Counter(e.schema.name for e in entities).items()))
    if unnamed:
        log.info("%d mentions of unnamed groups are not FtM Mentions (they have no name)", unnamed)
        counts["unnamed_group_mentions_left_out"] = unnamed
    return counts
