"""Fetching list files over HTTP from a loopback server: conditional requests, timeouts, errors, retries."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb
import pytest

from sanctrack.flows.lists import run_lists
from sanctrack.lists.fetch import FetchError, ListSource, fetch_list, resolve_sources
from sanctrack.warehouse.db import migrate
from tests.helpers import query, serving, table_fingerprints

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
UN = (FIXTURES / "un_5.xml").read_bytes()
ETAG = '"' + hashlib.sha256(UN).hexdigest()[:16] + '"'


class ListServer(BaseHTTPRequestHandler):
    """Serves the UN fixture with an ETag, plus paths that misbehave."""

    requests: list[tuple[str, dict]] = []
    flaky_failures = 0

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        ListServer.requests.append((self.path, dict(self.headers)))
        if self.path == "/consolidated.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.end_headers()
                return
            self.send_body(UN, etag=ETAG)
        elif self.path == "/slow.xml":
            time.sleep(2)
            self.send_body(UN)
        elif self.path == "/flaky.xml":
            if ListServer.flaky_failures:
                ListServer.flaky_failures -= 1
                self.close_connection = True
                self.wfile.write(b"")  # no status line: the client sees the connection drop
                return
            self.send_body(UN)
        elif self.path == "/big.xml":
            self.send_body(UN * 10)
        else:
            self.send_error(404, "Not Found")

    def send_body(self, body: bytes, etag: str | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    ListServer.requests = []
    with serving(ListServer) as base:
        yield base


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    migrate(connection)
    yield connection
    connection.close()


def test_a_url_loads_then_an_unchanged_list_answers_304(server: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = run_lists([f"{server}/consolidated.xml"], db)
    assert first["sources"][0]["status"] == "loaded" and first["sources"][0]["designations"] == 5
    assert query(db, "select etag from list_fetch_state") == [(ETAG,)]
    before = table_fingerprints(db)
    second = run_lists([f"{server}/consolidated.xml"], db)
    assert second["sources"][0] == {"source": f"{server}/consolidated.xml", "status": "unchanged",
                                    "reason": "HTTP 304 Not Modified"}
    assert ListServer.requests[-1][1].get("If-None-Match") == ETAG
    assert table_fingerprints(db) == before


def test_validators_are_remembered_only_after_a_successful_load(server: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    run_lists([f"{server}/missing.xml"], db)
    assert query(db, "select count(*) from list_fetch_state") == [(0,)]


def test_a_slow_server_times_out(server: str, con, tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(FetchError, match=r"not fetched within 0.3 s in all"):
        fetch_list(ListSource("slow", f"{server}/slow.xml"), con, tmp_path, timeout=0.3, retries=0)
    assert time.perf_counter() - started < 1.5


def test_a_404_fails_at_once_without_retrying(server: str, con, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_list(ListSource("missing", f"{server}/missing.xml"), con, tmp_path, retries=2, backoff_s=0)
    assert [path for path, _ in ListServer.requests] == ["/missing.xml"]


def test_io_errors_are_retried(server: str, con, tmp_path: Path) -> None:
    ListServer.flaky_failures = 1
    fetched = fetch_list(ListSource("flaky", f"{server}/flaky.xml"), con, tmp_path, retries=2, backoff_s=0)
    assert fetched.sha256 == hashlib.sha256(UN).hexdigest()
    assert [path for path, _ in ListServer.requests] == ["/flaky.xml", "/flaky.xml"]


def test_a_file_over_the_size_cap_is_refused(server: str, con, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="over the 10,000-byte cap"):
        fetch_list(ListSource("big", f"{server}/big.xml"), con, tmp_path, max_bytes=10_000)
    assert not list(tmp_path.glob("*big*"))


def test_a_failed_download_does_not_stop_the_other_sources(server: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = run_lists([f"{server}/missing.xml", str(FIXTURES / "eu_fsf_5.xml")], db)
    assert [s["status"] for s in result["sources"]] == ["failed", "loaded"]
    assert "HTTP 404" in result["errors"][0]["message"]


def test_no_arguments_means_the_configured_official_sources() -> None:
    sources = resolve_sources([])
    assert {s.name for s in sources} == {"uk_fcdo", "us_ofac_sdn", "us_ofac_consolidated", "un_sc", "eu_fsf"}
    assert all(s.is_url and s.fmt for s in sources)
    assert resolve_sources(["un_sc"])[0].location.startswith("https://scsanctions.un.org/")
