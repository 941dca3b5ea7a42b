"""History that load order cannot corrupt: publication order, --force, deltas, one UK list across formats.

The property tests load list files in every order (small fixtures: all permutations; the real files:
every ordered pair per list), with and without --force, and check after each load that no version ends
before it starts, no two versions of one entry overlap, each entry has at most one current version,
a refused load changes nothing, and the current entries are those of the newest accepted version.
"""

from __future__ import annotations

import copy
import functools
import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sanctrack.flows.lists import run_lists
from sanctrack.lists import ParsedList, parse_list
from sanctrack.lists.validate import validate_parsed
from sanctrack.warehouse.db import CONNECTION_CONFIG, MIGRATIONS_DIR, apply_views, migrate, transaction
from sanctrack.warehouse.lists import ListLoadRefused, load_list
from sanctrack.warehouse.runs import Run
from tests.helpers import query, table_fingerprints

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
UK_CONLIST = FIXTURES / "uk_conlist_5rows.csv"
UK_XML = FIXTURES / "uk_fcdo_5.xml"
UK_CSV = FIXTURES / "uk_fcdo_5.csv"


# --- helpers --------------------------------------------------------------------------------------

def variant(source: Path, path: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of a fixture with some text replaced (each replacement must apply)."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def drop_designation(xml: str, unique_id: str) -> str:
    """An FCDO XML text without one Designation."""
    start = xml.index(f"<UniqueID>{unique_id}</UniqueID>")
    start = xml.rindex("  <Designation>", 0, start)
    end = xml.index("</Designation>\n", start) + len("</Designation>\n")
    return xml[:start] + xml[end:]


@functools.cache
def migrated_template() -> bytes:
    """An empty warehouse file, migrated and with its views, made once: copying it is cheaper than migrating."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.duckdb"
        con = duckdb.connect(str(path), config=CONNECTION_CONFIG)
        migrate(con)
        apply_views(con)
        con.close()
        return path.read_bytes()


def empty_warehouse() -> duckdb.DuckDBPyConnection:
    """A fresh, migrated warehouse in a temporary file (removed once closed)."""
    fd, name = tempfile.mkstemp(suffix=".duckdb")
    os.close(fd)
    Path(name).write_bytes(migrated_template())
    con = duckdb.connect(name, config=CONNECTION_CONFIG)
    os.unlink(name)  # the open connection keeps the file; nothing is left behind
    return con


def load(con: duckdb.DuckDBPyConnection, parsed: tuple[ParsedList, pd.DataFrame], force: bool) -> str:
    """Load one validated list version as the flow does (in a transaction); 'loaded' or 'refused'."""
    try:
        with transaction(con):
            result = load_list(con, Run("lists", params={}), parsed[0], parsed[1], force=force)
    except ListLoadRefused:
        return "refused"
    return result.status


def history_problems(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Breaches of the history's invariants, counted by this test's own query (not the loader's check)."""
    row = con.execute("""
        with ordered as (
            select
                *,
                lead(valid_from) over w as next_from,
                lead(designation_version_id) over w as next_version,
            from designations
            window w as (partition by authority, list_name, list_id order by valid_from, valid_to nulls last)
        )
        select
            count(*) filter (where valid_to < valid_from) as inverted,
            count(*) filter (where next_version is not null and (valid_to is null or valid_to > next_from)) as overlapping,
            count(*) filter (where is_current != (valid_to is null)) as current_flag_wrong,
            (select count(*) from (select list_id from designations where is_current
                                   group by authority, list_name, list_id having count(*) > 1)) as several_current,
        from ordered
    """).fetchone()
    return {name: value for name, value in zip(("inverted", "overlapping", "current_flag_wrong", "several_current"),
                                               row) if value}


def current_ids(con: duckdb.DuckDBPyConnection, authority: str, list_name: str) -> set[str]:
    rows = con.execute("select list_id from designations where authority = ? and list_name = ? and is_current",
                       [authority, list_name]).fetchall()
    return {r[0] for r in rows}


def as_of_ids(con: duckdb.DuckDBPyConnection, day: date, authority: str, list_name: str) -> set[str]:
    rows = con.execute("select list_id from designations_as_of(?) where authority = ? and list_name = ?",
                       [day, authority, list_name]).fetchall()
    return {r[0] for r in rows}


def fingerprint(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Row count and an order-independent hash of every data table, in one query: what a refused load
    must leave exactly as it was."""
    tables = [r[0] for r in con.execute("select table_name from information_schema.tables where table_type = "
                                        "'BASE TABLE' and table_name != 'runs' order by 1").fetchall()]
    return con.execute(" union all ".join(f"select '{t}', count(*), sum(hash(t)::hugeint) from \"{t}\" as t"
                                          for t in tables)).fetchall()


@dataclass
class ExpectedList:
    """What the loads of one list should have done: the reference model the warehouse is checked against.

    It knows only the rules (publication order, never forced; the shrink guard, forced by --force;
    deltas on top of a full version, in date order, adding only unlisted and removing only listed
    entries), not how the loader applies them.
    """

    max_shrink: float = 0.2
    latest: date | None = None
    has_full: bool = False
    current: set[str] = field(default_factory=set)
    accepted: list[tuple[date, set[str]]] = field(default_factory=list)  # each accepted version's entries
    rekeyed: dict[str, str] = field(default_factory=dict)
    shrink_refused: bool = False

    def load(self, parsed: ParsedList, force: bool) -> str:
        day, ids = parsed.published_on, set(parsed.designations["list_id"])
        if parsed.kind == "delta":
            actions = parsed.actions
            adds = set(actions.loc[actions["action"] == "add", "list_id"])
            removes = set(actions.loc[actions["action"] == "remove", "list_id"])
            if not self.has_full or day <= self.latest or adds & self.current or not removes <= self.current:
                return "refused"
            self.current = (self.current - removes) | adds
        else:
            if self.latest is not None and day < self.latest:
                return "refused"
            if self.current and len(ids) < len(self.current) * (1 - self.max_shrink) and not force:
                self.shrink_refused = True
                return "refused"
            self.rekey(parsed)
            self.current = ids
            self.has_full = True
        self.latest = day
        self.accepted.append((day, set(self.current)))
        return "loaded"

    def rekey(self, parsed: ParsedList) -> None:
        """A provisional key gone from the new file, named as the former key of exactly one new entry."""
        if parsed.former_ids is None:
            return
        new = set(parsed.designations["list_id"])
        former = parsed.former_ids[parsed.former_ids["former_list_id"].isin(self.current - new)
                                   & parsed.former_ids["list_id"].isin(new - self.current)]
        former = former[~former["former_list_id"].duplicated(keep=False) & ~former["list_id"].duplicated(keep=False)]
        for old, key in zip(former["former_list_id"], former["list_id"]):
            self.rekeyed[old] = key
            self.current = {key if x == old else x for x in self.current}

    def versions_by_day(self) -> dict[date, set[str]]:
        """Each accepted day's entries (the last load of a day wins it), with keys learned later applied."""
        out: dict[date, set[str]] = {}
        for day, ids in self.accepted:
            out[day] = {self.rekeyed.get(x, x) for x in ids}
        return out


def check_load(con: duckdb.DuckDBPyConnection, expected: ExpectedList, parsed: ParsedList, force: bool, status: str,
               unchanged, context: str) -> None:
    """One load against the reference model: its outcome, the history's invariants, a refused load changing
    nothing (`unchanged()` says so), and the current entries."""
    assert status == expected.load(parsed, force), context
    assert not history_problems(con), f"{context}: {history_problems(con)}"
    if status == "refused":
        assert unchanged(), f"{context}: a refused load changed the warehouse"
    assert current_ids(con, parsed.authority, parsed.list_name) == expected.current, context


def check_as_of(con: duckdb.DuckDBPyConnection, expected: ExpectedList, parsed: ParsedList, context: str) -> None:
    """Every accepted version is what the list was on its day."""
    for day, ids in expected.versions_by_day().items():
        assert as_of_ids(con, day, parsed.authority, parsed.list_name) == ids, f"{context}: as of {day}"


def check_orders(files: dict[str, tuple[ParsedList, pd.DataFrame]], orders, forces=(False, True)) -> int:
    """Load the files in each order into an empty warehouse, checking every step. Returns the loads done.

    An order is run with --force too where the shrink guard refused a load without it: elsewhere --force
    takes the same path (the order guard never looks at it)."""
    loads = 0
    for order in orders:
        runs = [False]
        for force in runs:
            con = empty_warehouse()
            expected = ExpectedList()
            for name in order:
                before = fingerprint(con)
                status = load(con, files[name], force)
                loads += 1
                check_load(con, expected, files[name][0], force, status, lambda: fingerprint(con) == before,
                           f"order {order}, force={force}, at {name}")
            check_as_of(con, expected, files[order[0]][0], f"order {order}, force={force}")
            con.close()
            if expected.shrink_refused and True in forces and not force:
                runs.append(True)
    return loads


def parsed_pair(path: Path, fmt: str | None = None) -> tuple[ParsedList, pd.DataFrame]:
    return validate_parsed(parse_list(path, fmt))


# --- the UK list across its two formats -----------------------------------------------------------

@pytest.fixture(scope="module")
def uk_versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ParsedList, pd.DataFrame]]:
    """Four UK versions: a ConList without RUS2389's Unique ID, the ConList, the FCDO list, a shrunk FCDO list."""
    tmp = tmp_path_factory.mktemp("uk")
    no_ref = variant(UK_CONLIST, tmp / "ConList_2025-04-10.csv", ("Last Updated,14/04/2025", "Last Updated,10/04/2025"),
                     ("(UK Sanctions List Ref):RUS2389 ", ""))
    xml = UK_XML.read_text(encoding="utf-8")
    shrunk = drop_designation(drop_designation(xml, "AQD0013"), "GHR0094")
    shrunk = shrunk.replace("22/08/2026", "01/09/2026").replace("<Name6>AL HARAMAIN</Name6>", "")
    shrunk = shrunk.replace("<Name6>RUSATOM ADDITIVE TECHNOLOGIES</Name6>", "<Name6>RUSATOM AT</Name6>")
    (tmp / "fcdo_2026-09-01.xml").write_text(shrunk, encoding="utf-8")
    return {
        "conlist_0410_no_ref": parsed_pair(no_ref),
        "conlist_0414": parsed_pair(UK_CONLIST),
        "fcdo_0822": parsed_pair(UK_XML),
        "fcdo_0901_shrunk": parsed_pair(tmp / "fcdo_2026-09-01.xml"),
    }


