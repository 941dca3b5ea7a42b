"""The news pipeline end to end without Prefect: read -> extract -> validate -> load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sanctrack.extract
import sanctrack.news
import sanctrack.warehouse.news
from sanctrack.extract.model import Mention
from sanctrack.flows.news import run_news
from sanctrack.warehouse.db import transaction
from tests.helpers import query, table_fingerprints

SEED_TARGETS = [
    ("Pavel Fradkov", "person", 1, "Defense Minister", "UK", "designated", False),
    ("Vladimir Selin", "person", 1, "head of a division within the defense ministry", "UK", "designated", False),
    ("Artem Chaika", "person", 1, None, "UK", "designated", False),
    (None, "unnamed_group", 2, None, "UK", "designated", True),
]
NON_TARGETS = ["Starmer", "Zelenskyy", "Trump", "Putin", "Hegseth", "Johnson", "Macron"]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture()
def seed_dir(tmp_path: Path, seed_article: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(seed_article, folder / seed_article.name)
    return folder


def test_seed_article_gives_exactly_its_four_mentions(db: Path, seed_dir: Path) -> None:
    result = run_news([str(seed_dir)], db)
    assert result["status"] == "succeeded"
    rows = query(db, """
        select name, entity_type, count, role, authority, action, is_rosatom_linked
        from mentions order by span_start""")
    assert rows == SEED_TARGETS
    names = " ".join(r[0] or "" for r in query(db, "select name from mentions"))
    assert not any(person in names for person in NON_TARGETS)
    (affiliation,) = query(db, "select affiliation from mentions where entity_type = 'unnamed_group'")[0]
    assert affiliation == "Rosatom"


def test_offsets_slice_the_document_to_the_name(db: Path, seed_dir: Path) -> None:
    run_news([str(seed_dir)], db)
    rows = query(db, """
        select m.name, substr(d.text, m.span_start + 1, m.span_end - m.span_start),
               substr(d.text, m.sentence_start + 1, length(m.sentence)) = m.sentence
        from mentions m join documents d using (document_id)""")
    for name, span, sentence_matches in rows:
        assert sentence_matches
        if name is not None:
            assert span == name
        else:
            assert span == "two organizations linked to Russia's nuclear energy sector, Rosatom"


def test_running_twice_leaves_identical_tables(db: Path, seed_dir: Path) -> None:
    run_news([str(seed_dir)], db)
    before = table_fingerprints(db)
    second = run_news([str(seed_dir)], db)
    assert table_fingerprints(db) == before
    assert second["counts"]["documents_skipped"] == 1 and second["counts"]["mentions_added"] == 0
    assert query(db, "select count(*) from runs") == [(2,)]


def test_bad_documents_are_reported_and_the_rest_still_load(db: Path, seed_dir: Path) -> None:
    (seed_dir / "empty.txt").write_bytes(b"")
    (seed_dir / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (seed_dir / "latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    (seed_dir / "nav-only.html").write_text("<html><body><nav>Home</nav></body></html>")
    result = run_news([str(seed_dir), str(seed_dir / "missing.txt")], db)
    assert result["status"] == "partial"
    failed = {Path(e["source"]).name: e["message"] for e in result["errors"]}
    assert failed == {
        "binary.txt": "binary content, not a text or HTML document",
        "empty.txt": "empty file",
        "latin1.txt": "invalid UTF-8 at byte 3 (line 1): b'\\xe9'; save it as UTF-8",
        "nav-only.html": "HTML page with no article text",
        "missing.txt": "no such file or directory",
    }
    assert query(db, "select count(*) from mentions") == [(4,)]
    (status, errors) = query(db, "select status, json_array_length(errors) from runs")[0]
    assert (status, errors) == ("partial", 5)


def test_a_failure_during_the_load_leaves_the_previous_state(db: Path, seed_dir: Path, tmp_path: Path) -> None:
    run_news([str(seed_dir)], db)
    before = table_fingerprints(db)
    other = tmp_path / "other"
    other.mkdir()
    for i in range(3):
        (other / f"{i}.txt").write_text(f"Britain imposed sanctions on Ivan Testov{i}, a deputy minister.\n")

    def load_then_fail(con, run, stage):
        sanctrack.warehouse.news.merge_news(con, run, stage)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        run_news([str(other)], db, batch_size=1, load=load_then_fail)
    assert table_fingerprints(db) == before
    assert query(db, "select status from runs order by started_at") == [("succeeded",), ("failed",)]
    assert not list(tmp_path.glob("*.staging/*")), "the failed run's staging files are removed"


def test_invalid_mentions_go_to_quarantine_with_their_reason(db: Path, tmp_path: Path, monkeypatch) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("Britain sanctioned Ivan Testov and a company.\n")

    def extract(text: str, known=None) -> list[Mention]:
        good = Mention("Ivan Testov", "person", 1, None, None, "UK", "designated", False,
                       text.strip(), 0, 19, 30, 0.9, "test")
        bad = Mention("Nobody", "person", 1, None, None, "UK", "banished", False,
                      text.strip(), 0, 0, 6, 0.9, "test")
        return [good, bad]

    monkeypatch.setattr(sanctrack.news, "extract_mentions", extract)
    result = run_news([str(doc)], db)
    assert result["counts"]["quarantined"] == 1
    assert query(db, "select name from mentions") == [("Ivan Testov",)]
    (table, check, column, case, location) = query(
        db, "select target_table, check_name, column_name, failure_case, source_location from quarantine")[0]
    assert (table, column, case) == ("mentions", "action", "banished")
    assert check.startswith("isin(") and location == f"{doc}:0-6"
    (row,) = query(db, "select row_json ->> 'name' from quarantine")[0]
    assert row == "Nobody"


def test_a_new_extractor_version_replaces_the_old_mentions(db: Path, seed_dir: Path, monkeypatch) -> None:
    run_news([str(seed_dir)], db)
    monkeypatch.setattr(sanctrack.extract, "EXTRACTOR_VERSION", "next")
    result = run_news([str(seed_dir)], db)
    assert result["counts"]["mentions_replaced"] == 4 and result["counts"]["mentions_added"] == 4
    assert query(db, "select extractor_version, count(*) from mentions group by all") == [("next", 4)]
    assert query(db, "select extractor_version from extractions") == [("next",)]


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    from sanctrack.warehouse.db import connect

    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(RuntimeError):
        with transaction(con):
            con.execute("insert into runs (run_id, flow, started_at, status, code_version) "
                        "values ('r', 'news', now(), 'succeeded', 'x')")
            raise RuntimeError("boom")
    assert con.execute("select count(*) from runs").fetchone() == (0,)


def test_the_same_text_at_two_places_is_one_document_with_two_sources(db: Path, tmp_path: Path,
                                                                      seed_article: Path) -> None:
    folder = tmp_path / "twice"
    folder.mkdir()
    shutil.copy(seed_article, folder / "a.txt")
    shutil.copy(seed_article, folder / "b.txt")
    result = run_news([str(folder)], db, batch_size=1)
    assert result["counts"]["documents_extracted"] == 1 and result["counts"]["documents_skipped"] == 1
    assert query(db, "select count(*) from documents") == [(1,)]
    assert query(db, "select count(*) from document_sources") == [(2,)]
    assert query(db, "select count(*) from mentions") == [(4,)]


def test_the_run_logs_structured_events(db: Path, seed_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="sanctrack.flows.steps"):
        run_news([str(seed_dir)], db)
    events = [r.getMessage() for r in caplog.records if r.getMessage().startswith("event=")]
    assert events[0] == "event=batch_staged documents=1 extracted=1 failed=0 mentions=4"
    assert events[-1].startswith("event=run_loaded run_id=")


def test_a_load_over_its_memory_budget_is_run_again_with_a_larger_one(tmp_path: Path, monkeypatch) -> None:
    import duckdb

    import sanctrack.warehouse.db as db_module

    con = db_module.connect(tmp_path / "w.duckdb")
    con.execute("create table t (i integer primary key)")
    limits, attempts = [], []

    def work() -> int:
        limits.append(con.execute("select current_setting('memory_limit')").fetchall()[0][0])
        con.execute("insert into t values (?)", [len(attempts)])
        attempts.append(1)
        if len(attempts) == 1:  # as DuckDB says it when a statement cannot get a block within the limit
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")
        return len(attempts)

    monkeypatch.setattr(db_module, "WORKING_MEMORY", 8 * 2**20)
    monkeypatch.setattr(db_module, "INDEX_BYTES_PER_ROW", 0)
    try:
        assert db_module.within_memory_budget(con, 0, work) == 2
        assert limits == ["8.0 MiB", "32.0 MiB"]
        assert con.execute("select i from t").fetchall() == [(1,)]  # the first attempt was rolled back
        assert con.execute("select current_setting('memory_limit')").fetchall()[0][0] not in limits

        def fails() -> None:
            con.execute("insert into t values (7)")
            raise ValueError("not a memory problem")

        with pytest.raises(ValueError):
            db_module.within_memory_budget(con, 0, fails)
        assert con.execute("select i from t").fetchall() == [(1,)]
    finally:
        con.close()


def test_a_real_load_under_a_tiny_budget_still_completes(db: Path, seed_dir: Path, monkeypatch, caplog) -> None:
    import sanctrack.warehouse.db as db_module

    monkeypatch.setattr(db_module, "WORKING_MEMORY", 256 * 2**10)
    monkeypatch.setattr(db_module, "INDEX_BYTES_PER_ROW", 0)
    with caplog.at_level("WARNING", logger="sanctrack.warehouse.db"):
        result = run_news([str(seed_dir)], db)
    assert result["status"] == "succeeded"
    assert query(db, "select count(*) from mentions") == [(4,)]
    # DuckDB really ran out within 256 KiB, and the run went on with a larger budget.
    assert "event=memory_budget_exceeded" in caplog.text
