"""Hostile or broken servers on 127.0.0.1: each bad URL is its own source's error, and the good one loads."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from sanctrack.documents import SourceError, read_documents
from sanctrack.flows.lists import run_lists
from sanctrack.flows.news import run_news
from sanctrack.lists.fetch import FetchError, ListSource, fetch_list
from tests.helpers import query, serving

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
GOOD_TEXT = b"The UK imposed sanctions on Ivan Testov, a deputy energy minister.\n"
UN = (FIXTURES / "un_5.xml").read_bytes()
EU = (FIXTURES / "eu_fsf_5.xml").read_bytes()
BOMB = gzip.compress(b"\0" * (64 * 2**20), compresslevel=9)  # 64 MiB of zeros in about 64 KB


class Hostile(BaseHTTPRequestHandler):
    """A server that misbehaves in every way issue 17 lists, beside paths that behave."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path.split("?")[0]
        if path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/bad-gzip.txt":
            self.send(b"this is not gzip at all", encoding="gzip")
        elif path == "/stacked.txt":
            self.send(gzip.compress(gzip.compress(GOOD_TEXT)), encoding="gzip, gzip")
        elif path == "/bomb.txt":
            self.send(BOMB, encoding="gzip")
        elif path in ("/slow-body.txt", "/slow-headers.txt"):
            self.drip(path == "/slow-headers.txt")
        elif path == "/good.txt":
            self.send(GOOD_TEXT)
        elif path == "/un.xml.gz":  # a list served gzip-compressed, as many servers do
            self.send(gzip.compress(UN), encoding="gzip", content_type="application/xml")
        elif path == "/eu.xml":
            self.send(EU, content_type="application/xml")
        elif path == "/list-bomb.xml":
            self.send(BOMB, encoding="gzip", content_type="application/xml")
        else:
            self.send_error(404, "Not Found")

    def send(self, body: bytes, encoding: str | None = None, content_type: str = "text/plain") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def drip(self, headers_too: bool) -> None:
        """Slowloris: a byte every 0.2 s, for ever (until the client hangs up)."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
        try:
            if not headers_too:
                self.wfile.write(head)
                head = b"x" * 100000
            for byte in head:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def hostile() -> Iterator[str]:
    with serving(Hostile) as base:
        yield base


def news_run_with_a_good_document(tmp_path: Path, bad_url: str, good_url: str) -> str:
    """One news run of the bad URL and a good one: partial, the good one loaded, the bad one's message."""
    db = tmp_path / "w.duckdb"
    result = run_news([bad_url, good_url], db)
    assert result["status"] == "partial"
    assert [e["source"] for e in result["errors"]] == [bad_url]
    assert query(db, "select source_uri from document_sources") == [(good_url,)]
    assert query(db, "select name from mentions") == [("Ivan Testov",)]
    return result["errors"][0]["message"]


def test_a_redirect_loop_is_that_documents_error(tmp_path: Path, hostile: str) -> None:
    message = news_run_with_a_good_document(tmp_path, f"{hostile}/loop", f"{hostile}/good.txt")
    assert message == "more than 10 redirects (a redirect loop?)"


def test_a_body_that_claims_gzip_and_is_not_is_that_documents_error(tmp_path: Path, hostile: str) -> None:
    message = news_run_with_a_good_document(tmp_path, f"{hostile}/bad-gzip.txt", f"{hostile}/good.txt")
    assert message.startswith("the content does not decode as its Content-Encoding says")


