"""The saved screening index: reused while the lists and the matcher are the same, rebuilt when either
changes, never read half-written, and safe for two screening processes at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sanctrack.flows.lists import run_lists
from sanctrack.matching import persist
from sanctrack.warehouse.db import connect

FIXTURES = Path(__file__).parent / "fixtures" / "lists"


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    assert run_lists([str(FIXTURES / "uk_conlist_5rows.csv")], path)["status"] == "succeeded"
    return path


def saved(db: Path) -> list[Path]:
    return sorted(persist.index_dir(db).glob("*.pickle"))


def screen_once(db: Path):
    con = connect(db, read_only=True)
    try:
        return persist.load_or_build(con, db)
    finally:
        con.close()


def test_the_index_is_saved_once_and_reused(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = screen_once(db)
    [path] = saved(db)
    built = path.stat().st_mtime_ns
    monkeypatch.setattr(persist.NameIndex, "from_warehouse", lambda *a, **k: pytest.fail("rebuilt"))
    again = screen_once(db)
    assert saved(db) == [path] and path.stat().st_mtime_ns == built
    assert [c.as_record() for c in again.screen("Pavel Fradkov")] == [c.as_record() for c in first.screen("Pavel Fradkov")]
    assert again.rows is None  # loading needs no DataFrame


def test_a_lists_run_that_changes_the_lists_makes_a_new_index(db: Path) -> None:
    screen_once(db)
    [old] = saved(db)
    assert run_lists([str(FIXTURES / "ofac_set")], db)["status"] == "succeeded"
    index = screen_once(db)
    [new] = saved(db)
    assert new != old  # the old one is removed
    assert "US" in set(index.authority)


def test_a_new_matcher_version_makes_a_new_index(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    screen_once(db)
    [old] = saved(db)
    monkeypatch.setattr(persist, "MATCHER_VERSION", "matching-test")
    screen_once(db)
    [new] = saved(db)
    assert new != old


def test_a_half_written_or_damaged_index_is_never_used(db: Path) -> None:
    screen_once(db)
    [path] = saved(db)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # as a crash mid-write would leave it, were it written in place
    index = screen_once(db)
    assert index.screen("Pavel Fradkov")[0].list_id == "RUS2389"
    assert path.read_bytes() == data  # rebuilt and saved whole
    path.write_bytes(b"not an index")
    assert screen_once(db).screen("Pavel Fradkov")[0].list_id == "RUS2389"


def test_another_process_file_being_written_is_left_alone(db: Path) -> None:
    folder = persist.index_dir(db)
    folder.mkdir(exist_ok=True)  # the lists run saved the index of the links there
    building = folder / ".building-other.pickle"
    building.write_bytes(b"partial")
    screen_once(db)
    assert building.exists()


def test_two_processes_screening_at_once_both_answer(db: Path) -> None:
    """Both build (no index yet) and save; each renames a whole file into place."""
    code = ("import sys; from pathlib import Path; from sanctrack.matching import persist; "
            "from sanctrack.warehouse.db import connect; db = Path(sys.argv[1]); con = connect(db, read_only=True); "
            "print(persist.load_or_build(con, db).screen('Pavel Fradkov')[0].list_id)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ}) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == ["RUS2389", "RUS2389"]
    [path] = saved(db)
    assert screen_once(db).screen("Pavel Fradkov")[0].list_id == "RUS2389"


def test_an_unwritable_place_still_screens(db: Path, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(persist.tempfile, "mkstemp", refuse)
    assert screen_once(db).screen("Pavel Fradkov")[0].list_id == "RUS2389"
    assert "could not be saved" in caplog.text


def test_an_unchanged_warehouse_is_not_even_opened(db: Path) -> None:
    def refuse():
        pytest.fail("the warehouse was opened")

    def open_db():
        return connect(db, read_only=True)

    first = persist.screening_index(db, open_db)
    again = persist.screening_index(db, refuse)
    assert again.screen("Pavel Fradkov")[0].list_id == first.screen("Pavel Fradkov")[0].list_id == "RUS2389"


def test_a_changed_warehouse_is_opened_and_its_new_lists_screened(db: Path) -> None:
    persist.screening_index(db, lambda: connect(db, read_only=True))
    assert run_lists([str(FIXTURES / "ofac_set")], db)["status"] == "succeeded"
    opened = []

    def open_db():
        opened.append(True)
        return connect(db, read_only=True)

    index = persist.screening_index(db, open_db)
    assert opened and "US" in set(index.authority)
