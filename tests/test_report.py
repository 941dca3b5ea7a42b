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


def write_news(folder: Path) -> Path:
    """The seed article and the injection article, in a fresh folder."""
    folder.mkdir(parents=True)
    shutil.copy(SEED_ARTICLE, folder)
    (folder / "injection.txt").write_text(INJECTION_ARTICLE, encoding="utf-8")
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


def chart_series(page: str, unit: str) -> dict[str, int]:
    """{authority: total} of one chart panel."""
    panel = re.search(rf'<g class="panel" data-unit="{unit}">(.*?)\n</g>\n<g class="(?:panel|legend-item)"', page, re.S)
    assert panel, f"no {unit} panel in the chart"
    series = re.findall(r'<g class="series" data-authority="([^"]+)" data-total="(\d+)"', panel[1])
    return {authority: int(total) for authority, total in series}


def test_the_chart_has_one_series_per_authority_in_the_data(page: str, warehouse: Path) -> None:
    assert "<svg" in page
    listed = {a for (a,) in query(warehouse, "select distinct authority from designations")}
    mentioned = {a for (a,) in query(warehouse, "select distinct authority from mentions")}
    assert set(chart_series(page, "designations")) == listed == {"UK", "UN", "EU"}
    assert set(chart_series(page, "mentions")) == mentioned
    legend = set(re.findall(r'<g class="legend-item">.*?<text [^>]*>([^<]+)</text>', page))
    assert legend == listed | mentioned


def test_the_chart_totals_match_the_warehouse(page: str, warehouse: Path) -> None:
    designations = dict(query(warehouse, "select authority, count(distinct (list_name, list_id)) from designations "
                                         "group by all"))
    mentions = dict(query(warehouse, "select authority, count(*) from mentions group by all"))
    assert chart_series(page, "designations") == designations
    assert chart_series(page, "mentions") == mentions
    bars = [int(n) for n in re.findall(r'data-count="(\d+)"', page)]
    assert sum(bars) == sum(designations.values()) + sum(mentions.values())


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


def test_the_page_needs_no_network_and_runs_no_script(page: str) -> None:
    parsed = parse(page)
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "section", "div",
                                "b", "table", "thead", "tbody", "tr", "th", "td", "svg", "g", "rect", "line", "text"}
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
    assert "No dated designations or mentions yet." in page
    assert "<svg" not in page
