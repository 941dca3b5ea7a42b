"""The FollowTheMoney export: valid entities of the real schema, stable ids, references that resolve."""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from followthemoney import model

from sanctrack.cli import main
from sanctrack.warehouse.db import connect
from sanctrack.flows.lists import run_lists
from sanctrack.warehouse.ftm import FILE_NAME, country_codes, entity_id, export_ftm
from tests.helpers import query
from tests.test_report import INJECTED_SENTENCE, LISTS, build_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("ftm"))[0]


def export(db: Path, out_dir: Path) -> tuple[dict[str, int], list[dict]]:
    con = connect(db, read_only=True)
    try:
        counts = export_ftm(con, out_dir).counts
    finally:
        con.close()
    lines = (out_dir / FILE_NAME).read_text(encoding="utf-8").splitlines()
    return counts, [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def exported(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, int], list[dict]]:
    return export(warehouse, tmp_path_factory.mktemp("ftm-out"))


def test_every_line_is_a_valid_entity_of_the_ftm_model(exported: tuple[dict, list[dict]]) -> None:
    _, entities = exported
    assert entities
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data["schema"]
        assert set(data["properties"]) <= set(schema.properties), data
        assert schema.validate(data) is None, (schema.validate(data), data)
        proxy = model.get_proxy(data, cleaned=False)  # cleans every value again: nothing may change
        assert proxy.to_dict()["properties"] == data["properties"], data
        assert data["id"].startswith("sanctrack-")


def test_current_designations_become_entities_each_with_a_sanction(warehouse: Path, exported) -> None:
    counts, entities = exported
    by_type = dict(query(warehouse, "select entity_type, count(*) from designations where is_current group by all"))
    schemas = Counter(e["schema"] for e in entities)
    assert schemas["Person"] == by_type.get("person", 0)
    assert schemas["Organization"] == by_type.get("organisation", 0)
    assert schemas["Vessel"] == by_type.get("vessel", 0)
    assert schemas["Sanction"] == sum(by_type.values())
    assert counts == schemas
    ids = {e["id"] for e in entities}
    for sanction in (e for e in entities if e["schema"] == "Sanction"):
        assert sanction["properties"]["entity"][0] in ids
        assert sanction["properties"]["authority"] and sanction["properties"]["authorityId"]


def test_a_uk_designation_keeps_its_names_dates_and_programme(warehouse: Path, exported) -> None:
    _, entities = exported
    name, list_name, list_id, listed_on = query(
        warehouse, "select primary_name, list_name, list_id, listed_on from designations "
                   "where authority = 'UK' and entity_type = 'person' and is_current order by list_id limit 1")[0]
    person = next(e for e in entities if e["id"] == entity_id("designation", "UK", list_name, list_id))
    assert person["schema"] == "Person" and person["properties"]["name"] == [name]
    assert person["properties"]["topics"] == ["sanction"]
    sanction = next(e for e in entities if e["id"] == entity_id("sanction", "UK", list_name, list_id))
    assert sanction["properties"]["listingDate"] == [str(listed_on)]
    assert sanction["properties"]["country"] == ["gb"]


def test_articles_and_mentions_carry_their_source(warehouse: Path, exported) -> None:
    _, entities = exported
    articles = {e["id"]: e for e in entities if e["schema"] == "Article"}
    mentions = [e for e in entities if e["schema"] == "Mention"]
    assert len(articles) == query(warehouse, "select count(*) from documents")[0][0]
    assert len(mentions) == query(warehouse, "select count(*) from mentions")[0][0]
    assert all(m["properties"]["document"][0] in articles for m in mentions)
    petrov = next(m for m in mentions if m["properties"]["name"] == ["Ivan Petrov"] and
                  articles[m["properties"]["document"][0]]["properties"]["fileName"] == ["injection.txt"])
    assert petrov["properties"]["detectedSchema"] == ["Person"]
    assert petrov["properties"]["contextCountry"] == ["gb"]
    article = articles[petrov["properties"]["document"][0]]
    assert INJECTED_SENTENCE in article["properties"]["bodyText"][0]  # as written: FtM is data, not markup
    assert article["properties"]["publishedAt"] == ["2025-03-03"]


