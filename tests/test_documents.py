"""Reading documents: every kind of bad input gets a clear error naming the document."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctrack.documents import Document, SourceError, read_documents

ARTICLE_HTML = """<!doctype html><html><head><title>Britain sanctions three</title>
<meta property="article:published_time" content="2025-02-14T10:00:00Z"></head>
<body><nav>Home | World | Cookies: we use cookies</nav>
<article><h1>Britain sanctions three</h1>
<p>The Foreign Office on Friday imposed sanctions on Ivan Testov, a deputy minister, and on two
companies that supply the army with drones and spare parts for its tanks.</p>
<p>The minister said the measures would keep up the pressure on the Kremlin for as long as it takes,
and that more designations would follow in the coming weeks against those who help the war.</p>
</article><footer>Copyright 2025</footer></body></html>"""


def read_one(spec: str) -> Document | SourceError:
    (item,) = list(read_documents([spec]))
    return item


def test_missing_path_is_named(tmp_path: Path) -> None:
    error = read_one(str(tmp_path / "nope.txt"))
    assert isinstance(error, SourceError)
    assert error.source_uri.endswith("nope.txt") and "no such file" in error.message


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    error = read_one(str(path))
    assert isinstance(error, SourceError) and error.message == "empty file"


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    error = read_one(str(path))
    assert isinstance(error, SourceError) and "binary" in error.message


def test_invalid_utf8_names_the_byte_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("First line\nCaf\u00e9 owner sanctioned\n".encode("latin-1"))
    error = read_one(str(path))
    assert isinstance(error, SourceError)
    assert "invalid UTF-8 at byte 14 (line 2)" in error.message


def test_html_is_reduced_to_article_text(tmp_path: Path) -> None:
    path = tmp_path / "article.html"
    path.write_text(ARTICLE_HTML)
    document = read_one(str(path))
    assert isinstance(document, Document)
    assert document.content_type == "text/html"
    assert "imposed sanctions on Ivan Testov" in document.text
    assert "Cookies" not in document.text and "<p>" not in document.text
    assert document.title == "Britain sanctions three"
    assert str(document.published_on) == "2025-02-14"


def test_html_without_article_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<!doctype html><html><head><title>x</title></head><body><nav>Home</nav></body></html>")
    error = read_one(str(path))
    assert isinstance(error, SourceError) and error.message == "HTML page with no article text"


def test_directory_reads_only_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Alpha text.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text(ARTICLE_HTML)
    (tmp_path / "lexicon.csv").write_text("not,a,document\n")
    items = list(read_documents([str(tmp_path)]))
    assert [Path(i.source_uri).name for i in items] == ["a.txt", "b.html"]


def test_glob_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    error = read_one(str(tmp_path / "*.txt"))
    assert isinstance(error, SourceError) and "matches no file" in error.message


def test_same_text_is_the_same_document(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Same words.\n")
    (tmp_path / "b.txt").write_text("Same words.\r\n")
    a, b = read_documents([str(tmp_path)])
    assert a.document_id == b.document_id


def test_url_is_fetched(http_server) -> None:
    base, root, _ = http_server
    (root / "article.html").write_text(ARTICLE_HTML)
    document = read_one(f"{base}/article.html")
    assert isinstance(document, Document) and "Ivan Testov" in document.text


def test_url_404_is_named(http_server) -> None:
    base, _, _ = http_server
    error = read_one(f"{base}/missing.html")
    assert isinstance(error, SourceError)
    assert error.source_uri == f"{base}/missing.html" and error.message == "HTTP 404 Not Found"


def test_url_that_times_out_is_named(http_server, monkeypatch: pytest.MonkeyPatch) -> None:
    base, root, _ = http_server
    (root / "slow").mkdir()
    (root / "slow" / "a.txt").write_text("late")
    monkeypatch.setenv("SANCTRACK_FETCH_TIMEOUT", "0.3")
    monkeypatch.setenv("SANCTRACK_TEST_SLOW_SECONDS", "1")
    error = read_one(f"{base}/slow/a.txt")
    assert isinstance(error, SourceError)
    assert error.message == "not fetched within 0.3 s in all (SANCTRACK_FETCH_TIMEOUT); cut off"


def test_publication_date_from_a_dateline_or_the_file_name(tmp_path: Path) -> None:
    dated = tmp_path / "release.txt"
    dated.write_text("Press release\nPublished 14 February 2025\nThe UK sanctioned two firms.\n")
    named = tmp_path / "news_2024-02-23_ofac.txt"
    named.write_text("Treasury sanctions 500 targets.\n")
    undated = tmp_path / "note.txt"
    undated.write_text("No date at all, only 12 Foo 2020.\n")
    dates = {Path(d.source_uri).name: str(d.published_on) for d in read_documents([str(tmp_path)])}
    assert dates == {"release.txt": "2025-02-14", "news_2024-02-23_ofac.txt": "2024-02-23", "note.txt": "None"}


def test_an_io_error_is_retried_and_an_http_error_is_not(http_server) -> None:
    base, root, requests = http_server
    (root / "flaky").mkdir()
    (root / "flaky" / "a.txt").write_text("Britain sanctioned two firms.\n")
    document = read_one(f"{base}/flaky/a.txt")
    assert isinstance(document, Document) and "two firms" in document.text
    read_one(f"{base}/missing.txt")
    assert [path for path, _ in requests] == ["/flaky/a.txt", "/flaky/a.txt", "/missing.txt"]


def test_a_page_over_the_size_cap_is_refused(http_server, monkeypatch: pytest.MonkeyPatch) -> None:
    base, root, _ = http_server
    (root / "big.txt").write_text("sanctions " * 2000)
    monkeypatch.setenv("SANCTRACK_DOCUMENT_MAX_BYTES", "1000")
    error = read_one(f"{base}/big.txt")
    assert isinstance(error, SourceError) and error.message == "20,000 bytes announced, over the 1,000-byte cap"
