"""The FollowTheMoney export: valid entities of the real schema, stable ids, references that resolve."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from followthemoney import model

from sanctrack.cli import main
from sanctrack.warehouse.db import connect
from sanctrack.warehouse.ftm import FILE_NAME, entity_id, export_ftm
from tests.helpers import query
from tests.test_report import INJECTED_SENTENCE, build_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("ftm"))[0]


def export(db: Path, out_dir: Path) -> tuple[dict[str, int], list[dict]]:
    con = connect(db, read_only=True)
    try:
        counts = export_ftm(con, out_dir)
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
    unnamed = query(warehouse, "select count(*) from mentions where name is null")[0][0]
    assert unnamed == 1  # the seed's "two organizations": a Mention needs a name, so it is counted, not exported
    assert counts == {**schemas, "unnamed_group_mentions_left_out": unnamed}
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
    assert len(mentions) == query(warehouse, "select count(*) from mentions where name is not null")[0][0]
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


def test_an_unreadable_country_is_a_warning_and_left_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from sanctrack.warehouse.ftm import _add

    entity = model.make_entity("Person")
    entity.id = "sanctrack-test"
    with caplog.at_level(logging.WARNING, logger="sanctrack.warehouse.ftm"):
        _add(entity, "nationality", "Narnia")
        _add(entity, "nationality", "Russia")
    assert entity.get("nationality") == ["ru"]
    assert "nationality 'Narnia' is not a valid country value" in caplog.text


def test_export_command_writes_ftm(warehouse: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(warehouse), "export", "--format", "ftm", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Sanction" in result.output and (tmp_path / FILE_NAME).exists()