def test_every_order_of_four_uk_versions_keeps_a_sound_history(uk_versions: dict) -> None:
    orders = list(itertools.permutations(uk_versions))
    # 24 orders; the 12 in which the shrunk version follows the full FCDO list are run with --force too.
    assert check_orders(uk_versions, orders) == (24 + 12) * 4


def test_the_fcdo_csv_and_xml_of_one_day_load_in_either_order_to_the_same_history() -> None:
    files = {"xml": parsed_pair(UK_XML), "csv": parsed_pair(UK_CSV), "conlist": parsed_pair(UK_CONLIST)}
    check_orders(files, list(itertools.permutations(files)))


def test_an_older_version_is_refused_with_both_dates_even_with_force(db: Path) -> None:
    run_lists([str(UK_XML)], db)
    before = table_fingerprints(db)
    days = ("2025-04-12", "2025-04-14", "2026-08-22")
    counts = {d: query(db, f"select count(*) from designations_as_of(date '{d}')") for d in days}
    for force in (False, True):
        result = run_lists([str(UK_CONLIST)], db, force=force)
        [error] = result["errors"]
        assert error["message"].startswith("UK Sanctions List of 2025-04-14 is older than the loaded version of 2026-08-22")
        assert "with or without --force" in error["message"]
        assert table_fingerprints(db) == before
        assert {d: query(db, f"select count(*) from designations_as_of(date '{d}')") for d in days} == counts


