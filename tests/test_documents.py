"""Reading documents: every kind of bad input gets a clear error naming the document."""

from __future__ import annotations

import os
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


def test_a_source_that_is_not_a_regular_file_is_named(tmp_path: Path) -> None:
    pipe = tmp_path / "news.txt"
    os.mkfifo(pipe)
    error = read_one(str(pipe))
    assert isinstance(error, SourceError) and error.message == "not a regular file (a device, a pipe or a socket): refused"


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


TEXT = "The UK imposed sanctions on Ivan Testov, a deputy minister.\nThe measures take effect today.\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
                                   "utf-8-sig"])
def test_unicode_with_a_byte_order_mark_is_decoded(tmp_path: Path, codec: str) -> None:
    path = tmp_path / f"{codec}.txt"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
           "utf-32-be": b"\x00\x00\xfe\xff"}.get(codec, b"")
    path.write_bytes(bom + TEXT.encode(codec))
    document = read_one(str(path))
    assert isinstance(document, Document), document
    assert document.text == TEXT and document.title == TEXT.splitlines()[0]


def test_utf16_html_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(ARTICLE_HTML.encode("utf-16"))
    document = read_one(str(path))
    assert isinstance(document, Document) and "Ivan Testov" in document.text


def test_utf16_without_a_mark_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "nomark.txt"
    path.write_bytes(TEXT.encode("utf-16-le"))
    error = read_one(str(path))
    assert isinstance(error, SourceError) and error.message == "binary content, not a text or HTML document"


def test_nul_and_control_characters_are_stripped_before_storing(tmp_path: Path) -> None:
    path = tmp_path / "controls.txt"
    # A NUL at the head is binary content; one further in, or a few other controls, are stripped.
    head = b"The UK imposed sanctions\x07 on Ivan\x1b Testov.\x0cPage two.\x7f\xc2\x85\n"
    path.write_bytes(head + b"More text. " * 800 + b"A NUL\x00 here.\n")
    document = read_one(str(path))
    assert isinstance(document, Document)
    assert document.text == "The UK imposed sanctions on Ivan Testov.\nPage two.\n" + "More text. " * 800 + "A NUL here.\n"


def test_a_text_over_the_character_cap_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTRACK_DOCUMENT_MAX_CHARS", "1000")
    path = tmp_path / "long.txt"
    path.write_text("Sanctions. " * 100)
    error = read_one(str(path))
    assert isinstance(error, SourceError) and error.source_uri == str(path)
    assert error.message == ("1,100 characters of text, over the 1,000-character cap for one document "
                             "(SANCTRACK_DOCUMENT_MAX_CHARS)")


