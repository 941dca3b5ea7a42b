"""The warehouse as one standalone HTML page: headline figures, charts over time by authority, tables.

The page needs no network: inline CSS and SVG charts drawn here from the data, no scripts.
Names, roles and sentences come from untrusted web pages: every value is HTML-escaped.

Every date says what it is. Designations are charted by the list's own listing date and mentions by
their article's publication date; those without one (OFAC's SDN CSV gives no listing date; many texts
state no date) are counted apart and never plotted under another date.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

import duckdb

from sanctrack.text import shorten, strip_control_characters
from sanctrack.warehouse.db import table_names

# One colour per authority, in order of appearance; enough for the four lists and a few countries.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22")
ROSATOM = re.compile(r"rosatom|rusatom|росатом", re.I)


class Markup(str):
    """HTML made here from escaped values: goes into the page as it is."""


@dataclass(frozen=True)
class Series:
    """Counts per period for each authority, and how many had no date to place them by."""

    title: str  # "Designations by listing date"
    unit: str  # "designations"
    no_date: str  # what the undated lack: "no listing date published"
    keys: list[str]  # the periods, in order ("2024-03" monthly, "2024" yearly)
    counts: dict[str, dict[str, int]]  # {authority: {period: count}}, dated only
    undated: dict[str, int]  # {authority: count} without a date

    def total(self, authority: str) -> int:
        return sum(self.counts.get(authority, {}).values()) + self.undated.get(authority, 0)

    @property
    def authorities(self) -> list[str]:
        """Largest first."""
        return sorted(set(self.counts) | set(self.undated), key=lambda a: (-self.total(a), a))


def _has(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return name in table_names(con) or name in table_names(con, "VIEW")


def _series(title: str, unit: str, no_date: str, rows: list[tuple[str, date | None, int]]) -> Series:
    """Bin (authority, date or None, count) rows by month (or year, beyond four years)."""
    dated = [day for _, day, _ in rows if day is not None]
    fmt, keys = _periods((min(dated), max(dated))) if dated else ("%Y", [])
    counts: dict[str, dict[str, int]] = {}
    undated: dict[str, int] = {}
    for authority, day, n in rows:
        if day is None:
            undated[authority] = undated.get(authority, 0) + n
        else:
            by_period = counts.setdefault(authority, {})
            by_period[day.strftime(fmt)] = by_period.get(day.strftime(fmt), 0) + n
    return Series(title, unit, no_date, keys, counts, undated)


def designations_over_time(con: duckdb.DuckDBPyConnection) -> Series:
    """Designations (each list entry once, over all its versions) by the listing date its list gives."""
    rows = []
    if _has(con, "designations"):
        rows = con.execute(
            """
            with
            designations as (
                select authority, list_name, list_id, min(listed_on) as listed_on,
                from designations
                group by authority, list_name, list_id
            )

            select authority, cast(listed_on as date) as listed_on, count(*) as n,
            from designations
            group by all
            """
        ).fetchall()
    return _series("Designations by listing date", "designations", "no listing date published", rows)


def mentions_over_time(con: duckdb.DuckDBPyConnection) -> Series:
    """Mentions by their article's publication date (from the text, the HTML metadata, the feed or the URL)."""
    rows = con.execute(
        """
        select m.authority, d.published_on, count(*) as n,
        from mentions as m
        inner join documents as d using (document_id)
        group by all
        """
    ).fetchall()
    return _series("Mentions in the news by publication date", "mentions", "no publication date found", rows)


def _periods(span: tuple[date, date]) -> tuple[str, list[str]]:
    """Monthly bins over up to four years, else yearly: the strftime format and every bin in order."""
    low, high = span
    if (high.year - low.year) * 12 + high.month - low.month < 48:
        keys, y, m = [], low.year, low.month
        while (y, m) <= (high.year, high.month):
            keys.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return "%Y-%m", keys
    return "%Y", [f"{y:04d}" for y in range(low.year, high.year + 1)]