def test_force_lets_a_shrink_through_but_not_an_older_file(db: Path, uk_versions: dict, tmp_path: Path) -> None:
    run_lists([str(UK_XML)], db)
    shrunk = uk_versions["fcdo_0901_shrunk"][0].source_file
    refused = run_lists([shrunk], db)
    assert "40% fewer" in refused["errors"][0]["message"]
    forced = run_lists([shrunk], db, force=True)
    assert forced["status"] == "succeeded"
    assert [(s["added"], s["amended"], s["removed"]) for s in forced["sources"]] == [(0, 1, 2)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


def test_conlist_then_fcdo_is_one_history_per_unique_id(db: Path) -> None:
    run_lists([str(UK_CONLIST)], db)
    result = run_lists([str(UK_XML)], db)
    changes = dict(query(db, "select list_id, change_type from designation_changes where run_id = ?",
                         [result["run_id"]]))
    # RUS2389, RUS2386 and DPR0100 were on the ConList: amended (the formats carry other facts), not re-added.
    assert changes == {"RUS2389": "amended", "RUS2386": "amended", "DPR0100": "amended", "AQD0013": "added",
                       "GHR0094": "added"}
    versions = query(db, "select cast(valid_from as varchar), cast(valid_to as varchar), is_current, source_file "
                         "from designations where list_id = 'RUS2389' order by valid_from")
    assert [v[:3] for v in versions] == [("2025-04-14", "2026-08-22", False), ("2026-08-22", None, True)]
    assert versions[0][3].endswith("uk_conlist_5rows.csv") and versions[1][3].endswith("uk_fcdo_5.xml")


def test_an_entry_without_its_unique_id_takes_it_from_a_later_file(db: Path, uk_versions: dict) -> None:
    run_lists([uk_versions["conlist_0410_no_ref"][0].source_file], db)
    assert query(db, "select list_id, list_ref from designations where list_id like 'OFSI-%'") == [("OFSI-16758", None)]
    run_lists([str(UK_XML)], db)
    history = query(db, "select list_id, cast(valid_from as varchar), is_current from designations "
                        "where list_id in ('RUS2389', 'OFSI-16758') order by valid_from")
    assert history == [("RUS2389", "2025-04-10", False), ("RUS2389", "2026-08-22", True)]
    assert query(db, "select count(*) from designation_changes where list_id = 'OFSI-16758'") == [(0,)]
    assert query(db, "select count(*) from designation_names where list_id = 'OFSI-16758'") == [(0,)]


# --- OFAC deltas ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sdn_versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ParsedList, pd.DataFrame]]:
    """The OFAC CSV fixture as the SDN list of 2025-01-01, and two deltas published after it."""
    full = tmp_path_factory.mktemp("sdn") / "sdn_2025-01-01"
    shutil.copytree(FIXTURES / "ofac_set", full)
    return {
        "full": parsed_pair(full),
        "delta_0113": parsed_pair(FIXTURES / "ofac_delta_2025-01-13.xml"),
        "delta_0211": parsed_pair(FIXTURES / "ofac_delta_2025-02-11.xml"),
    }


def test_every_order_of_a_full_list_and_two_deltas_keeps_a_sound_history(sdn_versions: dict) -> None:
    check_orders(sdn_versions, list(itertools.permutations(sdn_versions)))


def test_deltas_apply_in_date_order_on_top_of_the_full_list(sdn_versions: dict) -> None:
    con = empty_warehouse()
    assert [load(con, sdn_versions[n], False) for n in ("full", "delta_0113", "delta_0211")] == ["loaded"] * 3
    changes = con.execute("select list_id, change_type, changed_fields from designation_changes "
                          "where published_on > date '2025-01-01' order by published_on, list_id").fetchall()
    # 23303 was loaded from the CSV set: the enhanced layout carries other facts (a listing date, properties).
    assert changes == [("36", "removed", None), ("90001", "added", None),
                       ("23303", "amended", "listed_on; remarks; names; identifiers; properties"), ("90002", "added", None)]
    assert current_ids(con, "US", "OFAC SDN List") == {"23303", "43196", "9702", "18201", "90001", "90002"}
    counts = con.execute("select kind, designation_count from list_versions order by published_on").fetchall()
    assert counts == [("full", 5), ("delta", 5), ("delta", 6)]


def test_a_delta_out_of_order_is_refused_with_a_reason(db: Path, sdn_versions: dict) -> None:
    full, first, second = (sdn_versions[n][0].source_file for n in ("full", "delta_0113", "delta_0211"))
    no_full = run_lists([first], db)
    assert "applies on top of a full list, and none is loaded" in no_full["errors"][0]["message"]
    run_lists([full, second], db)
    late = run_lists([first], db)
    assert "a delta file of 2025-01-13, not after the loaded version of 2025-02-11" in late["errors"][0]["message"]


def test_a_delta_that_does_not_follow_the_loaded_version_is_refused(sdn_versions: dict, tmp_path: Path) -> None:
    con = empty_warehouse()
    load(con, sdn_versions["full"], False)
    # A delta removing an entry the loaded list does not hold was published for another version.
    other = variant(FIXTURES / "ofac_delta_2025-01-13.xml", tmp_path / "d.xml", ('entity id="36"', 'entity id="77777"'))
    parsed, quarantined = parsed_pair(other)
    with pytest.raises(ListLoadRefused, match=r"does not follow the loaded US OFAC SDN List of 2025-01-01: it "
                                              r"removes or updates 1 entries not listed \(e\.g\. 77777\)"):
        with transaction(con):
            load_list(con, Run("lists", params={}), parsed, quarantined)


# --- a warehouse made before the UK became one list --------------------------------------------------

def test_migration_rekeys_conlist_rows_by_unique_id(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "old.duckdb"), config=CONNECTION_CONFIG)
    for path in sorted(MIGRATIONS_DIR.glob("00[123]_*.sql")):
        con.execute(path.read_text())
    con.execute("create table schema_migrations (version integer primary key, name varchar not null, "
                "applied_at timestamp not null)")
    con.execute("insert into schema_migrations values (1, '001', now()), (2, '002', now()), (3, '003', now())")
    rows = [  # (version id, group id, ref, valid_from, valid_to, sha256): two files, one sharing a ref between groups
        ("v1", "16758", "RUS2389", "2025-04-10", None, "s1"), ("v2", "15354", "RUS1024", "2022-05-04", "2025-04-10", "s0"),
        ("v3", "15356", "RUS1024", "2022-05-04", None, "s0"), ("v4", "15354", "RUS1023", "2025-04-10", None, "s1"),
        ("v5", "16681", None, "2025-04-10", None, "s1"),
    ]
    for version, group, ref, start, end, sha in rows:
        con.execute("insert into designations values (?, 'UK', 'OFSI Consolidated List', ?, ?, 'person', 'X', null, null, "
                    "null, null, null, null, 'h', ?, ?, ?, 'f', ?, null, 1, 'r', now())",
                    [version, group, ref, start, end, end is None, sha])
        con.execute("insert into designation_names values (?, 'UK', ?, 'X', 'primary', null, null, null, null, null, 1)",
                    [version, group])
    con.execute("insert into list_versions values ('UK', 'OFSI Consolidated List', 's1', 'uk_ofsi_xlsx', 'f', "
                "'2025-04-10', 5, 5, 0, 0, 0, 0, 'r', now())")
    con.close()
    con = duckdb.connect(str(tmp_path / "old.duckdb"), config=CONNECTION_CONFIG)
    migrate(con)
    keys = con.execute("select designation_version_id, list_name, list_id, list_ref from designations "
                       "order by designation_version_id").fetchall()
    assert keys == [("v1", "UK Sanctions List", "RUS2389", "RUS2389"), ("v2", "UK Sanctions List", "RUS1023", "RUS1023"),
                    ("v3", "UK Sanctions List", "OFSI-15356", None), ("v4", "UK Sanctions List", "RUS1023", "RUS1023"),
                    ("v5", "UK Sanctions List", "OFSI-16681", None)]
    assert con.execute("select designation_version_id, list_id from designation_names order by 1").fetchall() == [
        ("v1", "RUS2389"), ("v2", "RUS1023"), ("v3", "OFSI-15356"), ("v4", "RUS1023"), ("v5", "OFSI-16681")]
    assert con.execute("select list_name, kind from list_versions").fetchall() == [("UK Sanctions List", "full")]