def test_a_gzip_bomb_stops_at_the_document_cap(tmp_path: Path, hostile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTRACK_DOCUMENT_MAX_BYTES", str(2**20))
    message = news_run_with_a_good_document(tmp_path, f"{hostile}/bomb.txt", f"{hostile}/good.txt")
    assert message == "larger than the 1,048,576-byte cap (counted after decompression)"


def test_stacked_encodings_are_refused(tmp_path: Path, hostile: str) -> None:
    message = news_run_with_a_good_document(tmp_path, f"{hostile}/stacked.txt", f"{hostile}/good.txt")
    assert message == "stacked content encodings refused: gzip, gzip"


@pytest.mark.parametrize("path", ["/slow-body.txt", "/slow-headers.txt"])
def test_a_slowloris_is_cut_off_at_the_fetch_deadline(tmp_path: Path, hostile: str, path: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTRACK_FETCH_TIMEOUT", "2")
    started = time.monotonic()
    items = list(read_documents([f"{hostile}{path}"]))
    elapsed = time.monotonic() - started
    assert elapsed < 4, f"the 2 s deadline held within 2x: {elapsed:.1f} s"
    assert isinstance(items[0], SourceError)
    assert items[0].message == "not fetched within 2 s in all (SANCTRACK_FETCH_TIMEOUT); cut off"
    if path == "/slow-headers.txt":  # and in a run, beside a good document that loads
        message = news_run_with_a_good_document(tmp_path, f"{hostile}{path}", f"{hostile}/good.txt")
        assert message.startswith("not fetched within 2 s")


def test_a_lists_download_from_a_slowloris_is_cut_off_at_the_deadline(tmp_path: Path, hostile: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from sanctrack.warehouse.db import migrate

    con = duckdb.connect()
    migrate(con)
    started = time.monotonic()
    with pytest.raises(FetchError, match="not fetched within 2 s in all"):
        fetch_list(ListSource("slow", f"{hostile}/slow-body.txt"), con, tmp_path, timeout=2)
    assert time.monotonic() - started < 4
    assert not list(tmp_path.glob("*slow*")), "the partial download is removed"


def test_a_list_served_gzip_compressed_loads(tmp_path: Path, hostile: str) -> None:
    db = tmp_path / "w.duckdb"
    result = run_lists([f"{hostile}/un.xml.gz", f"{hostile}/eu.xml"], db)
    assert [s["status"] for s in result["sources"]] == ["loaded", "loaded"], result["sources"]
    assert query(db, "select designation_count from list_versions where authority = 'UN'") == [(5,)]


def test_a_list_gzip_bomb_stops_at_the_cap_and_the_other_list_loads(tmp_path: Path, hostile: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTRACK_FETCH_MAX_BYTES", str(4 * 2**20))
    db = tmp_path / "w.duckdb"
    result = run_lists([f"{hostile}/list-bomb.xml", f"{hostile}/eu.xml"], db)
    assert [s["status"] for s in result["sources"]] == ["failed", "loaded"]
    assert "larger than the 4,194,304-byte cap (counted after decompression)" in result["errors"][0]["message"]
    assert not list((tmp_path / "list_files").glob(".*part")), "the partial download is removed"


def test_a_lists_redirect_loop_is_that_sources_error(tmp_path: Path, hostile: str) -> None:
    result = run_lists([f"{hostile}/loop", f"{hostile}/eu.xml"], tmp_path / "w.duckdb")
    assert [s["status"] for s in result["sources"]] == ["failed", "loaded"]
    assert "more than 10 redirects" in result["errors"][0]["message"]


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>{base}</link><description>d</description>
<item><title>loop</title><link>{base}/loop</link></item>
<item><title>bad gzip</title><link>{base}/bad-gzip.txt</link></item>
<item><title>good</title><link>{base}/good.txt</link></item>
<item><title>local</title><link>/etc/hostname</link></item>
<item><title>file</title><link>file:///etc/hostname</link></item>
</channel></rss>"""


def test_bad_feed_items_are_their_own_errors_and_local_links_are_never_read(tmp_path: Path, hostile: str) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text(FEED.format(base=hostile))
    db = tmp_path / "w.duckdb"
    result = run_news([], db, feeds=[str(feed)])
    assert result["status"] == "partial"
    errors = {e["source"]: e["message"] for e in result["errors"]}
    assert errors[f"{hostile}/loop"] == "more than 10 redirects (a redirect loop?)"
    assert errors[f"{hostile}/bad-gzip.txt"].startswith("the content does not decode")
    assert errors[f"{feed} (item 4)"] == "the item's link '/etc/hostname' is not an http(s) URL: not read"
    assert errors[f"{feed} (item 5)"].startswith("the item's link 'file:")  # feedparser writes file://etc/...
    assert query(db, "select source_uri from document_sources") == [(f"{hostile}/good.txt",)]