def _esc(value: object) -> str:
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    # Control characters are stripped at load; a warehouse loaded before that still gives valid HTML.
    return html.escape(strip_control_characters(str(value)), quote=True)


def _marked(text: str, span: tuple[int, int] | None, start: int = 0, end: int | None = None) -> str:
    """text[start:end] escaped, with the span (offsets into text) in <mark>."""
    end = len(text) if end is None else end
    if span is None or not (start <= span[0] < span[1] <= end):
        return _esc(text[start:end])
    return (_esc(text[start:span[0]]) + "<mark>" + _esc(text[span[0]:span[1]]) + "</mark>"
            + _esc(text[span[1]:end]))


def long_text(text: str | None, limit: int, span: tuple[int, int] | None = None) -> Markup:
    """A value whole when it fits in `limit` characters; else shortened at word boundaries (around the span,
    when there is one) and opening to the whole text (<details>). The span is highlighted either way."""
    if not text:
        return Markup("")
    text = strip_control_characters(text)
    if len(text) <= limit:
        return Markup(_marked(text, span))
    start, end = _window(text, span, limit)
    short = ("…" if start else "") + _marked(text, span, start, end) + ("…" if end < len(text) else "")
    return Markup(f"<details><summary>{short}</summary><div class=\"whole\">{_marked(text, span)}</div></details>")


