"""The HTML report: standalone, a chart per authority, figures that match the warehouse, untrusted text as text."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctrack.cli import main
from sanctrack.flows.lists import run_lists
from sanctrack.flows.news import run_news
from sanctrack.report import build_report
from sanctrack.warehouse.db import connect
from tests.conftest import SEED_ARTICLE
from tests.helpers import query

LISTS = Path(__file__).parent / "fixtures" / "lists"

# Names, roles, titles and sentences come from untrusted pages: this one carries HTML and Markdown.
INJECTION_ARTICLE = """UK sanctions <script>alert('title')</script> officials

Published 3 March 2025

The UK imposed sanctions on Ivan Petrov, deputy minister of **energy** | `code`.
The UK also imposed sanctions on Oleg **Bold** Sidorov, a [link](javascript:alert(2)) director at \
<img src=x onerror=alert(3)> <script>alert(1)</script> Rosatom.
"""
INJECTED_SENTENCE = ("The UK also imposed sanctions on Oleg **Bold** Sidorov, a [link](javascript:alert(2)) "
                     "director at <img src=x onerror=alert(3)> <script>alert(1)</script> Rosatom.")
INJECTED_ROLE = "deputy minister of **energy** | `code`"


# An article that states no date: its mention is counted apart in the chart, never placed in time.
UNDATED_ARTICLE = """UK sanctions drone maker chief

The UK imposed sanctions on Petr Dronov, the head of a drone maker supplying the Russian army.
"""


def write_news(folder: Path) -> Path:
    """The seed article, the injection article and an undated article, in a fresh folder."""
    folder.mkdir(parents=True)
    shutil.copy(SEED_ARTICLE, folder)
    (folder / "injection.txt").write_text(INJECTION_ARTICLE, encoding="utf-8")
    (folder / "undated.txt").write_text(UNDATED_ARTICLE, encoding="utf-8")
    return folder


def build_warehouse(root: Path) -> tuple[Path, dict, dict]:
    """Three five-row official lists and two articles, loaded without Prefect: (db, lists run, news run)."""
    db = root / "w.duckdb"
    lists_run = run_lists([str(LISTS / name) for name in ("uk_conlist_5rows.csv", "un_5.xml", "eu_fsf_5.xml")], db)
    news_run = run_news([str(write_news(root / "news"))], db)
    assert lists_run["status"] == news_run["status"] == "succeeded"
    return db, lists_run, news_run


class _Page(HTMLParser):
    """The tags, attributes and visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("report"))[0]


@pytest.fixture(scope="module")
def page(warehouse: Path) -> str:
    con = connect(warehouse, read_only=True)
    try:
        return build_report(con)
    finally:
        con.close()


def chart_series(page: str, unit: str) -> dict[str, tuple[int, int]]:
    """{authority: (dated, undated)} of one chart panel."""
    panel = re.search(rf'<g class="panel" data-unit="{unit}">(.*?)</svg>', page, re.S)
    assert panel, f"no {unit} panel in the chart"
    series = re.findall(r'<g class="series" data-authority="([^"]+)" data-total="(\d+)" data-undated="(\d+)"',
                        panel[1])
    return {authority: (int(dated), int(undated)) for authority, dated, undated in series}


def test_the_chart_has_one_row_per_authority_in_the_data(page: str, warehouse: Path) -> None:
    assert "<svg" in page
    listed = {a for (a,) in query(warehouse, "select distinct authority from designations")}
    mentioned = {a for (a,) in query(warehouse, "select distinct authority from mentions")}
    assert set(chart_series(page, "designations")) == listed == {"UK", "UN", "EU"}
    assert set(chart_series(page, "mentions")) == mentioned


