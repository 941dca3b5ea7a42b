"""The matching engine on the real UK and OFAC files (../shared; skipped where absent).

The lists are parsed once for the module; the evaluation sets are built from the lists themselves
(sanctrack/matching/evaluate.py).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sanctrack.lists import parse_list
from sanctrack.lists.validate import validate_parsed
from sanctrack.matching import RECOMMENDED_THRESHOLD, NameIndex
from sanctrack.matching.evaluate import (brute_force, false_positive_rate, negative_queries, positive_queries, top1,
                                         variation_queries)
from sanctrack.warehouse.db import connect, transaction
from sanctrack.warehouse.links import refresh_mention_links
from sanctrack.warehouse.lists import load_list
from sanctrack.warehouse.runs import Run
from tests.test_links import add_mentions

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def lists(shared_dir: Path):
    root = shared_dir / "data" / "lists"
    uk, ofac = root / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx", root / "us-ofac" / "sdn_2024-02-23.csv"
    if not (uk.exists() and ofac.exists()):
        pytest.skip("the real UK 2025-04-14 and OFAC 2024-02-23 files are absent")
    return parse_list(uk), parse_list(ofac)


@pytest.fixture(scope="module")
def index(lists) -> NameIndex:
    return NameIndex.from_parsed(*lists)


def test_artyom_chayka_finds_chaika_on_the_uk_list_first(index: NameIndex) -> None:
    found = index.screen("Artyom Chayka")
    assert (found[0].authority, found[0].list_id) == ("UK", "RUS2387")
    assert ("US", "23303") in {(c.authority, c.list_id) for c in found[:3]}


@pytest.mark.parametrize(("name", "authority", "list_id"), [
    ("Artyom Chayka", "UK", "RUS2387"), ("Artyom Chayka", "US", "23303"), ("Wladimir Putin", "UK", "RUS0251"),
    ("Vladimir Poutine", "UK", "RUS0251"), ("Pavel Fradkov", "UK", "RUS2389"),
])
def test_true_matches_score_at_or_above_the_recommended_threshold(index: NameIndex, name: str, authority: str,
                                                                   list_id: str) -> None:
    found = {(c.authority, c.list_id): c.score for c in index.screen(name)}
    assert found[(authority, list_id)] >= RECOMMENDED_THRESHOLD


@pytest.mark.parametrize("name", ["John Smith", "Fradkov", "Vladimir Smith", "Ivan Smith", "Global Trading Bank"])
def test_a_shared_common_word_is_no_match(index: NameIndex, name: str) -> None:
    """A shared given name, a surname borne by three listed people, generic words: below the threshold."""
    assert all(c.score < RECOMMENDED_THRESHOLD for c in index.screen(name))


def test_fradkov_with_the_other_spelling_of_the_patronymic_finds_pavel(index: NameIndex) -> None:
    found = index.screen("Fradkov Pavel Mikhaylovich")
    assert (found[0].authority, found[0].list_id) == ("UK", "RUS2389")


def test_pavel_fradkov_is_not_beaten_by_mikhail_or_petr(index: NameIndex) -> None:
    found = index.screen("Pavel Fradkov", authorities=["UK"])
    assert found[0].list_id == "RUS2389"
    others = {c.name: c.score for c in found if "FRADKOV" in c.name and c.list_id != "RUS2389"}
    assert {"Mikhail Efimovich FRADKOV", "Petr Mikhailovich FRADKOV"} <= set(others)
    assert max(others.values()) < found[0].score - 0.2


def test_each_name_of_a_multi_name_uk_designation_finds_its_own_group_first(lists, index: NameIndex) -> None:
    result = top1(index, variation_queries(lists[0].names), ["UK"])
    assert result["queries"] > 10_000
    assert result["top1"] >= 0.97, result["misses"][:20]


def test_names_on_no_list_rarely_reach_the_recommended_threshold(index: NameIndex) -> None:
    result = false_positive_rate(index, negative_queries(index, 1000), RECOMMENDED_THRESHOLD)
    assert result["rate"] <= 0.02, result["examples"]


def test_the_index_finds_what_exhaustive_scoring_finds(index: NameIndex) -> None:
    """Blocking loses almost nothing: on perturbed real names the index's best equals the best over every row."""
    names = [q.name for q in positive_queries(index, 1000, seed=3)]
    index.prepare(names)
    ours = [index.best_rows(name)[1] for name in names]
    exhaustive = [score for _, score in brute_force(index, names)]
    lost = [(n, a, b) for n, a, b in zip(names, ours, exhaustive) if a < b - 1e-9]
    assert len(lost) <= 10, lost  # goal: top-1 agreement >= 0.99
    assert all(a <= b + 1e-9 for a, b in zip(ours, exhaustive))  # brute force is never beaten: it is exhaustive


def test_the_seed_mentions_link_to_their_uk_and_ofac_designations(lists, tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    run = Run("lists", params={})
    for parsed in lists:
        valid, quarantined = validate_parsed(parsed)
        with transaction(con):
            load_list(con, run, valid, quarantined)
    golden = [json.loads(line) for line in (Path(__file__).parent / "golden" / "seed_mentions.jsonl").open()]
    named = [(m["name"], m["entity_type"], m["authority"]) for m in golden
             if m["name"] and m["entity_type"] in ("person", "organisation")]
    add_mentions(con, date(2025, 2, 14), named)
    refresh_mention_links(con)
    best = {name: (auth, lid, status) for name, auth, lid, status in con.execute(
        "select mention_name, authority, list_id, status_on_document_date from mention_links_enriched "
        "where link_rank = 1").fetchall()}
    every = {(name, auth, lid): status for name, auth, lid, status in con.execute(
        "select mention_name, authority, list_id, status_on_document_date from mention_links_enriched").fetchall()}
    con.close()
    assert best["Pavel Fradkov"] == ("UK", "RUS2389", "listed")
    assert best["Vladimir Selin"] == ("UK", "RUS2388", "listed")
    assert best["Artem Chaika"] == ("UK", "RUS2387", "listed")
    assert every[("Artem Chaika", "US", "23303")] == "listed"  # on the OFAC file of 23 Feb 2024 already
