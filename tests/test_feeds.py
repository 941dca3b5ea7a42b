"""News feeds: items are read once, politely, from the feed's links; bad feeds are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctrack.feeds import expand_feeds, read_sources_file
from sanctrack.flows.news import run_news
from tests.helpers import query

PAGE = """<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>The UK Foreign Office on Tuesday imposed sanctions on {name}, a deputy energy minister, freezing
his assets in Britain and banning him from travelling to the United Kingdom.</p>
<p>Officials said further designations would follow against those who keep the war machine supplied,
and that the measures were coordinated with allies across Europe and North America.</p>
</article></body></html>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Sanctions news</title><id>urn:feed</id>
<updated>2025-02-14T10:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><link href="{base}/one.html"/><updated>2025-02-14T10:00:00Z</updated></entry>
<entry><title>Two</title><id>urn:2</id><link href="{base}/two.html"/><updated>2025-02-14T09:00:00Z</updated></entry>
</feed>"""

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>More</title><link>{base}</link>
<description>d</description>
<item><title>Two again</title><link>{base}/two.html</link></item>
<item><title>Three</title><link>{base}/three.html</link></item>
</channel></rss>"""


@pytest.fixture()
def feeds(http_server) -> tuple[str, str, list]:
    base, root, requests = http_server
    for page, name in (("one", "Ivan Testov"), ("two", "Petr Probov"), ("three", "Oleg Dummyov")):
        (root / f"{page}.html").write_text(PAGE.format(title=page.title(), name=name))
    (root / "news.atom").write_text(ATOM.format(base=base))
    (root / "more.rss").write_text(RSS.format(base=base))
    return f"{base}/news.atom", f"{base}/more.rss", requests


def test_feed_items_are_loaded_once(tmp_path: Path, feeds) -> None:
    atom, rss, requests = feeds
    db = tmp_path / "w.duckdb"
    first = run_news([], db, feeds=[atom, rss])
    assert first["counts"]["documents_read"] == 3
    assert sorted(name for (name,) in query(db, "select name from mentions")) == [
        "Ivan Testov", "Oleg Dummyov", "Petr Probov"]
    pages_fetched = [path for path, _ in requests if path.endswith(".html")]
    assert sorted(pages_fetched) == ["/one.html", "/three.html", "/two.html"]

    second = run_news([], db, feeds=[atom, rss])
    assert second["counts"]["feed_items_already_read"] == 4 and second["counts"]["documents_read"] == 0
    assert [path for path, _ in requests if path.endswith(".html")] == pages_fetched, "no page fetched twice"


def test_fetching_names_the_project(feeds) -> None:
    atom, _, requests = feeds
    expand_feeds([atom], set())
    assert requests and all(agent.startswith("sanctrack/") for _, agent in requests)


def test_a_broken_feed_is_named_and_the_rest_still_load(tmp_path: Path, feeds, http_server) -> None:
    atom, _, _ = feeds
    (http_server.root / "broken.rss").write_text("<html><body>not a feed</body></html>")
    result = run_news([], tmp_path / "w.duckdb", feeds=[f"{http_server.base}/broken.rss", atom,
                                                        f"{http_server.base}/gone.rss"])
    errors = {e["source"].rsplit("/", 1)[1]: e["message"] for e in result["errors"]}
    assert errors["gone.rss"] == "HTTP 404 Not Found"
    assert "not" in errors["broken.rss"] and "feed" in errors["broken.rss"]
    assert result["counts"]["documents_read"] == 2


def test_sources_file_names_the_line_of_a_bad_kind(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("# comment\nname,kind,location\nok,feed,https://example.org/a.atom\nbad,podcast,x\n")
    with pytest.raises(ValueError, match=r"sources.csv, line 3: kind 'podcast' is not one of feed, page"):
        read_sources_file(path)


def test_the_shipped_sources_file_reads(tmp_path: Path) -> None:
    from sanctrack.settings import REFERENCE_DIR

    kinds = {source.kind for source in read_sources_file(REFERENCE_DIR / "news_sources.csv")}
    assert kinds == {"feed", "page"}


def test_a_page_without_a_date_takes_its_feed_items_date(tmp_path: Path, feeds) -> None:
    atom, rss, _ = feeds
    db = tmp_path / "w.duckdb"
    run_news([], db, feeds=[atom, rss])
    dates = dict(query(db, "select title, cast(published_on as varchar) from documents"))
    assert dates == {"One": "2025-02-14", "Two": "2025-02-14", "Three": None}  # Three's RSS item has no date