def test_the_chart_totals_match_the_warehouse(page: str, warehouse: Path) -> None:
    designations = dict(query(warehouse, "select authority, count(distinct (list_name, list_id)) from designations "
                                         "group by all"))
    dated = dict(query(warehouse, "select m.authority, count(*) from mentions as m join documents as d "
                                  "using (document_id) where d.published_on is not null group by all"))
    undated = dict(query(warehouse, "select m.authority, count(*) from mentions as m join documents as d "
                                    "using (document_id) where d.published_on is null group by all"))
    assert undated == {"UK": 1}  # Petr Dronov, in the article that states no date
    assert chart_series(page, "designations") == {a: (n, 0) for a, n in designations.items()}
    assert chart_series(page, "mentions") == {a: (dated.get(a, 0), undated.get(a, 0)) for a in dated | undated}
    bars = [int(n) for n in re.findall(r'data-count="(\d+)"', page)]
    assert sum(bars) == sum(designations.values()) + sum(dated.values())  # the undated mention has no bar
    assert "No publication date found: <b>1</b> mentions (UK 1), counted apart and not plotted." in page


def test_designations_without_a_listing_date_are_counted_apart(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    run_lists([str(LISTS / "ofac_set"), str(LISTS / "un_5.xml")], db)  # OFAC's CSV gives no listing date
    con = connect(db, read_only=True)
    try:
        page = build_report(con)
    finally:
        con.close()
    us = query(db, "select count(distinct list_id) from designations where authority = 'US'")[0][0]
    assert chart_series(page, "designations") == {"US": (0, us), "UN": (5, 0)}
    us_row = re.search(r'data-authority="US".*?</g>', page, re.S)[0]
    assert "<rect" not in us_row and f"{us:,} no listing date published" in us_row
    assert f"No listing date published: <b>{us:,}</b> designations (US {us:,})" in page


def test_the_axis_ticks_are_labelled_with_thousands_separators() -> None:
    from sanctrack.report import Series, render_chart

    panel = Series("Designations by listing date", "designations", "no listing date published", ["2024", "2025"],
                   {"US": {"2024": 9162, "2025": 120}}, {"US": 14484})
    svg = render_chart(panel, {"US": "#000"})
    assert re.findall(r'<text class="tick"[^>]*>([\d,]+)</text>', svg) == ["0", "5,000", "10,000"]
    assert "14,484 no listing date published" in svg


def test_the_headline_figures_match_the_warehouse(page: str, warehouse: Path) -> None:
    figures = {k: int(v.replace(",", "")) for k, v in re.findall(r'data-figure="([a-z_]+)"><b>([\d,]+)</b>', page)}
    assert figures["current_designations"] == 12  # three UK, five UN, four EU
    assert figures == {
        "documents": query(warehouse, "select count(*) from documents")[0][0],
        "mentions": query(warehouse, "select count(*) from mentions")[0][0],
        "rosatom_linked_mentions": query(warehouse, "select count(*) from mentions where is_rosatom_linked")[0][0],
        "quarantined_rows": query(warehouse, "select count(*) from quarantine")[0][0],
        "runs": 2,
        "current_designations": query(warehouse, "select count(*) from designations where is_current")[0][0],
    }


def test_a_headline_figure_of_one_reads_in_the_singular(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("The UK has sanctioned Ivan Testov, a deputy minister.\n", encoding="utf-8")
    run_news([str(news)], db)
    con = connect(db, read_only=True)
    try:
        page = build_report(con)
    finally:
        con.close()
    labels = dict(re.findall(r'data-figure="([a-z_]+)"><b>[\d,]+</b>([^<]*)</div>', page))
    assert labels["documents"] == "document" and labels["runs"] == "run" and labels["mentions"] == "mention"
    assert labels["quarantined_rows"] == "quarantined rows"  # none


def test_the_tables_match_the_warehouse(page: str, warehouse: Path) -> None:
    section = re.search(r'<section id="mentions-by-authority-action">(.*?)</section>', page, re.S)[1]
    cells = [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(<td>.*?)</tr>", section)]
    expected = query(warehouse, "select authority, action, mentions, documents from mentions_by_authority_action")
    assert [(a, b, int(c), int(d)) for a, b, c, d, *_ in cells] == expected
    changes = re.search(r'<section id="designation-changes">(.*?)</section>', page, re.S)[1]
    added = re.findall(r"<tr><td>(\w+)</td><td>added</td><td>(\d+)</td>", changes)
    assert added == [("EU", "4"), ("UK", "3"), ("UN", "5")]
    rosatom = re.search(r'<section id="rosatom-linked">(.*?)</section>', page, re.S)[1]
    assert "ROSATOM ADDITIVE TECHNOLOGIES" in rosatom and "<td>news</td>" in rosatom and "<td>list</td>" in rosatom


def test_latest_mentions_sit_under_their_articles_headline_and_date(page: str) -> None:
    section = re.search(r'<section id="latest-mentions">(.*?)</section>', page, re.S)[1]
    headings = re.findall(r'<tr class="group"><th colspan="6" scope="colgroup">(.*?)</th></tr>', section)
    assert len(headings) == 3
    seed = next(h for h in headings if "news_2025-02-14" in h)
    assert seed.startswith('<span class="doc">Keir Starmer reaffirms UK') and "published 2025-02-14" in seed
    undated = next(h for h in headings if "undated.txt" in h)
    assert "UK sanctions drone maker chief" in undated and "publication date not found" in undated


def test_a_long_sentence_opens_to_the_whole_and_marks_the_target(page: str, warehouse: Path) -> None:
    (sentence,) = query(warehouse, "select sentence from mentions where name = 'Vladimir Selin'")[0]
    assert len(sentence) > 160
    cell = next(c for c in re.findall(r"<td>(<details>.*?</details>)</td>", page) if "Vladimir Selin</mark>" in c)
    summary, whole = re.fullmatch(r'<details><summary>(.*?)</summary><div class="whole">(.*?)</div></details>',
                                  cell).groups()
    shown = re.sub(r"</?mark>", "", summary)
    assert len(shown) <= 162 and shown.startswith("…")
    assert all(word in sentence.split() for word in shown.strip("…").split()), "cut at word boundaries"
    assert re.sub(r"</?mark>", "", whole) == sentence


def test_an_unnamed_group_shows_its_phrase_and_count(page: str) -> None:
    section = re.search(r'<section id="latest-mentions">(.*?)</section>', page, re.S)[1]
    row = re.search(r"<tr><td>[^\n]*<td>unnamed group of 2</td>.*?</tr>", section)[0].replace("&#x27;", "'")
    assert "<details><summary>two organizations linked to Russia's nuclear energy…</summary>" in row
    assert "<div class=\"whole\">two organizations linked to Russia's nuclear energy sector, Rosatom</div>" in row


@pytest.mark.parametrize("text, limit, expected", [
    ("Rosatom-linked organisations step up", 20, "Rosatom-linked…"),
    ("short", 20, "short"),
    ("territorial integrity, sovereignty", 24, "territorial integrity…"),
    ("4490b6a1b1494cfaa5ae5bb", 8, "4490b6a…"),  # one long word: cut where it must be
])
def test_shorten_cuts_at_word_boundaries(text: str, limit: int, expected: str) -> None:
    from sanctrack.text import shorten

    assert shorten(text, limit) == expected and len(shorten(text, limit)) <= limit


def test_the_page_needs_no_network_and_runs_no_script(page: str) -> None:
    parsed = parse(page)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "section", "div",
                                "b", "span", "mark", "details", "summary", "table", "colgroup", "col", "thead",
                                "tbody", "tr", "th", "td", "svg", "g", "rect", "line", "text"}
    names = {name for name, _ in parsed.attributes}
    assert not names & {"src", "href", "xlink:href", "srcset", "action"}
    assert not any(name.startswith("on") for name in names)
    assert "url(" not in page and "@import" not in page


def test_injected_html_and_markdown_show_as_text(page: str) -> None:
    assert "<script" not in page and "<img" not in page
    text = "".join(parse(page).text)
    assert INJECTED_SENTENCE in text  # visible, character for character
    assert INJECTED_ROLE in text
    assert "UK sanctions <script>alert('title')</script> officials" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_command_writes_a_standalone_page(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(main, ["--db", str(warehouse), "report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"report: {out.resolve()}" in result.output


def test_report_of_an_empty_warehouse_says_there_is_nothing_yet(tmp_path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    try:
        page = build_report(con)
    finally:
        con.close()
    assert "No designations or mentions yet." in page
    assert "<svg" not in page


# --- the report of a real warehouse, rendered by a real browser ----------------------------------

SECTIONS = ["figures", "chart", "mentions-by-authority-action", "latest-mentions", "latest-runs",
            "designation-changes", "rosatom-linked", "entities", "quarantine-reasons"]
# What the page measures, read by DevTools once the page has laid out.
MEASURE = """({
  width: document.documentElement.scrollWidth,
  sections: Object.fromEntries([...document.querySelectorAll("section")].map(s => [s.id, {
    height: Math.round(s.getBoundingClientRect().height),
    rows: s.querySelectorAll("tbody tr:not(.group)").length,
    text: s.innerText}])),
  charts: [...document.querySelectorAll("svg.chart")].map(c => Math.round(c.getBoundingClientRect().width)),
  plotted: Object.fromEntries([...document.querySelectorAll('g.panel[data-unit="designations"] g.series')].map(g =>
    [g.dataset.authority, [...g.querySelectorAll("rect")].reduce((n, r) => n + Number(r.dataset.count), 0)])),
})"""
SCREENSHOT = Path(__file__).resolve().parents[1] / "bench" / "out" / "report-1400.png"


def test_the_report_of_every_list_and_the_dev_texts_reads_in_a_browser(full_warehouse: Path, tmp_path: Path) -> None:
    from tests.browser import find_chromium, render

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium (Debian: apt-get install chromium; or set SANCTRACK_CHROMIUM): the report's "
                    "rendering in a browser is not checked here")
    con = connect(full_warehouse, read_only=True)
    try:
        page = tmp_path / "report.html"
        page.write_text(build_report(con), encoding="utf-8")
        mentions = con.execute("select count(*) from mentions").fetchone()[0]
        entries = con.execute(
            "select authority, count(*) filter (where listed_on is not null), count(*) filter (where listed_on is null) "
            "from (select authority, min(listed_on) as listed_on from designations group by authority, list_name, "
            "list_id) group by all").fetchall()
    finally:
        con.close()
    rendered = render(page, 1400, MEASURE, chromium)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.write_bytes(rendered.png)  # for a person to look at (bench/out/, not kept in git)
    measures = rendered.measures
    assert rendered.height < 8000, f"the page is {rendered.height} px tall at 1400 px wide"
    assert measures["width"] <= 1400, "nothing overflows the width"
    assert list(measures["sections"]) == SECTIONS
    assert all(section["height"] > 40 for section in measures["sections"].values()), measures["sections"]
    assert measures["sections"]["latest-mentions"]["rows"] == min(mentions, 100)
    assert measures["sections"]["rosatom-linked"]["rows"] > 30
    assert len(measures["charts"]) == 2 and min(measures["charts"]) > 1000
    # Only entries with a listing date have bars; OFAC's SDN CSV and sdnList XML give none: counted apart.
    assert measures["plotted"] == {authority: dated for authority, dated, _ in entries}
    undated = {authority: n for authority, _, n in entries if n}
    assert set(undated) == {"US"}
    chart = measures["sections"]["chart"]["text"]
    assert f"No listing date published: {undated['US']:,} designations (US {undated['US']:,})" in chart
    assert "No publication date found:" in chart