def test_a_file_over_the_byte_cap_is_refused_before_it_is_read(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTRACK_DOCUMENT_MAX_BYTES", "100")
    path = tmp_path / "big.txt"
    path.write_text("x" * 101)
    error = read_one(str(path))
    assert isinstance(error, SourceError)
    assert error.message == "101 bytes, over the 100-byte cap for one document (SANCTRACK_DOCUMENT_MAX_BYTES)"


def test_an_unexpected_failure_is_only_that_documents_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctrack.documents as documents

    def broken(uri, raw):
        raise RuntimeError("a library's surprise")

    monkeypatch.setattr(documents, "_article_from_html", broken)
    (tmp_path / "a.html").write_text(ARTICLE_HTML)
    (tmp_path / "b.txt").write_text(TEXT)
    items = list(read_documents([str(tmp_path)]))
    assert isinstance(items[0], SourceError) and items[0].message == "unexpected RuntimeError: a library's surprise"
    assert isinstance(items[1], Document)


# --- titles and publication dates -----------------------------------------------------------------

def text_document(tmp_path: Path, text: str, name: str = "article.txt") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    document = read_one(str(path))
    assert isinstance(document, Document), document
    return document


BODY = ("Britain froze the assets of Ivan Testov, a deputy energy minister, and of two drone makers on Friday, "
        "the Foreign Office said, in a package aimed at the suppliers of the army.\n"
        "Officials said more designations of drone suppliers would follow within weeks.\n")


def test_the_title_is_the_headline_below_site_furniture(tmp_path: Path) -> None:
    text = ("• Українською\nSubscriber notice\nUKRAINE WAR\nNews around the clock\n\n"
            "  • Britain sanctions deputy energy minister and drone makers\n\nBy Jane Doe, Policy Editor\n\n" + BODY)
    assert text_document(tmp_path, text).title == "Britain sanctions deputy energy minister and drone makers"


def test_a_text_that_opens_with_its_lead_paragraph_has_no_title(tmp_path: Path) -> None:
    assert text_document(tmp_path, BODY).title is None
    one_long_sentence = ("Following a series of legal setbacks, the United Kingdom has taken three businessmen, plus "
                         "one government official, off its sanctions list.\n" + BODY)
    assert text_document(tmp_path, one_long_sentence, "b.txt").title is None


def test_a_photo_caption_is_cut_from_the_headline(tmp_path: Path) -> None:
    text = "Britain hits drone makers with sanctions. Image: AI-generated, Agency/xyz\n\n" + BODY
    assert text_document(tmp_path, text).title == "Britain hits drone makers with sanctions."


def test_a_short_text_keeps_its_first_line_as_title(tmp_path: Path) -> None:
    text = "The UK imposed sanctions on Ivan Testov, a deputy minister.\nThe measures take effect today.\n"
    assert text_document(tmp_path, text).title == text.splitlines()[0]


@pytest.mark.parametrize("dateline, expected", [
    ("06/02/2022 10:51 AM EDT", "2022-06-02"),  # a US time zone: month first
    ("Kyiv | 19.05.2023, 19:13", "2023-05-19"),  # dotted: day first
    ("February 14, 2025", "2025-02-14"),
    ("Luxembourg, 8 October 2024", "2024-10-08"),
    ("Updated Oct 9th, 2024", "2024-10-09"),
    ("25/03/2024", "2024-03-25"),  # a part over 12 tells the order
    ("03/04/2025", "None"),  # either order could be meant: no date rather than a guess
])
def test_a_dateline_below_the_headline_gives_the_date(tmp_path: Path, dateline: str, expected: str) -> None:
    text = f"Britain sanctions deputy energy minister and drone makers\n{dateline}\n\n{BODY}"
    assert str(text_document(tmp_path, text).published_on) == expected


def test_a_site_date_above_the_headline_gives_way_to_the_dateline(tmp_path: Path) -> None:
    text = ("Wed. Oct 9th, 2024\nBritain sanctions deputy energy minister and drone makers\n\n"
            "London, 8 October 2024\n\n" + BODY)
    assert str(text_document(tmp_path, text).published_on) == "2024-10-08"


@pytest.mark.parametrize("opening, expected", [
    ("LONDON, 14 February 2025 — ", "2025-02-14"),
    ("Washington, March 3, 2025: ", "2025-03-03"),
    ("The UK today, after a review begun on 3 March 2024 - ", "None"),  # a sentence, not a dateline
])
def test_a_dateline_opening_the_first_paragraph_gives_the_date(tmp_path: Path, opening: str, expected: str) -> None:
    text = f"Britain sanctions deputy energy minister and drone makers\n\n{opening}{BODY}"
    assert str(text_document(tmp_path, text).published_on) == expected


def test_a_date_inside_the_body_is_not_a_publication_date(tmp_path: Path) -> None:
    text = BODY + "— Agency (@agency) August 15, 2023\nOn 2 September 2022 an earlier package was announced.\n"
    assert text_document(tmp_path, text).published_on is None


def test_a_date_in_the_url_path(http_server) -> None:
    base, root, _ = http_server
    (root / "2025" / "03" / "13").mkdir(parents=True)
    (root / "2025" / "03" / "13" / "story.txt").write_text(BODY)
    (root / "story-2025.txt").write_text(BODY)
    assert str(read_one(f"{base}/2025/03/13/story.txt").published_on) == "2025-03-13"
    assert read_one(f"{base}/story-2025.txt").published_on is None


def test_an_html_page_without_a_date_of_its_own_takes_its_dateline(tmp_path: Path) -> None:
    page = ARTICLE_HTML.replace('<meta property="article:published_time" content="2025-02-14T10:00:00Z">', "")
    page = page.replace("<h1>Britain sanctions three</h1>", "<h1>Britain sanctions three</h1><p>London, 3 March 2025</p>")
    path = tmp_path / "page.html"
    path.write_text(page)
    assert str(read_one(str(path)).published_on) == "2025-03-03"
