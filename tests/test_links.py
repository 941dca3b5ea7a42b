"""`mention_links`: news mentions linked to designations, with the status on the document's date."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sanctrack.flows.lists import run_lists
from sanctrack.matching import MATCHER_VERSION
from sanctrack.warehouse.db import connect
from sanctrack.warehouse.links import refresh_mention_links, status_on
from tests.helpers import table_fingerprints

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
UK = FIXTURES / "uk_conlist_5rows.csv"
OFAC = FIXTURES / "ofac_set"


def add_mentions(con: duckdb.DuckDBPyConnection, published_on: date | None, names: list[tuple[str, str, str]],
                 document_id: str = "doc1") -> None:
    """One document and its mentions (name, entity type, authority), as the news load writes them."""
    con.execute(
        "insert into documents (document_id, source_uri, title, published_on, fetched_at, content_type, n_chars, "
        "text, run_id) values (?, 'file:///a.txt', 'a', ?, now()::timestamp, 'text/plain', 1, 'x', 'r')",
        [document_id, published_on],
    )
    frame = pd.DataFrame(names, columns=["name", "entity_type", "authority"])
    frame.insert(0, "mention_id", [f"{document_id}-m{i}" for i in range(len(frame))])
    con.register("new_mentions", frame)
    con.execute(
        "insert into mentions (mention_id, document_id, extractor_version, name, entity_type, count, authority, "
        "action, is_rosatom_linked, sentence, sentence_start, span_start, span_end, confidence, cue, run_id) "
        f"select mention_id, '{document_id}', 'v1', name, entity_type, 1, authority, 'designated', false, 's', 0, 0, 1, "
        "0.9, 'c', 'r' from new_mentions"
    )
    con.unregister("new_mentions")


def links(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select l.mention_id, l.authority, l.list_id, l.link_rank, l.status_on_document_date from mention_links l "
        "order by l.mention_id, l.link_rank"
    ).fetchall()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("links") / "w.duckdb"
    assert run_lists([str(UK), str(OFAC)], path)["status"] == "succeeded"
    return path


@pytest.fixture
def db(loaded: Path, tmp_path: Path) -> Path:
    """A fresh copy of a warehouse with the UK and OFAC fixtures loaded."""
    path = tmp_path / "w.duckdb"
    shutil.copy(loaded, path)
    return path


@pytest.mark.parametrize(("published", "listed", "valid_from", "valid_to", "current", "status"), [
    (None, "2025-02-14", "2025-04-14", None, True, "unknown"),
    ("2025-02-14", "2025-02-14", "2025-04-14", None, True, "listed"),
    ("2025-02-10", "2025-02-14", "2025-04-14", None, True, "not_yet_listed"),
    ("2025-05-01", "2025-02-14", "2025-04-14", "2025-04-20", False, "delisted"),
    ("2025-04-15", "2025-02-14", "2025-04-14", "2025-04-20", False, "listed"),
    ("2025-02-10", None, "2024-02-23", None, True, "listed"),
    ("2024-01-10", None, "2024-02-23", None, True, "unknown"),
])
def test_status_on_the_document_date(published, listed, valid_from, valid_to, current, status) -> None:
    assert status_on(*(pd.Timestamp(v) if v else None for v in (published, listed, valid_from, valid_to)),
                     current) == status


def test_mentions_link_to_designations_on_every_list(db: Path) -> None:
    con = connect(db)
    add_mentions(con, date(2025, 2, 14), [("Pavel Fradkov", "person", "UK"), ("Artem Chaika", "person", "UK"),
                                          ("Rosatom Additive Technologies", "organisation", "UK"),
                                          ("Mikhail Efimov", "person", "UK")])
    assert refresh_mention_links(con) == len(links(con)) > 0
    rows = links(con)
    assert ("doc1-m0", "UK", "RUS2389", 1, "listed") in rows
    # OFAC gives no listing date, and this fixture no publication date (valid_from is the load date).
    assert ("doc1-m1", "US", "23303", 1, "unknown") in rows
    assert {r[2] for r in rows if r[0] == "doc1-m2"} == {"RUS2386", "43196"}
    assert not [r for r in rows if r[0] == "doc1-m3"]  # below the threshold: no link
    evidence = json.loads(con.execute(
        "select evidence from mention_links where mention_id = 'doc1-m1'").fetchone()[0])
    assert evidence["authority_agreement"] == "disagree" and evidence["mention_authority"] == "UK"
    assert evidence["entity_type"] == "agree"
    same = con.execute("select is_same_authority from mention_links where mention_id = 'doc1-m0'").fetchone()[0]
    assert same is True
    con.close()


def test_recomputing_links_is_idempotent(db: Path) -> None:
    con = connect(db)
    add_mentions(con, date(2025, 2, 14), [("Pavel Fradkov", "person", "UK"), ("Artem Chaika", "person", "UK")])
    refresh_mention_links(con)
    con.close()
    before = table_fingerprints(db)
    con = connect(db)
    refresh_mention_links(con)
    con.close()
    assert table_fingerprints(db) == before


def test_announced_before_listing_shows_in_one_query(db: Path) -> None:
    con = connect(db)
    add_mentions(con, date(2025, 2, 1), [("Pavel Fradkov", "person", "UK")])
    refresh_mention_links(con)
    rows = con.execute("select mention_name, authority, list_id, listed_on from mentions_not_yet_listed").fetchall()
    assert rows == [("Pavel Fradkov", "UK", "RUS2389", date(2025, 2, 14))]
    con.close()


def test_a_removed_designation_is_delisted_after_its_removal(db: Path, tmp_path: Path) -> None:
    later = tmp_path / "later.csv"
    text = UK.read_text(encoding="utf-8").replace("Last Updated,14/04/2025", "Last Updated,20/04/2025", 1)
    later.write_text(text, encoding="utf-8")
    rows = pd.read_csv(later, header=None, dtype=str, keep_default_na=False)
    keep = (rows.index < 2) | (rows[35] != "16758")
    rows[keep].to_csv(later, header=False, index=False)
    assert run_lists([str(later)], db, force=True)["status"] == "succeeded"
    con = connect(db)
    add_mentions(con, date(2025, 5, 1), [("Pavel Fradkov", "person", "UK")])
    refresh_mention_links(con)
    row = con.execute("select list_id, status_on_document_date, delisted_on from mention_links").fetchone()
    assert row == ("RUS2389", "delisted", date(2025, 4, 20))
    con.close()


def test_a_failed_recompute_leaves_the_links_as_they_were(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = connect(db)
    add_mentions(con, date(2025, 2, 14), [("Pavel Fradkov", "person", "UK")])
    refresh_mention_links(con)
    before = links(con)

    monkeypatch.setattr("sanctrack.warehouse.links.compute_mention_links",
                        lambda con, **kw: pd.DataFrame({"mention_link_id": [None]}))
    with pytest.raises(duckdb.Error):
        refresh_mention_links(con)
    assert links(con) == before
    con.close()


def test_no_mentions_or_no_lists_make_no_links(tmp_path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    assert refresh_mention_links(con) == 0
    add_mentions(con, date(2025, 2, 14), [("Pavel Fradkov", "person", "UK")])
    assert refresh_mention_links(con) == 0
    con.close()


def test_links_made_by_another_matcher_version_are_remade_by_the_next_run(db: Path) -> None:
    con = connect(db)
    add_mentions(con, date(2025, 2, 14), [("Pavel Fradkov", "person", "UK")])
    refresh_mention_links(con)
    made = links(con)
    con.execute("update mention_links set matcher_version = 'matching-0'")
    con.close()
    # The lists are unchanged, so only the older matcher version makes this run link again.
    assert run_lists([str(UK), str(OFAC)], db)["status"] == "succeeded"
    con = connect(db)
    try:
        assert links(con) == made
        assert con.execute("select distinct matcher_version from mention_links").fetchall() == [(MATCHER_VERSION,)]
    finally:
        con.close()


def test_linking_the_documents_of_a_run_gives_what_a_whole_recompute_gives(db: Path) -> None:
    from sanctrack.warehouse.db import transaction
    from sanctrack.warehouse.links import recompute_mention_links

    con = connect(db)
    try:
        add_mentions(con, date(2025, 2, 14), [("Pavel Fradkov", "person", "UK")], document_id="doc1")
        refresh_mention_links(con)
        add_mentions(con, date(2025, 2, 10), [("Artem Chaika", "person", "UK"), ("Selin", "person", "UK")],
                     document_id="doc2")
        con.execute("create temp table run_documents as select 'doc2' as document_id")
        with transaction(con):
            written = recompute_mention_links(con, documents="run_documents")
        incremental = links(con)
        assert written == len([link for link in incremental if link[0].startswith("doc2")]) > 0
        refresh_mention_links(con)
        assert links(con) == incremental
    finally:
        con.close()