def test_the_same_warehouse_exports_the_same_file(warehouse: Path, exported, tmp_path: Path) -> None:
    first = (tmp_path / "a")
    export(warehouse, first)
    export(warehouse, tmp_path / "b")
    assert (first / FILE_NAME).read_bytes() == (tmp_path / "b" / FILE_NAME).read_bytes()


def test_an_unnamed_group_is_a_mention_named_by_its_phrase(exported) -> None:
    _, entities = exported
    group = next(e for e in entities if e["schema"] == "Mention" and e["properties"]["name"][0].startswith("two org"))
    assert group["properties"]["name"] == ["two organizations linked to Russia's nuclear energy sector, Rosatom"]
    assert "detectedSchema" not in group["properties"]  # persons or organisations: the text does not say


@pytest.mark.parametrize("spelling, codes", [
    ("Russia", ["ru"]),
    ("Congo (Democratic Republic)", ["cd"]),  # UK's spelling
    ("Occupied Palestinian Territories", ["ps"]),
    ("Bosnia-Herzegovina", ["ba"]),
    ("Germany. Russia", ["de", "ru"]),  # two countries in one cell
    ("Estonia, Russia", ["ee", "ru"]),
    ("Korea, North", ["kp"]),  # a comma inside one name
    ("Iraq (previous address)", ["iq"]),
    ("Narnia", []),
    ("115088", []),
])
def test_countries_resolve_through_followthemoney(spelling: str, codes: list[str]) -> None:
    assert country_codes(spelling) == codes


@pytest.fixture(scope="module")
def identifiers_export(tmp_path_factory: pytest.TempPathFactory):
    """An OFAC CSV with a vessel (IMO, MMSI, a tax number), a person (odd nationalities, a passport, a national id
    of an unknown country) and a company (tax, registration, IMO, MMSI, SWIFT, two countries in one cell)."""
    root = tmp_path_factory.mktemp("ftm-ids")
    db = root / "w.duckdb"
    run_lists([str(LISTS / "ofac_ftm_sdn_2025-01-10.csv")], db)
    con = connect(db, read_only=True)
    try:
        result = export_ftm(con, root / "out")
    finally:
        con.close()
    entities = [json.loads(line) for line in result.path.read_text(encoding="utf-8").splitlines()]
    by_id = {e["id"]: e for e in entities}
    return result, entities, {key: by_id[entity_id("designation", "US", "OFAC SDN List", key)]["properties"]
                              for key in ("9001", "9002", "9003")}


def test_every_identifier_maps_to_its_property(identifiers_export) -> None:
    _, _, props = identifiers_export
    vessel, person, company = props["9001"], props["9002"], props["9003"]
    assert (vessel["mmsi"], vessel["imoNumber"], vessel["callSign"]) == (["572469210"], ["IMO9187629"], ["9BXY1"])
    assert vessel["flag"] == ["ir"]  # the call sign's country
    assert person["passportNumber"] == ["A1234567"] and person["idNumber"] == ["99887766"]
    assert sorted(person["nationality"]) == ["ba", "cd"]
    assert company["taxNumber"] == ["7724944227"] and company["registrationNumber"] == ["1157746312345"]
    assert company["imoNumber"] == ["IMO5551236"] and company["swiftBic"] == ["ABCDRUMM"]
    assert sorted(company["country"]) == ["de", "ru"]


def test_identity_documents_become_passport_and_identification_entities(identifiers_export) -> None:
    _, entities, _ = identifiers_export
    documents = {e["schema"]: e["properties"] for e in entities if e["schema"] in ("Passport", "Identification")
                 and e["properties"]["holder"] == [entity_id("designation", "US", "OFAC SDN List", "9002")]}
    assert documents["Passport"]["number"] == ["A1234567"] and documents["Passport"]["country"] == ["ps"]
    assert documents["Identification"]["number"] == ["99887766"]
    assert documents["Identification"]["summary"] == ["country: Narnia"]  # kept, not dropped