# --- the real files (../shared/data/lists) ---------------------------------------------------------

REAL_LISTS = {  # the shipped files of each list, oldest first
    # The FCDO list of each day once, in one layout each (the CSV and the XML of one day are the same
    # designations, tested below and in every order with the fixtures): the pairs stay affordable.
    "UK": ["uk-ofsi-conlist/ConList_2022-05-04.xlsx", "uk-ofsi-conlist/ConList_2025-04-10.xlsx",
           "uk-ofsi-conlist/ConList_2025-04-14.xlsx", "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-07.xml",
           "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-22.csv"],
    "US SDN": ["us-ofac/sdn-2021-07", "us-ofac/sdn_2024-02-20.csv", "us-ofac/sdn_2024-02-23.csv",
               "us-ofac/delta/SDN_DELTA_2025-01-13.xml", "us-ofac/delta/SDN_DELTA_2025-02-11.xml",
               "us-ofac/delta/SDN_DELTA_2025-02-13.xml"],
    "US Consolidated": ["us-ofac/consolidated_2022-03-24.xml", "us-ofac/CONS_ENHANCED_2024-07-03.xml",
                        "us-ofac/CONS_ENHANCED_2026-01-08.xml"],
}
FCDO = "uk-fcdo-derived/UK-Sanctions-List_derived_2026-08-{}"


