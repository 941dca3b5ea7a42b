"""Entities across lists: the evidence functions, the rules, the clustering, and the warehouse tables,
views, review and CLI on small list files of our own in the real formats."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctrack.cli import main
from sanctrack.entities.cluster import LinkToCluster, cluster, entity_id
from sanctrack.entities.evidence import (
    BIRTH_DATE_CONFLICT, CONFLICT, NEAR, NUMBER, SAME_DAY, SAME_PERIOD, UNKNOWN, Entry, compare_birth_dates,
    compare_countries, date_span, identifier_numbers, imo_check_digit_ok,
)
from sanctrack.entities.link import PairEvidence
from sanctrack.entities.rules import CANDIDATE, LINKED, NOT_LINKED, REJECTED, decide
from sanctrack.flows.lists import run_lists
from sanctrack.warehouse.db import connect, transaction
from sanctrack.warehouse.entities import ReviewError, record_review, recompute_entities
from tests.helpers import query

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
LISTS = [FIXTURES / name for name in ("uk_conlist_5rows.csv", "ofac_set", "un_5.xml", "eu_fsf_5.xml",
                                      "ofac_consolidated_5.xml")]


# --- evidence ---------------------------------------------------------------------------------------

def test_imo_numbers_must_pass_their_check_digit() -> None:
    assert imo_check_digit_ok("9074729") and not imo_check_digit_ok("9074728")
    assert identifier_numbers("imo", "IMO 9074729; old 1234568") == {"9074729"}


def test_a_cell_with_several_registration_numbers_gives_each() -> None:
    assert identifier_numbers(NUMBER, "OGRN: 1157847282603 TIN: 7840038027") == {"1157847282603", "7840038027"}


def test_short_or_repetitive_numbers_identify_nothing() -> None:
    assert identifier_numbers(NUMBER, "12345") == set()
    assert identifier_numbers(NUMBER, "000000000") == set()


def test_a_number_written_with_separators_is_one_number() -> None:
    assert "0018439897" in identifier_numbers(NUMBER, "001-843-989-7")


def test_un_references_are_read_in_one_spelling() -> None:
    assert identifier_numbers("un_reference", "QDi.064") == {"QDI.064"}
    assert identifier_numbers("un_reference", "KPe.071 / QDI . 064") == {"KPE.071", "QDI.064"}


def span(value: str, approximate: bool = False):
    return date_span(value, None, None, approximate, value)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("1958-01-01", "1958-01-01", SAME_DAY),
    ("1958", "1958-01-01", SAME_PERIOD),
    ("1958-01", "1958-01-31", SAME_PERIOD),
    ("1958-01-02", "1958-01-01", NEAR),  # the UN gives some DPRK birth dates a day earlier
    ("1958-02-01", "1958-01-02", NEAR),  # day and month swapped
    ("1958-01-01", "1971-05-05", BIRTH_DATE_CONFLICT),
])
def test_birth_dates_compare_as_intervals(a: str, b: str, expected: str) -> None:
    assert compare_birth_dates((span(a),), (span(b),)) == expected


def test_a_side_without_birth_date_is_unknown_not_a_conflict() -> None:
    assert compare_birth_dates((), (span("1958"),)) == UNKNOWN


def test_an_approximate_year_allows_a_year_either_side() -> None:
    assert compare_birth_dates((span("1960", approximate=True),), (span("1961-03-04"),)) == SAME_PERIOD


def test_countries_agree_when_one_is_shared() -> None:
    assert compare_countries(frozenset({"ru", "cy"}), frozenset({"ru"})) == "agree"
    assert compare_countries(frozenset({"ru"}), frozenset({"ir"})) == CONFLICT
    assert compare_countries(frozenset(), frozenset({"ir"})) == UNKNOWN


# --- rules ------------------------------------------------------------------------------------------

A, B = ("UK", "UK Sanctions List", "RUS1"), ("US", "OFAC SDN List", "1")


def evidence(type_a: str = "person", type_b: str = "person", **facts) -> PairEvidence:
    return PairEvidence(A, B, type_a, type_b, **facts)


def test_an_identical_strong_identifier_links() -> None:
    decision = decide(evidence(shared_identifiers=(("number", "753252811"),), name_score=0.3))
    assert (decision.decision, decision.rule) == (LINKED, "shared_number")


def test_a_name_alone_never_links_persons_whose_birth_dates_conflict() -> None:
    decision = decide(evidence(name_score=1.0, primary_name_score=1.0, birth_dates=BIRTH_DATE_CONFLICT))
    assert (decision.decision, decision.rule) == (CANDIDATE, "birth_date_conflict")


def test_a_shared_identifier_with_conflicting_birth_dates_is_for_review() -> None:
    decision = decide(evidence(shared_identifiers=(("number", "753252811"),), birth_dates=BIRTH_DATE_CONFLICT))
    assert decision.decision == CANDIDATE


def test_a_name_with_the_same_birth_date_links() -> None:
    assert decide(evidence(name_score=0.85, birth_dates=SAME_DAY)).decision == LINKED


def test_a_weak_name_link_is_a_candidate_not_a_link() -> None:
    decision = decide(evidence("organisation", "organisation", name_score=0.85, primary_name_score=0.85))
    assert (decision.decision, decision.rule) == (CANDIDATE, "name_below_threshold")


def test_a_person_with_no_birth_date_needs_a_near_exact_name() -> None:
    assert decide(evidence(name_score=0.92, primary_name_score=0.92)).decision == CANDIDATE
    assert decide(evidence(name_score=0.97, primary_name_score=0.97)).decision == LINKED


def test_two_ships_with_different_imo_numbers_are_two_ships() -> None:
    assert decide(evidence("vessel", "vessel", name_score=1.0, imo_conflict=True)).decision == NOT_LINKED


def test_ships_are_never_linked_by_name_alone() -> None:
    decision = decide(evidence("vessel", "vessel", name_score=1.0, primary_name_score=1.0))
    assert (decision.decision, decision.rule) == (CANDIDATE, "ship_by_name_only")


def test_a_low_quality_alias_alone_is_only_a_candidate() -> None:
    decision = decide(evidence(name_score=0.5, weak_name_score=1.0))
    assert (decision.decision, decision.rule) == (CANDIDATE, "low_quality_alias_only")


def test_nothing_in_common_is_not_kept() -> None:
    assert decide(evidence(name_score=0.5)) is None


def test_a_reviewers_decision_overrides_the_evidence() -> None:
    assert decide(evidence(name_score=0.2), "confirmed").decision == LINKED
    assert decide(evidence(shared_identifiers=(("imo", "9074729"),)), "rejected").decision == REJECTED


# --- clustering -------------------------------------------------------------------------------------

def entry(key: tuple[str, str, str], listed: str, regimes: str = "Russia", removed: str | None = None) -> Entry:
    return Entry(key, "v-" + key[2], "person", key[2], frozenset({regimes}), date.fromisoformat(listed),
                 date.fromisoformat(removed) if removed else None)


def link(a, b, rule: str = "name", score: float = 0.95) -> LinkToCluster:
    return LinkToCluster(a, b, rule, score, score)


UK1, UK2, US1 = ("UK", "L", "1"), ("UK", "L", "2"), ("US", "M", "9")


def test_two_entries_of_one_list_under_one_regime_are_never_one_entity() -> None:
    entries = {k: entry(k, "2022-01-01") for k in (UK1, UK2, US1)}
    entity_of, refused = cluster(entries, [link(UK1, US1, "shared_number", 1.0), link(UK2, US1)])
    assert entity_of[UK1] == entity_of[US1] != entity_of[UK2]
    assert refused == {(UK2, US1)}


def test_one_party_under_two_regimes_of_one_list_is_one_entity() -> None:
    entries = {UK1: entry(UK1, "2022-01-01", "Russia"), UK2: entry(UK2, "2022-01-01", "Belarus"),
               US1: entry(US1, "2022-01-01")}
    entity_of, refused = cluster(entries, [link(UK1, US1), link(UK2, US1)])
    assert len(set(entity_of.values())) == 1 and not refused


def test_a_reviewers_confirmation_is_never_refused() -> None:
    entries = {k: entry(k, "2022-01-01") for k in (UK1, UK2, US1)}
    entity_of, _ = cluster(entries, [link(UK1, US1), link(UK2, US1, "review_confirmed", 1.0)])
    assert entity_of[UK2] == entity_of[US1]


def test_an_entity_id_is_that_of_its_first_listed_entry_whatever_the_order() -> None:
    entries = {UK1: entry(UK1, "2023-01-01"), US1: entry(US1, "2021-01-01")}
    assert cluster(entries, [link(UK1, US1)])[0][UK1] == entity_id(US1)
    assert cluster(entries, [link(US1, UK1)])[0][UK1] == entity_id(US1)


# --- the warehouse ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("entities") / "w.duckdb"
    result = run_lists([str(p) for p in LISTS], path)
    assert result["status"] == "succeeded", result["errors"]
    return path


@pytest.fixture
def db(loaded: Path, tmp_path: Path) -> Path:
    """A fresh copy of the warehouse with the fixtures loaded and their entities computed."""
    path = tmp_path / "w.duckdb"
    shutil.copy(loaded, path)
    return path


def entity_of(db: Path, authority: str, list_id: str) -> str:
    return query(db, "select entity_id from entity_members where authority = ? and list_id = ?",
                 [authority, list_id])[0][0]


def test_a_lists_run_puts_one_man_on_two_lists_in_one_entity(db: Path) -> None:
    # UK RUS2387 is not in the five-row fixture; the Rosatom subsidiary is, under two spellings.
    assert entity_of(db, "UK", "RUS2386") == entity_of(db, "US", "43196")


def test_vessels_are_linked_by_imo_number(db: Path) -> None:
    assert entity_of(db, "UK", "DPR0100") == entity_of(db, "US", "9702")
    (rule,) = query(db, "select rule from entity_links where list_id_a = 'DPR0100' and list_id_b = '9702'")[0]
    assert rule == "shared_imo"


def test_entity_designations_has_one_row_per_current_designation(db: Path) -> None:
    rows = query(db, "select count(*), count(distinct (authority, list_name, list_id)) from entity_designations")
    current = query(db, "select count(*) from designations where is_current")
    assert rows[0][0] == rows[0][1] == current[0][0]


def test_recomputing_with_nothing_changed_changes_nothing(db: Path) -> None:
    before = query(db, "select * from entity_members order by all")
    con = connect(db)
    try:
        with transaction(con):
            assert recompute_entities(con, db) is None
            counts = recompute_entities(con, db, full=True)
    finally:
        con.close()
    assert counts.cold and query(db, "select * from entity_members order by all") == before


def test_a_rejected_link_stays_rejected_after_a_full_recomputation(db: Path) -> None:
    (link_id,) = query(db, "select link_id from entity_links where list_id_a = 'RUS2386' and list_id_b = '43196'")[0]
    con = connect(db)
    try:
        with transaction(con):
            record_review(con, link_id[:10], "rejected", "test")
        with transaction(con):
            recompute_entities(con, db, full=True)
    finally:
        con.close()
    assert entity_of(db, "UK", "RUS2386") != entity_of(db, "US", "43196")
    assert query(db, "select decision, rule from entity_links where link_id = ?", [link_id]) == [
        ("rejected", "review_rejected")]


def test_a_confirmation_replaces_a_rejection_and_joins_the_entries_again(db: Path) -> None:
    (link_id,) = query(db, "select link_id from entity_links where list_id_a = 'RUS2386' and list_id_b = '43196'")[0]
    con = connect(db)
    try:
        with transaction(con):
            with pytest.raises(ReviewError, match="no link"):
                record_review(con, "nonexistent", "confirmed")
            with pytest.raises(ReviewError, match="unknown decision"):
                record_review(con, link_id, "maybe")
            record_review(con, link_id, "rejected")
            record_review(con, link_id, "confirmed", "same tax number in the statement of reasons")
    finally:
        con.close()
    assert entity_of(db, "UK", "RUS2386") == entity_of(db, "US", "43196")
    assert query(db, "select decision, note from entity_reviews") == [
        ("confirmed", "same tax number in the statement of reasons")]
    assert query(db, "select rule from entity_links where link_id = ?", [link_id]) == [("review_confirmed",)]


def test_the_divergence_matrix_counts_entities_one_lists_and_the_other_does_not(db: Path) -> None:
    from sanctrack.entities.figures import divergence_matrix

    con = connect(db, read_only=True)
    try:
        columns, rows = divergence_matrix(con)
    finally:
        con.close()
    matrix = {row[0]: dict(zip(columns[1:], row[1:])) for row in rows}
    listed = {a: n for a, n in query(db, "select authority, count(distinct entity_id) from entity_designations "
                                          "group by all")}
    assert {a: m["entities"] for a, m in matrix.items()} == listed
    both = query(db, "select count(distinct entity_id) from entity_designations where authority = 'UK' and entity_id "
                     "in (select entity_id from entity_designations where authority = 'US')")[0][0]
    assert matrix["UK"]["not by US"] == listed["UK"] - both and matrix["UK"]["UK".join(["not by ", ""])] == "-"


@pytest.mark.parametrize("args", [["entities", "divergence", "--by", "regime"], ["entities", "divergence", "--rosatom"],
                                  ["entities", "latency"], ["entities", "review"], ["entities", "show", "UK:DPR0100"]])
def test_the_entities_commands_read_the_warehouse(db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output


def test_show_names_what_it_did_not_find(db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(db), "entities", "show", "UK:NOPE"])
    assert result.exit_code == 1 and "no entity with an entry 'UK:NOPE'" in result.output


def test_the_report_shows_the_divergence_matrices_and_the_latency(db: Path) -> None:
    from sanctrack.report import build_report

    con = connect(db, read_only=True)
    try:
        page = build_report(con)
    finally:
        con.close()
    assert '<section id="entities">' in page
    for caption in ("Entities listed by one authority and not by another", "The same, Rosatom-linked entities",
                    "Days from a linked news mention to the listing (medians)"):
        assert f"<h3>{caption}</h3>" in page
    assert "<th>not by US</th>" in page


def test_the_ftm_export_gives_one_entity_per_cluster_with_a_sanction_per_designation(db: Path, tmp_path: Path) -> None:
    import json

    from sanctrack.warehouse.ftm import FILE_NAME, entity_id, export_ftm

    def exported(out: Path) -> dict[str, dict]:
        con = connect(db, read_only=True)
        try:
            export_ftm(con, out)
        finally:
            con.close()
        return {e["id"]: e for e in map(json.loads, (out / FILE_NAME).read_text(encoding="utf-8").splitlines())}

    entities = exported(tmp_path / "a")
    cluster = entity_id("entity", entity_of(db, "UK", "DPR0100"))
    assert entities[cluster]["schema"] == "Vessel"
    assert entity_id("designation", "UK", "UK Sanctions List", "DPR0100") not in entities
    holders = sorted(e["properties"]["authority"][0] for e in entities.values()
                     if e["schema"] == "Sanction" and e["properties"]["entity"] == [cluster])
    assert holders == ["UK: UK Sanctions List", "US: OFAC SDN List"]
    assert entity_id("designation", "UK", "UK Sanctions List", "RUS2389") in entities  # on one list: its own id
    assert exported(tmp_path / "b") == entities


def test_an_incremental_recomputation_writes_what_a_full_one_would(tmp_path: Path) -> None:
    """The lists loaded in two runs (the second adds lists and amends the UK's): the entities and the
    decisions after the incremental step are those a full recomputation gives (name scores may differ a
    little: a word's weight is its rarity in the index as it stood when the pair was compared)."""
    db = tmp_path / "w.duckdb"
    assert run_lists([str(p) for p in LISTS[:3]], db)["status"] == "succeeded"
    assert run_lists([str(p) for p in LISTS[3:]] + [str(FIXTURES / "uk_fcdo_5.xml")], db)["status"] == "succeeded"
    sql = {"entity_links": "select link_id, decision, rule from entity_links order by all",
           "entity_members": "select * from entity_members order by all",
           "entities": "select * from entities order by all"}
    incremental = {table: query(db, q) for table, q in sql.items()}
    con = connect(db)
    try:
        with transaction(con):
            counts = recompute_entities(con, db, full=True)
    finally:
        con.close()
    assert counts.cold and incremental["entity_links"]
    assert {table: query(db, q) for table, q in sql.items()} == incremental


def test_evaluate_says_when_there_is_nothing_to_evaluate(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    run_lists([str(FIXTURES / "un_5.xml")], path)  # one list: no pair of lists to check
    result = CliRunner().invoke(main, ["--db", str(path), "entities", "evaluate"])
    assert result.exit_code == 0, result.output
    assert "UN reference: nothing to evaluate" in result.output and "IMO: nothing to evaluate" in result.output
    assert "precision" not in result.output


def test_a_second_process_shares_a_full_computation_and_changes_nothing(db: Path, monkeypatch) -> None:
    """The helper process screens half of the entries and examines half of the pairs: the links, their
    evidence and the entities are those one process gives."""
    from sanctrack.entities import helper

    tables = "select * from entity_links order by link_id", "select * from entity_members order by all"
    con = connect(db)
    try:
        monkeypatch.setenv("SANCTRACK_WORKERS", "1")
        with transaction(con):
            alone = recompute_entities(con, db, full=True)
        before = [con.execute(sql).fetchall() for sql in tables]
        monkeypatch.setenv("SANCTRACK_WORKERS", "2")
        monkeypatch.setattr(helper, "MIN_ENTRIES", 1)
        started = []
        real = helper.Helper.submit
        monkeypatch.setattr(helper.Helper, "submit", lambda self, *a: started.append(a[0]) or real(self, *a))
        with transaction(con):
            shared = recompute_entities(con, db, full=True)
        after = [con.execute(sql).fetchall() for sql in tables]
    finally:
        con.close()
    assert started == ["name_pairs", "evidence"]
    assert shared == alone and after == before and alone.links > 0


@pytest.mark.parametrize("how", ["dies", "cannot start"])
def test_a_helper_process_that_fails_leaves_its_share_to_this_one(db: Path, monkeypatch, caplog, how: str) -> None:
    from concurrent.futures import Future, ProcessPoolExecutor

    from sanctrack.entities import helper

    def broken(self, *args) -> Future:
        future: Future = Future()
        future.set_exception(RuntimeError("the helper died"))
        return future

    def refused(self, *args, **kwargs):  # what a daemonic process (a Dask worker) meets
        raise AssertionError("daemonic processes are not allowed to have children")

    con = connect(db)
    try:
        monkeypatch.setenv("SANCTRACK_WORKERS", "1")
        with transaction(con):
            alone = recompute_entities(con, db, full=True)
        monkeypatch.setenv("SANCTRACK_WORKERS", "2")
        monkeypatch.setattr(helper, "MIN_ENTRIES", 1)
        if how == "dies":
            monkeypatch.setattr(helper.Helper, "submit", broken)
        else:
            monkeypatch.setattr(ProcessPoolExecutor, "submit", refused)
        with transaction(con):
            again = recompute_entities(con, db, full=True)
    finally:
        con.close()
    assert again == alone
    reason = "the helper died" if how == "dies" else "daemonic processes are not allowed to have children"
    assert f"the helper process failed ({reason}); this process does its share" in caplog.text


@pytest.mark.parametrize("setting, load, expected", [("", 0.6, 2), ("", 1.8, 1), ("1", 0.2, 1), ("2", 3.0, 2),
                                                     ("many", 0.2, 1)])
def test_the_helper_is_used_only_where_a_core_is_idle_unless_told(monkeypatch, setting: str, load: float,
                                                                  expected: int) -> None:
    import os

    from sanctrack.entities.helper import workers_allowed

    monkeypatch.setenv("SANCTRACK_WORKERS", setting)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert workers_allowed() == expected