def test_what_has_no_property_is_kept_in_notes_and_counted(identifiers_export) -> None:
    result, _, props = identifiers_export
    assert "tax_id: 123456" in props["9001"]["notes"]  # a Vessel has no tax number (its country is kept)
    assert props["9001"]["flag"] == ["ir"]
    assert "mmsi: 273000000" in props["9003"]["notes"]  # an Organization has no MMSI
    assert "nationality: possibly Palestinian" in props["9002"]["notes"]
    assert result.unmapped.by_source() == {"ofac_ftm_sdn_2025-01-10.csv": {"identifier": 2, "country": 2}}
    assert result.unmapped.summary_line() == ("FtM: 4 values without an FtM property, kept in notes: "
                                              "ofac_ftm_sdn_2025-01-10.csv 4 (identifier 2, country 2)")


def test_an_unknown_identifier_type_is_warned_about_once_and_kept(caplog: pytest.LogCaptureFixture) -> None:
    from sanctrack.warehouse.ftm import Unmapped, identifier_entities

    person, unmapped = model.make_entity("Person"), Unmapped()
    person.id = "sanctrack-test"
    with caplog.at_level(logging.WARNING, logger="sanctrack.warehouse.ftm"):
        for number in ("X1", "X2"):
            identifier_entities(person, {"id_type": "Hunting Licence", "id_number": number, "country": None,
                                         "details": None}, unmapped, "list.xml")
    assert caplog.text.count("identifier type 'Hunting Licence'") == 1
    assert person.get("notes") == ["Hunting Licence: X1", "Hunting Licence: X2"]
    assert unmapped.by_source() == {"list.xml": {"identifier": 2}}


def test_facts_without_a_column_map_to_the_target_or_its_sanction(caplog: pytest.LogCaptureFixture) -> None:
    from sanctrack.warehouse.ftm import Unmapped, add_property

    vessel, sanction, unmapped = model.make_entity("Vessel"), model.make_entity("Sanction"), Unmapped()
    vessel.id, sanction.id = "sanctrack-v", "sanctrack-s"
    with caplog.at_level(logging.WARNING, logger="sanctrack.warehouse.ftm"):
        for name, value in [("ship_flag", "North Korea"), ("ship_previous_flag", "Togo"), ("ship_year_built", "1987"),
                            ("un_reference", "KPe.071"), ("sanctions_imposed", "Asset freeze"),
                            ("ofsi_group_id", "13647"), ("ship_colour", "red")]:
            add_property(vessel, sanction, name, value, unmapped, "list.xml")
    assert (vessel.get("flag"), vessel.get("pastFlags"), vessel.get("buildDate")) == (["kp"], ["tg"], ["1987"])
    assert (sanction.get("unscId"), sanction.get("provisions")) == (["KPe.071"], ["Asset freeze"])
    assert sanction.get("summary") == ["ofsi_group_id: 13647"] and vessel.get("notes") == ["ship_colour: red"]
    assert "property 'ship_colour' (list.xml) is not in ftm_properties.csv" in caplog.text
    assert unmapped.by_source() == {"list.xml": {"property": 2}}


def test_export_command_writes_ftm(warehouse: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(warehouse), "export", "--format", "ftm", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / FILE_NAME).exists()
    lines = result.output.splitlines()
    assert lines[0].startswith("entities: ") and "Sanction" in lines[0]
    # The ConList fixture's OFSI Group IDs: FtM has no property for them (kept in the Sanctions' summary).
    assert lines[1] == "FtM: 3 values without an FtM property, kept in notes: uk_conlist_5rows.csv 3 (property 3)"
    assert lines[2] == f"exports: {(tmp_path / FILE_NAME).resolve()}"