@pytest.fixture(scope="module")
def real(shared_dir: Path) -> dict[str, tuple[ParsedList, pd.DataFrame]]:
    """Every shipped file of the lists above, parsed and validated once (lazily, by its name)."""
    lists = shared_dir / "data" / "lists"
    if not lists.is_dir():
        pytest.skip(f"{lists} is absent")

    class Parsed(dict):
        def __missing__(self, name: str) -> tuple[ParsedList, pd.DataFrame]:
            self[name] = parsed_pair(lists / name)
            return self[name]

    return Parsed()


def load_and_roll_back(con: duckdb.DuckDBPyConnection, parsed: tuple[ParsedList, pd.DataFrame], force: bool,
                       check) -> str:
    """Load a version inside a transaction, run `check(status)` on what it did, then undo it all."""
    con.execute("begin transaction")
    try:
        try:
            load_list(con, Run("lists", params={}), parsed[0], parsed[1], force=force)
            status = "loaded"
        except ListLoadRefused:
            status = "refused"
        check(status)
    finally:
        con.execute("rollback")
    return status


@pytest.mark.shared_data
@pytest.mark.parametrize("list_key", list(REAL_LISTS))
def test_every_pair_of_real_files_in_either_order_keeps_a_sound_history(list_key: str, real: dict) -> None:
    """Each shipped file, then each other one: checked as the fixture orders are. The second load runs
    in a transaction that is rolled back, so the first file is loaded once. --force is tried wherever
    the second load is refused without it (where it is not, the shrink guard did not fire and --force
    takes the same path)."""
    names = REAL_LISTS[list_key]
    refused_with_force = 0
    for first in names:
        con = empty_warehouse()
        start = ExpectedList()
        assert load(con, real[first], False) == start.load(real[first][0], False), first
        before = fingerprint(con)
        for second in names:
            if second == first:
                continue
            forces = [False]
            for force in forces:
                expected = copy.deepcopy(start)
                context = f"{first} then {second}, force={force}"

                def check(status: str) -> None:
                    check_load(con, expected, real[second][0], force, status, lambda: fingerprint(con) == before,
                               context)
                    check_as_of(con, expected, real[second][0], context)

                if load_and_roll_back(con, real[second], force, check) == "refused":
                    if force:
                        refused_with_force += 1
                    else:
                        forces.append(True)
        con.close()
    assert refused_with_force  # an older file stays refused with --force


