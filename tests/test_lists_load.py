"""Loading lists into the warehouse: history, change feed, guards, quarantine, as-of and Rosatom views."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sanctrack.flows.lists import run_lists
from tests.helpers import query, table_fingerprints

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
UK = FIXTURES / "uk_conlist_5rows.csv"


def uk_variant(tmp_path: Path, name: str, published: str, *replacements: tuple[str, str]) -> Path:
    """The UK fixture with another publication date and some text replaced."""
    text = UK.read_text(encoding="utf-8").replace("Last Updated,14/04/2025", f"Last Updated,{published}", 1)
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def drop_group(path: Path, group_id: str) -> None:
    """Remove every row of one Group ID."""
    rows = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    keep = (rows.index < 2) | (rows[35] != group_id)
    rows[keep].to_csv(path, header=False, index=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


def changes(db: Path, run_id: str) -> list[tuple]:
    return query(db, "select list_id, change_type, changed_fields from designation_changes where run_id = ? "
                     "order by list_id", [run_id])


def test_first_load_records_every_designation_as_added(db: Path) -> None:
    result = run_lists([str(UK)], db)
    assert result["status"] == "succeeded"
    assert [c[:2] for c in changes(db, result["run_id"])] == [
        ("DPR0100", "added"), ("RUS2386", "added"), ("RUS2389", "added")]
    assert query(db, "select count(*), count(*) filter (where is_current) from designations") == [(3, 3)]
    assert query(db, "select count(*) from designation_names") == [(5,)]


def test_rows_trace_to_file_sha256_publication_date_and_run(db: Path) -> None:
    result = run_lists([str(UK)], db)
    rows = query(db, "select distinct source_file, sha256, published_on, run_id, valid_from from designations")
    assert len(rows) == 1
    source_file, sha, published, run_id, valid_from = rows[0]
    assert source_file == str(UK) and len(sha) == 64 and run_id == result["run_id"]
    assert str(published) == str(valid_from) == "2025-04-14"


def test_loading_the_same_file_twice_changes_nothing(db: Path) -> None:
    run_lists([str(UK), str(FIXTURES / "ofac_set")], db)
    before = table_fingerprints(db)
    again = run_lists([str(UK), str(FIXTURES / "ofac_set")], db)
    assert [s["status"] for s in again["sources"]] == ["unchanged", "unchanged"]
    assert table_fingerprints(db) == before


def test_an_amendment_closes_the_old_version_and_says_what_changed(db: Path, tmp_path: Path) -> None:
    run_lists([str(UK)], db)
    later = uk_variant(tmp_path, "later.csv", "20/04/2025", ("654321", "999999"))
    result = run_lists([str(later)], db)
    assert changes(db, result["run_id"]) == [("RUS2389", "amended", "identifiers")]
    versions = query(db, "select valid_from, valid_to, is_current from designations where list_id = 'RUS2389' "
                         "order by valid_from")
    assert [(str(a), str(b), c) for a, b, c in versions] == [
        ("2025-04-14", "2025-04-20", False), ("2025-04-20", "None", True)]


def test_the_as_of_macro_answers_for_each_version(db: Path, tmp_path: Path) -> None:
    run_lists([str(UK)], db)
    later = uk_variant(tmp_path, "later.csv", "20/04/2025", ("654321", "999999"))
    drop_group(later, "13636")
    run_lists([str(later)], db, max_shrink=0.5)
    on = {day: query(db, f"select list_id, valid_from from designations_as_of(date '{day}') order by list_id")
          for day in ("2025-04-13", "2025-04-15", "2025-04-20")}
    assert on["2025-04-13"] == []  # before the first loaded version: history starts there
    assert [r[0] for r in on["2025-04-15"]] == ["DPR0100", "RUS2386", "RUS2389"]
    assert [(r[0], str(r[1])) for r in on["2025-04-20"]] == [("RUS2386", "2025-04-14"), ("RUS2389", "2025-04-20")]


def test_a_list_shrinking_too_much_is_refused_and_leaves_the_warehouse_as_it_was(db: Path, tmp_path: Path) -> None:
    run_lists([str(UK)], db)
    before = table_fingerprints(db)
    shrunk = uk_variant(tmp_path, "shrunk.csv", "20/04/2025")
    drop_group(shrunk, "13636")
    result = run_lists([str(shrunk)], db)
    assert result["status"] == "failed"  # its only source failed
    assert "ListLoadRefused" not in result["errors"][0]["message"] and "33% fewer" in result["errors"][0]["message"]
    assert table_fingerprints(db) == before


def test_force_loads_a_shrunk_list_and_records_the_removal(db: Path, tmp_path: Path) -> None:
    run_lists([str(UK)], db)
    shrunk = uk_variant(tmp_path, "shrunk.csv", "20/04/2025")
    drop_group(shrunk, "13636")
    result = run_lists([str(shrunk)], db, force=True)
    assert changes(db, result["run_id"]) == [("DPR0100", "removed", None)]
    assert query(db, "select is_current, cast(valid_to as varchar) from designations where list_id = 'DPR0100'") == [
        (False, "2025-04-20")]


def test_an_older_version_is_refused(db: Path, tmp_path: Path) -> None:
    run_lists([str(UK)], db)
    older = uk_variant(tmp_path, "older.csv", "01/04/2025", ("654321", "999999"))
    result = run_lists([str(older)], db)
    assert "older than the loaded version" in result["errors"][0]["message"]


def test_a_truncated_source_fails_while_the_others_load_and_earlier_loads_stay(db: Path) -> None:
    run_lists([str(FIXTURES / "eu_fsf_5.xml")], db)
    eu_before = query(db, "select designation_version_id, is_current from designations where authority = 'EU'")
    result = run_lists([str(FIXTURES / "eu_fsf_truncated.xml"), str(FIXTURES / "un_5.xml")], db)
    assert result["status"] == "partial"
    [error] = result["errors"]
    assert error["source"].endswith("eu_fsf_truncated.xml")
    assert "eu_fsf_truncated.xml: line 12, column 45" in error["message"]
    assert query(db, "select designation_version_id, is_current from designations where authority = 'EU'") == eu_before
    assert query(db, "select count(*) from designations where authority = 'UN'") == [(5,)]
    assert query(db, "select flow, status from runs order by started_at") == [("lists", "succeeded"),
                                                                              ("lists", "partial")]


def test_an_empty_sdn_csv_fails_cleanly(db: Path, tmp_path: Path) -> None:
    run_lists([str(FIXTURES / "ofac_set")], db)
    before = table_fingerprints(db)
    empty_set = tmp_path / "ofac_2024-03-01"
    empty_set.mkdir()
    (empty_set / "sdn.csv").write_bytes(b"")
    result = run_lists([str(empty_set)], db, fmt="ofac_csv")
    assert "sdn.csv: byte 0: empty sdn.csv" in result["errors"][0]["message"]
    assert table_fingerprints(db) == before


def test_rows_failing_the_contract_go_to_quarantine_with_reasons(db: Path, tmp_path: Path) -> None:
    odd = uk_variant(tmp_path, "odd.csv", "14/04/2025", (",Ship,", ",Spaceship,"))
    result = run_lists([str(odd)], db)
    rows = query(db, "select target_table, check_name, column_name, source_location from quarantine order by all")
    # The failing designation, then its child rows (name, IMO number, birth date, the OFSI Group ID, flag and
    # type of ship) as orphans.
    assert rows[0] == ("list_birth_dates", "designation_quarantined", "list_id", f"{odd}:UK DPR0100")
    # The unknown type maps to no type (with a warning), which the contract refuses.
    assert ("list_designations", "not_nullable", "entity_type", f"{odd}:UK DPR0100@7") in rows
    assert result["sources"][0]["quarantined"] == len(rows) == 7
    assert query(db, "select count(*) from designations where list_id = 'DPR0100'") == [(0,)]


def test_every_format_loads(db: Path) -> None:
    sources = ["uk_conlist_5rows.csv", "ofac_set", "ofac_consolidated_5.xml", "un_5.xml", "eu_fsf_5.xml"]
    result = run_lists([str(FIXTURES / s) for s in sources], db)
    assert result["status"] == "succeeded", result["errors"]
    assert query(db, "select authority, list_name, count(*) from designations group by all order by all") == [
        ("EU", "EU Consolidated Financial Sanctions List", 4),
        ("UK", "UK Sanctions List", 3),
        ("UN", "UN Security Council Consolidated List", 5),
        ("US", "OFAC Consolidated (non-SDN) List", 5),
        ("US", "OFAC SDN List", 5),
    ]


def test_rosatom_linked_view_keeps_the_list_evidence(db: Path) -> None:
    run_lists([str(UK), str(FIXTURES / "ofac_set"), str(FIXTURES / "eu_fsf_5.xml")], db)
    rows = query(db, "select authority, list_id, evidence_type from rosatom_linked where source = 'list' "
                     "order by all")
    assert ("UK", "RUS2386", "parent_company") in rows
    assert ("UK", "RUS2386", "name") in rows
    assert ("US", "43196", "name") in rows and ("US", "43196", "remarks") in rows
    assert ("EU", "7000", "name") in rows and ("EU", "7000", "alias") in rows
    assert not [r for r in rows if r[1] == "RUS2389"]


# --- the real files ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> dict:
    lists = shared_dir / "data" / "lists"
    if not lists.is_dir():
        pytest.skip(f"{lists} is absent")
    db = tmp_path_factory.mktemp("real") / "w.duckdb"
    uk, us = lists / "uk-ofsi-conlist", lists / "us-ofac"
    runs = {
        "first": run_lists([str(uk / "ConList_2025-04-10.xlsx"), str(us / "sdn_2024-02-20.csv")], db),
        "second": run_lists([str(uk / "ConList_2025-04-14.xlsx"), str(us / "sdn_2024-02-23.csv")], db),
    }
    fingerprints = table_fingerprints(db)
    runs["again"] = run_lists([str(uk / "ConList_2025-04-14.xlsx"), str(us / "sdn_2024-02-23.csv")], db)
    return {"db": db, "runs": runs, "fingerprints": fingerprints, "lists": lists}


def change_counts(db: Path, run_id: str, authority: str) -> dict[str, int]:
    return dict(query(db, "select change_type, count(*) from designation_changes where run_id = ? and authority = ? "
                          "group by all", [run_id, authority]))


@pytest.mark.shared_data
def test_real_uk_0410_to_0414_is_two_added_three_amended(real_db: dict) -> None:
    run_id = real_db["runs"]["second"]["run_id"]
    assert change_counts(real_db["db"], run_id, "UK") == {"added": 2, "amended": 3}
    assert query(real_db["db"], "select list_id, change_type from designation_changes where run_id = ? and "
                                "authority = 'UK' order by list_id", [run_id]) == [
        ("GAC0075", "amended"), ("IRN0242", "added"), ("IRN0243", "added"), ("RUS1980", "amended"),
        ("RUS2086", "amended")]


@pytest.mark.shared_data
def test_real_ofac_0220_to_0223_records_the_added_entries(real_db: dict) -> None:
    counts = change_counts(real_db["db"], real_db["runs"]["second"]["run_id"], "US")
    assert counts["added"] == 553 and "removed" not in counts


@pytest.mark.shared_data
def test_real_as_of_answers_for_both_dates(real_db: dict) -> None:
    def on(day: str, authority: str) -> int:
        return query(real_db["db"], f"select count(*) from designations_as_of(date '{day}') where authority = ?",
                     [authority])[0][0]

    assert (on("2025-04-12", "UK"), on("2025-04-14", "UK")) == (4686, 4688)
    assert (on("2024-02-21", "US"), on("2024-02-23", "US")) == (13931, 14484)


@pytest.mark.shared_data
def test_real_loading_the_same_files_again_changes_nothing(real_db: dict) -> None:
    assert [s["status"] for s in real_db["runs"]["again"]["sources"]] == ["unchanged", "unchanged"]
    assert table_fingerprints(real_db["db"]) == real_db["fingerprints"]


@pytest.mark.shared_data
def test_real_seed_article_designations_are_queryable_by_reference(real_db: dict) -> None:
    rows = query(real_db["db"], "select list_ref, list_id, is_current, cast(listed_on as varchar) from designations "
                                "where list_ref in ('RUS2389', 'RUS2388', 'RUS2387', 'RUS2386', 'RUS2385') "
                                "and is_current order by list_ref desc")
    assert [(r[0], r[2], r[3]) for r in rows] == [(ref, True, "2025-02-14") for ref in
                                                  ("RUS2389", "RUS2388", "RUS2387", "RUS2386", "RUS2385")]
    # Keyed by the Unique ID; the OFSI Group ID stays a fact of each.
    groups = query(real_db["db"], "select p.list_id, p.value from designation_properties p join designations d "
                                  "using (designation_version_id) where d.is_current and p.property = 'ofsi_group_id' "
                                  "and p.list_id in ('RUS2389', 'RUS2388', 'RUS2387') order by p.list_id desc")
    assert groups == [("RUS2389", "16758"), ("RUS2388", "16757"), ("RUS2387", "16756")]


@pytest.mark.shared_data
def test_real_rosatom_linked_view_covers_the_parent_company_designations(real_db: dict) -> None:
    rows = query(real_db["db"], "select list_ref from rosatom_linked where authority = 'UK' "
                                "and evidence_type = 'parent_company'")
    assert len(rows) == 11
    linked = {r[0] for r in query(real_db["db"], "select p.value from rosatom_linked r join designation_properties p "
                                                 "using (authority, list_id) join designations d using "
                                                 "(designation_version_id) where r.authority = 'UK' and d.is_current "
                                                 "and p.property = 'ofsi_group_id'")}
    derived = pd.read_csv(real_db["lists"] / "rosatom-mentions-derived.csv", dtype=str)
    assert linked == set(derived.loc[derived["source_list"] == "UK_OFSI_ConList", "group_id_or_ent_num"])
    refs = {r[0] for r in query(real_db["db"], "select list_ref from rosatom_linked where authority = 'UK'")}
    # RUS2386 names Rosatom; the UK entry of RUS2385 (Kirov Energomash) carries no Rosatom evidence of its own.
    assert "RUS2386" in refs and "RUS2385" not in refs


def test_the_cli_verb_reports_each_source_and_is_partial_when_one_fails(db: Path) -> None:
    from click.testing import CliRunner

    from sanctrack.cli import main

    # With no PREFECT_API_URL the verb runs the steps in this process (Prefect: the news flow's tests).
    ok = CliRunner().invoke(main, ["--db", str(db), "run", "lists", str(UK)])
    assert ok.exit_code == 0, ok.output
    assert "loaded   " in ok.output and "3 designations, 3 added, 0 amended, 0 removed" in ok.output
    again = CliRunner().invoke(main, ["--db", str(db), "run", "lists", str(UK), str(FIXTURES / "eu_fsf_truncated.xml")])
    assert again.exit_code == 3  # partial
    assert "unchanged" in again.output and "sha256 already loaded" in again.output
    assert "failed   " in again.output and "eu_fsf_truncated.xml: line 12, column 45" in again.output