# --- every shipped list -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_export(full_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("ftm-full")
    result = CliRunner().invoke(main, ["--db", str(full_warehouse), "export", "--format", "ftm", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, out / FILE_NAME


def test_every_list_exports_valid_ftm_with_one_summary_line(full_export) -> None:
    import subprocess
    import sys

    output, path = full_export
    lines = output.splitlines()
    assert len(lines) == 3 and lines[1].startswith("FtM: ") and lines[2] == f"exports: {path.resolve()}"
    ftm = Path(sys.executable).with_name("ftm")  # the followthemoney package's own command
    checked = subprocess.run([str(ftm), "validate", "-i", str(path), "-o", "/dev/null"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr[-2000:]


def test_no_mmsi_imo_or_country_of_any_list_is_dropped(full_warehouse: Path, full_export) -> None:
    """Per source file: every MMSI, IMO and country value of a current designation is on its entity (a country
    as FtM's code) or in its notes; none is lost."""
    _, path = full_export
    entities = {e["id"]: e for e in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    documents = defaultdict(list)  # holder -> its identity documents
    for entity in entities.values():
        if entity["schema"] in ("Passport", "Identification"):
            documents[entity["properties"]["holder"][0]].append(entity["properties"])
    current = ("inner join designations as d using (designation_version_id) where d.is_current")
    keys = "d.authority, d.list_name, d.list_id, regexp_extract(d.source_file, '[^/]+$')"
    identifiers = query(full_warehouse, f"select distinct {keys}, lower(t.id_type), t.id_number from "
                                        f"designation_identifiers as t {current} and lower(t.id_type) in ('mmsi', 'imo')")
    countries = query(full_warehouse, f"""
        select distinct {keys}, t.country from (
            select designation_version_id, country from designation_addresses
            union all select designation_version_id, country from designation_nationalities
            union all select designation_version_id, country from designation_identifiers
            union all select designation_version_id, value from designation_properties
            where property in ('country_of_birth', 'ship_flag', 'ship_previous_flag', 'nationality_of_registration')
        ) as t
        {current} and t.country is not null and t.country <> ''""")
    # A designation on several lists is exported as its entity (docs/entities.md): its facts are found there.
    clusters = {entity_id("designation", *key): entity_id("entity", ident) for *key, ident in query(
        full_warehouse, "select authority, list_name, list_id, entity_id from entity_members")}

    def exported_as(authority: str, list_name: str, list_id: str) -> str:
        own = entity_id("designation", authority, list_name, list_id)
        return own if own in entities else clusters[own]

    checked, kept = Counter(), Counter()
    for authority, list_name, list_id, source, id_type, number in identifiers:
        props = entities[exported_as(authority, list_name, list_id)]["properties"]
        prop = {"mmsi": "mmsi", "imo": "imoNumber"}[id_type]
        noted = f"{id_type}: {number}" in props.get("notes", [])
        assert noted or any(number in value for value in props.get(prop, [])), (source, list_id, id_type, number)
        checked[(source, id_type)] += 1
        kept[(source, id_type)] += noted
    for authority, list_name, list_id, source, raw in countries:
        holder = exported_as(authority, list_name, list_id)
        places = [entities[holder]["properties"], *documents[holder]]
        codes = {code for props in places for prop in ("country", "nationality", "flag", "pastFlags", "birthCountry",
                                                       "jurisdiction") for code in props.get(prop, [])}
        notes = {note for props in places for note in props.get("notes", []) + props.get("summary", [])}
        resolved = country_codes(raw)
        assert (resolved and set(resolved) <= codes) or any(note.endswith(f": {raw}") for note in notes), (
            source, list_id, raw)
        checked[(source, "country")] += 1
        kept[(source, "country")] += not resolved
    totals = Counter()
    for (_, kind), n in checked.items():
        totals[kind] += n
    assert totals["mmsi"] >= 116 and totals["imo"] >= 790 and totals["country"] > 14_000, totals
    sources = {name for (name,) in query(full_warehouse, "select distinct regexp_extract(source_file, '[^/]+$') "
                                                         "from designations where is_current")}
    assert {source for source, kind in checked if kind == "country"} == sources  # every list file was checked
    assert sum(n for (_, kind), n in kept.items() if kind in ("mmsi", "imo")) == 0
    assert sum(n for (_, kind), n in kept.items() if kind == "country") < 10  # numbers in a country cell, a remark