@pytest.fixture(scope="module")
def uk_chain(real: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """ConList 2025-04-14, then the FCDO list of 2026-08-07 (XML), then 2026-08-22 (CSV, then XML)."""
    con = empty_warehouse()
    loads = ["uk-ofsi-conlist/ConList_2025-04-14.xlsx", FCDO.format("07.xml"), FCDO.format("22.csv"),
             FCDO.format("22.xml")]
    assert [load(con, real[name], False) for name in loads] == ["loaded"] * 4
    versions = dict(con.execute("select source_file, run_id from designations group by all").fetchall())
    runs = {name: versions.get(real[name][0].source_file) for name in loads}
    return {"con": con, "runs": runs}


def changes_of(con: duckdb.DuckDBPyConnection, source_file: str) -> dict[str, list[str]]:
    """The change feed of the load of one file, by change type."""
    rows = con.execute("select c.change_type, c.list_id from designation_changes c join list_versions v "
                       "on v.run_id = c.run_id and v.list_name = c.list_name where v.source_file = ? "
                       "order by c.list_id", [source_file]).fetchall()
    out: dict[str, list[str]] = {}
    for change, list_id in rows:
        out.setdefault(change, []).append(list_id)
    return out


@pytest.mark.shared_data
def test_real_fcdo_csv_and_xml_are_the_same_6349_designations(real: dict) -> None:
    xml, csv = real[FCDO.format("22.xml")], real[FCDO.format("22.csv")]
    for parsed, quarantined in (xml, csv):
        assert quarantined.empty and parsed.published_on == date(2026, 8, 22)
        assert parsed.designations["entity_type"].value_counts().to_dict() == {
            "person": 4036, "organisation": 1647, "vessel": 666}
    for table, frame in xml[0].tables().items():
        other = csv[0].tables()[table]
        columns = [c for c in frame.columns if c != "source_position"]
        a = frame[columns].sort_values(columns).reset_index(drop=True)
        b = other[columns].sort_values(columns).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=table)
    seed = xml[0].designations.set_index("list_id").loc[["RUS2385", "RUS2386", "RUS2387", "RUS2388", "RUS2389"]]
    assert (seed["listed_on"] == pd.Timestamp("2025-02-14")).all()
    assert seed["primary_name"].tolist()[-1] == "Pavel Mikhailovich FRADKOV"