def _window(text: str, span: tuple[int, int] | None, limit: int) -> tuple[int, int]:
    """About `limit` characters of the text around the span (from the start without one), at word boundaries."""
    if span is None or not (0 <= span[0] < span[1] <= len(text)):
        span = (0, 0)
    before = max(0, min(span[0], (limit - (span[1] - span[0])) // 3))
    start = span[0] - before
    end = min(len(text), max(span[1], start + limit))
    if start > 0:  # move forward to the start of a word
        space = text.find(" ", start, span[0])
        start = space + 1 if space != -1 else start
    if end < len(text):  # move back to the end of a word
        space = text.rfind(" ", span[1], end)
        end = space if space != -1 else end
    return start, end


def _span_in_sentence(sentence: str, sentence_start: int | None, span_start: int, span_end: int) -> tuple | None:
    if sentence_start is None:
        return None
    span = (span_start - sentence_start, span_end - sentence_start)
    return span if 0 <= span[0] < span[1] <= len(sentence) else None


def _nice_top(peak: int) -> int:
    """A round axis top at or above the peak: 1, 2, 4, 5 or 10 times a power of ten."""
    if peak <= 1:
        return 1
    power = 10 ** math.floor(math.log10(peak))
    return next(f * power for f in (1, 2, 4, 5, 10) if f * power >= peak)


# The chart's geometry (pixels): label column, plot, the column saying what is undated.
CHART_WIDTH, LABEL_W, NOTE_W, ROW_H, PLOT_H = 1280, 150, 210, 54, 38


def render_chart(panel: Series, colours: dict[str, str]) -> str:
    """Small multiples: one row of bars per authority, each on its own labelled scale, over one time axis;
    beside each row, how many could not be placed on it (no date)."""
    authorities = panel.authorities
    top = 44
    height = top + len(authorities) * ROW_H + 30
    plot_x, plot_w = LABEL_W, CHART_WIDTH - LABEL_W - NOTE_W
    keys = panel.keys
    step = plot_w / max(len(keys), 1)
    bar_w = max(step * 0.8, 1.0)
    period = "month" if keys and len(keys[0]) == 7 else "year"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{CHART_WIDTH}" '
           f'height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" font-family="sans-serif" font-size="11">',
           f"<title>{_esc(panel.title)}, by authority</title>",
           f'<g class="panel" data-unit="{_esc(panel.unit)}">',
           f'<text x="0" y="16" font-size="14" font-weight="bold">{_esc(panel.title)}</text>',
           f'<text x="0" y="34" fill="#555">{_esc(panel.unit.capitalize())} per {period}; each authority on its own '
           f'scale. Without a date: counted on the right, never plotted.</text>']
    for row, authority in enumerate(authorities):
        by_period = panel.counts.get(authority, {})
        dated, undated = sum(by_period.values()), panel.undated.get(authority, 0)
        base = top + row * ROW_H + PLOT_H + 8
        peak = _nice_top(max(by_period.values(), default=0))
        out.append(f'<g class="series" data-authority="{_esc(authority)}" data-total="{dated}" '
                   f'data-undated="{undated}" fill="{colours[authority]}">')
        out.append(f'<text x="0" y="{base - PLOT_H / 2 + 4:.0f}" font-size="13" font-weight="bold" fill="#222">'
                   f'{_esc(authority)}</text>')
        out.append(f'<text x="0" y="{base - PLOT_H / 2 + 19:.0f}" fill="#555">{dated:,} dated</text>')
        out.append(f'<line x1="{plot_x}" y1="{base}" x2="{plot_x + plot_w}" y2="{base}" stroke="#999"/>')
        if dated:
            ticks = [0, peak // 2, peak] if peak % 2 == 0 and peak > 1 else [0, peak]
            for tick in ticks:
                y = base - tick / peak * PLOT_H
                if tick:
                    out.append(f'<line x1="{plot_x}" y1="{y:.1f}" x2="{plot_x + plot_w}" y2="{y:.1f}" '
                               'stroke="#eee"/>')
                out.append(f'<text class="tick" x="{plot_x - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">'
                           f"{tick:,}</text>")
        else:
            out.append(f'<text x="{plot_x + plot_w / 2:.0f}" y="{base - PLOT_H / 2 + 4:.0f}" text-anchor="middle" '
                       f'fill="#555">{_esc(panel.no_date)}: none can be placed in time</text>')
        for i, key in enumerate(keys):
            n = by_period.get(key, 0)
            if n:
                h = max(n / peak * PLOT_H, 1.0)
                out.append(f'<rect x="{plot_x + i * step:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                           f'height="{h:.1f}" data-count="{n}"><title>{_esc(authority)} {key}: {n:,} '
                           f"{_esc(panel.unit)}</title></rect>")
        note = f"{undated:,} {panel.no_date}" if undated else "every one dated"
        out.append(f'<text class="undated" x="{plot_x + plot_w + 14}" y="{base - PLOT_H / 2 + 4:.0f}" '
                   f'fill="{"#222" if undated else "#888"}">{_esc(note)}</text>')
        out.append("</g>")
    axis_y = top + len(authorities) * ROW_H + 20
    every = max(1, math.ceil(len(keys) / 14))  # about fourteen labels on the axis
    for i in range(0, len(keys), every):
        out.append(f'<text x="{plot_x + i * step + bar_w / 2:.1f}" y="{axis_y}" text-anchor="middle" '
                   f'fill="#555">{keys[i]}</text>')
    out += ["</g>", "</svg>"]
    return "\n".join(out)


def _undated_note(panel: Series) -> str:
    """The undated of a panel as a sentence: "no listing date published: 14,484 designations (US 14,484)"."""
    total = sum(panel.undated.values())
    if not total:
        return f'<p class="undated" data-unit="{_esc(panel.unit)}">Every one of the {panel.unit} has a date.</p>'
    parts = ", ".join(f"{_esc(a)} {n:,}" for a, n in sorted(panel.undated.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f'<p class="undated" data-unit="{_esc(panel.unit)}" data-undated="{total}">{_esc(panel.no_date).capitalize()}'
            f": <b>{total:,}</b> {_esc(panel.unit)} ({parts}), counted apart and not plotted.</p>")


def _table(columns: list[str], rows: list[tuple | Markup], widths: list[int] | None = None) -> str:
    """A table. A row given as Markup is a heading row across the columns (the rows below it belong to it);
    `widths` in percent of the page, one per column (the browser's otherwise)."""
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    cols = ("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>") if widths else ""
    body = "\n".join(
        f'<tr class="group"><th colspan="{len(columns)}" scope="colgroup">{row}</th></tr>' if isinstance(row, Markup)
        else "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
        for row in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(columns)}" class="none">None.</td></tr>'
    fixed = ' class="fixed"' if widths else ""
    return f"<table{fixed}>{cols}<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _html_table(caption: str, columns: list[str], rows: list[tuple | Markup], table_id: str,
                total: int | None = None, widths: list[int] | None = None) -> str:
    """A table under its heading (see _table)."""
    shown = sum(not isinstance(row, Markup) for row in rows)
    more = ""
    if total is not None and total > shown:
        more = f'<p class="more">Showing {shown:,} of {total:,}.</p>'
    return f'<section id="{table_id}"><h2>{_esc(caption)}</h2>{_table(columns, rows, widths)}{more}</section>'


def entity_section(con: duckdb.DuckDBPyConnection) -> str:
    """Entities across lists, three small tables side by side: who lists whom (all entities, then the
    Rosatom-linked ones) and how fast the lists followed the news; then a line of the median days between
    authorities listing one entity (docs/entities.md explains every number)."""
    from sanctrack.entities import figures

    tiles = []
    for caption, rosatom in (("Entities listed by one authority and not by another", False),
                             ("The same, Rosatom-linked entities", True)):
        columns, rows = figures.divergence_matrix(con, rosatom=rosatom)
        tiles.append((caption, columns, rows))
    columns, rows = figures.latency_by_authority(con)
    keep = ["authority", "published_year", "mentions", "median_days", "undated_mentions", "first_seen_only"]
    at = [columns.index(c) for c in keep]
    tiles.append(("Days from a linked news mention to the listing (medians)",
                  ["authority", "year", "mentions", "median days", "undated", "first seen only"],
                  [tuple(row[i] for i in at) for row in rows]))
    columns, rows = figures.listing_lags(con)
    lags = "; ".join(
        f"{a} to {b}: {median:+,.0f} days over {dated:,} {'entity' if dated == 1 else 'entities'}" for a, b, _, dated, median, *_ in rows if dated)
    return ('<section id="entities"><h2>Entities across lists: who lists whom, and how fast</h2><div class="tiles">'
            + "".join(f'<div class="tile"><h3>{_esc(caption)}</h3>{_table(columns, rows)}</div>'
                      for caption, columns, rows in tiles)
            + f'</div><p class="quiet">Median days between two authorities listing the same entity, where both lists '
              f'give the dates: {_esc(lags or "none")}.</p></section>')


def headline_figures(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The counts at the top of the page."""
    figures = {
        "documents": con.execute("select count(*) from documents").fetchone()[0],
        "mentions": con.execute("select count(*) from mentions").fetchone()[0],
        "rosatom_linked_mentions": con.execute("select count(*) from mentions where is_rosatom_linked").fetchone()[0],
        "quarantined_rows": con.execute("select count(*) from quarantine").fetchone()[0],
        "runs": con.execute("select count(*) from runs").fetchone()[0],
    }
    if _has(con, "designations"):
        figures["current_designations"] = con.execute(
            "select count(*) from designations where is_current").fetchone()[0]
    return figures


def _figure_label(key: str, n: int) -> str:
    """'documents' -> '1 document' when there is one ('quarantined_rows' -> 'quarantined row')."""
    label = key.replace("_", " ")
    return label[:-1] if n == 1 and label.endswith("s") else label


def _document_label(title: str | None, source_uri: str) -> Markup:
    """The document's headline; without one, where it came from (its file or the URL's last part)."""
    if title:
        return long_text(title, 120)
    name = PurePath(source_uri.split("?")[0].rstrip("/")).name or source_uri
    return Markup(f'<span class="quiet">(no headline)</span> {_esc(shorten(name, 50))}')


def _target(target: str | None, name: str | None, count: int | None) -> Markup:
    """A named target as it is written; an unnamed group by its phrase and its count."""
    if name is not None:
        return long_text(name, 56)
    size = f"group of {count:,}" if count else "group, size not given"
    return Markup(f'{long_text(target, 30)} <span class="quiet">({size})</span>')


def latest_mentions(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple | Markup]:
    """The latest mentions under a heading row per article (its headline, publication date and source)."""
    rows = con.execute(
        "select document_id, target, name, count, entity_type, role, authority, action, published_on, document_title, "
        "source_uri, sentence, sentence_start, span_start, span_end, "
        f"from mentions_enriched order by published_on desc nulls last, document_id, span_start limit {int(limit)}"
    ).fetchall()
    out: list[tuple | Markup] = []
    for i, (document_id, target, name, count, entity_type, role, authority, action, published_on, title, uri,
            sentence, sentence_start, span_start, span_end) in enumerate(rows):
        if i == 0 or rows[i - 1][0] != document_id:
            published = (f"published {_esc(published_on)}" if published_on
                         else '<span class="quiet">publication date not found</span>')
            out.append(Markup(f'<span class="doc">{_document_label(title, uri)}</span> · {published} · '
                              f'<span class="quiet">{_esc(shorten(uri, 90))}</span>'))
        kind = entity_type.replace("_", " ")
        if name is None:
            kind += f" of {count:,}" if count else ", size not given"
        out.append((long_text(target, 56), kind, long_text(role, 30), authority, action,
                    long_text(sentence, 160, _span_in_sentence(sentence, sentence_start, span_start, span_end))))
    return out


def rosatom_rows(con: duckdb.DuckDBPyConnection, limit: int) -> tuple[list[str], list[tuple], int]:
    """Rosatom-linked entries, news and lists; the evidence shortened around its Rosatom."""
    sql = ("select r.source, r.authority, coalesce(m.target, r.name) as target, r.name, m.count, r.entity_type, "
           "coalesce(r.action, r.list_id) as action_or_list_id, "
           "string_agg(distinct r.evidence_type, ', ' order by r.evidence_type) as evidence_type, "
           "min(r.evidence) as evidence, from rosatom_linked as r "
           "left join mentions_enriched as m using (mention_id) "
           "group by r.source, r.authority, r.name, m.target, m.count, r.entity_type, r.action, r.list_id, r.mention_id")
    columns = ["source", "authority", "name", "type", "action / list id", "evidence type", "evidence"]
    total = con.execute(f"select count(*) from ({sql})").fetchone()[0]
    rows = []
    for source, authority, target, name, count, entity_type, action, evidence_type, evidence in con.execute(
            f"{sql} order by 1, 2, 3 limit {int(limit)}").fetchall():
        evidence = strip_control_characters(evidence or "")
        found = ROSATOM.search(evidence)
        rows.append((source, authority, _target(target, name, count), entity_type.replace("_", " "), action,
                     evidence_type.replace("_", " "),
                     long_text(evidence, 130, found.span() if found else None)))
    return columns, rows, total


CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5em 2em; color: #222; }
h1 { font-size: 1.6em; margin: 0 0 .2em; } h2 { font-size: 1.2em; margin: 1.4em 0 .4em; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: .5em 1em; min-width: 8em; }
.figure b { display: block; font-size: 1.5em; }
svg.chart { max-width: 100%; height: auto; display: block; margin-top: 1em; }
p.undated { margin: .3em 0; }
table { border-collapse: collapse; width: 100%; font-size: .82em; line-height: 1.25; }
th, td { border-bottom: 1px solid #eee; padding: .2em .5em; text-align: left; vertical-align: top; }
table.fixed { table-layout: fixed; } td { overflow-wrap: anywhere; }
th { background: #f5f5f5; } tr.group th { background: #fafafa; font-weight: normal; padding-top: .6em; }
tr.group .doc { font-weight: bold; } td.none, p.more, .quiet { color: #777; }
details summary { cursor: pointer; } details[open] summary { color: #777; }
.tiles { display: grid; grid-template-columns: 1.2fr 1fr 1.2fr; gap: .4em 1.2em; }
h3 { font-size: .95em; margin: .5em 0 .2em; }
details .whole { padding: .3em 0 .2em; } mark { background: #fff1a8; padding: 0 .1em; }
"""


def build_report(con: duckdb.DuckDBPyConnection, limit: int = 100) -> str:
    """The whole report as one HTML page that opens without a network."""
    figures = headline_figures(con)
    panels = [designations_over_time(con), mentions_over_time(con)]
    authorities = sorted({a for panel in panels for a in panel.authorities})
    colours = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(authorities)}
    charts = [render_chart(panel, colours) + _undated_note(panel) for panel in panels if panel.authorities]
    sections = [
        '<section id="figures"><div class="figures">'
        + "".join(f'<div class="figure" data-figure="{_esc(k)}"><b>{v:,}</b>{_esc(_figure_label(k, v))}</div>'
                  for k, v in figures.items())
        + "</div></section>",
        '<section id="chart"><h2>Designations and mentions over time, by authority</h2>'
        + ("\n".join(charts) or '<p class="none">No designations or mentions yet.</p>')
        + "</section>",
    ]
    rows = con.execute(
        "select authority, action, mentions, documents, persons, organisations, vessels, unnamed_groups, "
        "rosatom_linked from mentions_by_authority_action"
    ).fetchall()
    sections.append(_html_table("Mentions by authority and action",
                                ["authority", "action", "mentions", "documents", "persons", "organisations",
                                 "vessels", "unnamed groups", "Rosatom-linked"], rows, "mentions-by-authority-action"))
    sections.append(_html_table("Latest mentions, by article", ["target", "type", "role", "authority", "action",
                                                                "sentence (the target highlighted)"],
                                latest_mentions(con, limit), "latest-mentions", figures["mentions"],
                                widths=[16, 10, 12, 6, 7, 49]))
    rows = con.execute(
        f"select flow, status, started_at, ended_at, run_id from runs order by started_at desc limit {int(limit)}"
    ).fetchall()
    sections.append(_html_table("Latest runs", ["flow", "status", "started (UTC)", "ended (UTC)", "run"], rows,
                                "latest-runs", figures["runs"]))
    if _has(con, "designation_changes"):
        rows = con.execute(
            "select authority, change_type, count(*) as n, max(published_on) from designation_changes "
            "group by all order by authority, change_type"
        ).fetchall()
        sections.append(_html_table("Designation changes", ["authority", "change", "designations",
                                                            "latest list published on"], rows, "designation-changes"))
    columns, rows, total = rosatom_rows(con, limit)
    sections.append(_html_table("Rosatom-linked entries (news and lists)", columns, rows, "rosatom-linked", total,
                                widths=[5, 6, 22, 8, 9, 10, 40]))
    if _has(con, "entity_members"):
        sections.append(entity_section(con))
    rows = con.execute(
        f"""
        select target_table, check_name, count(*) as n_rows, min(failure_case) as example,
        from quarantine
        group by target_table, check_name
        order by n_rows desc, target_table, check_name
        limit {int(limit)}
        """
    ).fetchall()
    sections.append(_html_table("Quarantine: top reasons", ["table", "check", "rows", "example failure"],
                                [(*row[:3], long_text(row[3], 100)) for row in rows], "quarantine-reasons"))
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>sanctrack report</title><style>{CSS}</style></head>\n<body>\n"
        f"<h1>sanctrack: sanctions in the news and on the lists</h1><p>Report generated {_esc(generated)}.</p>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