@pytest.mark.shared_data
def test_real_fcdo_0807_to_0822_is_the_28_amendments_of_the_changes_file(uk_chain: dict, real: dict,
                                                                         shared_dir: Path) -> None:
    listed = pd.read_csv(shared_dir / "data" / "lists" / "uk-fcdo-derived" /
                         "UK-Sanctions-List_derived_2026-08-07_to_2026-08-22_changes.csv", dtype=str)
    changes = changes_of(uk_chain["con"], real[FCDO.format("22.csv")][0].source_file)
    assert sorted(changes) == ["amended"]
    assert changes["amended"] == sorted(listed.loc[listed["change_type"] == "Amended", "unique_id"])
    reordered = set(listed.loc[listed["change_type"] == "Reordered", "unique_id"])
    assert len(reordered) == 19 and not reordered & set(changes["amended"])
    # The XML of the same day, loaded after its CSV, changes nothing.
    assert changes_of(uk_chain["con"], real[FCDO.format("22.xml")][0].source_file) == {}


@pytest.mark.shared_data
def test_real_conlist_to_fcdo_is_one_history_per_unique_id(uk_chain: dict, real: dict) -> None:
    con = uk_chain["con"]
    changes = changes_of(con, real[FCDO.format("07.xml")][0].source_file)
    assert {k: len(v) for k, v in changes.items()} == {"added": 1689, "amended": 4660, "removed": 28}
    assert "RUS2389" in changes["amended"] and "RUS2389" not in changes["added"]
    # Three ConList entries had no usable Unique ID; the FCDO list gave them theirs (by OFSI Group ID).
    assert not {"SUD0020", "SUD0021", "GHR0094"} & set(changes["added"])
    assert con.execute("select count(*) from designations where list_id like 'OFSI-%'").fetchone() == (0,)
    history = con.execute("select cast(valid_from as varchar), cast(valid_to as varchar), is_current from designations "
                          "where list_id = 'RUS2389' order by valid_from").fetchall()
    assert history == [("2025-04-14", "2026-08-07", False), ("2026-08-07", None, True)]
    seed = con.execute("select list_id, cast(listed_on as varchar) from designations where is_current and list_id "
                       "in ('RUS2385', 'RUS2386', 'RUS2387', 'RUS2388', 'RUS2389') order by list_id").fetchall()
    assert seed == [(ref, "2025-02-14") for ref in ("RUS2385", "RUS2386", "RUS2387", "RUS2388", "RUS2389")]
    assert con.execute("select count(*) from designations_as_of(date '2026-08-22') where authority = 'UK'"
                       ).fetchone() == (6349,)
    assert con.execute("select count(*) from designations_as_of(date '2025-04-14') where authority = 'UK'"
                       ).fetchone() == (4688,)


@pytest.mark.shared_data
def test_real_ofac_enhanced_changes_are_those_of_the_changes_file(real: dict, shared_dir: Path) -> None:
    con = empty_warehouse()
    before, after = "us-ofac/CONS_ENHANCED_2024-07-03.xml", "us-ofac/CONS_ENHANCED_2026-01-08.xml"
    assert [load(con, real[n], False) for n in (before, after)] == ["loaded", "loaded"]
    listed = pd.read_csv(shared_dir / "data" / "lists" / "us-ofac" /
                         "CONS_ENHANCED_2024-07-03_to_2026-01-08_changes-derived.csv", dtype=str)
    expected = {change: sorted(group["entity_id"]) for change, group in listed.groupby("change")}
    assert changes_of(con, real[after][0].source_file) == expected
    assert {k: len(v) for k, v in expected.items()} == {"added": 1, "amended": 32, "removed": 2}


@pytest.mark.shared_data
def test_real_ofac_deltas_apply_in_date_order_and_are_refused_out_of_order(real: dict) -> None:
    con = empty_warehouse()
    deltas = [f"us-ofac/delta/SDN_DELTA_2025-{d}.xml" for d in ("01-13", "02-11", "02-13")]
    assert load(con, real[deltas[0]], False) == "refused"  # no full list loaded yet
    assert load(con, real["us-ofac/sdn_2024-02-23.csv"], False) == "loaded"
    assert [load(con, real[d], False) for d in (deltas[0], deltas[2])] == ["loaded", "loaded"]
    assert load(con, real[deltas[1]], False) == "refused"  # 02-11 after 02-13
    counts = {Path(f).name: {k: len(v) for k, v in changes_of(con, real[f][0].source_file).items()}
              for f in (deltas[0], deltas[2])}
    assert counts == {"SDN_DELTA_2025-01-13.xml": {"added": 4, "removed": 14},
                      "SDN_DELTA_2025-02-13.xml": {"added": 1}}
    assert con.execute("select count(*) from designations where is_current and list_name = 'OFAC SDN List'"
                       ).fetchone() == (14484 + 4 - 14 + 1,)
