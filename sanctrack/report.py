"""The warehouse as one standalone HTML page: headline figures, a chart over time by authority, tables.

The page needs no network: inline CSS and an SVG chart drawn here from the data, no scripts.
Names, roles and sentences come from untrusted web pages: every value is HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from sanctrack.text import strip_control_characters
from sanctrack.warehouse.db import table_names

# One colour per authority, in order of appearance; enough for the four lists and a few countries.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22")


@dataclass(frozen=True)
class Series:
    """Counts per period for each authority: {authority: {period: count}}."""

    title: str
    unit: str
    counts: dict[str, dict[str, int]]


def _has(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return name in table_names(con) or name in table_names(con, "VIEW")


def designations_over_time(con: duckdb.DuckDBPyConnection, period: str) -> Series:
    """Designations by the month (or year) they were listed (the first version's valid_from when undated)."""
    counts: dict[str, dict[str, int]] = {}
    if _has(con, "designations"):
        rows = con.execute(
            f"""
            with
            designations as (
                select authority, list_name, list_id, min(coalesce(listed_on, valid_from)) as listed_on,
                from designations
                group by authority, list_name, list_id
            )

            select authority, strftime(listed_on, '{period}') as period, count(*) as n,
            from designations
            group by all
            """
        ).fetchall()
        for authority, key, n in rows:
            counts.setdefault(authority, {})[key] = n
    return Series("Designations by listing date", "designations", counts)


def mentions_over_time(con: duckdb.DuckDBPyConnection, period: str) -> Series:
    """Mentions by their document's publication month (or year), else the month it was fetched."""
    rows = con.execute(
        f"""
        select m.authority, strftime(coalesce(d.published_on, cast(d.fetched_at as date)), '{period}') as period,
            count(*) as n,
        from mentions as m
        inner join documents as d using (document_id)
        group by all
        """
    ).fetchall()
    counts: dict[str, dict[str, int]] = {}
    for authority, key, n in rows:
        counts.setdefault(authority, {})[key] = n
    return Series("Mentions in the news by publication date", "mentions", counts)


def _date_span(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    news_on = "coalesce(published_on, cast(fetched_at as date))"
    parts = [f"select min({news_on}), max({news_on}) from documents"]
    if _has(con, "designations"):
        listed_on = "coalesce(listed_on, valid_from)"
        parts.append(f"select min({listed_on}), max({listed_on}) from designations")
    lows, highs = zip(*(con.execute(sql).fetchone() for sql in parts))
    lows, highs = [d for d in lows if d], [d for d in highs if d]
    return (min(lows), max(highs)) if lows else None


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
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    # Control characters are stripped at load; a warehouse loaded before that still gives valid HTML.
    return html.escape(strip_control_characters(str(value)), quote=True)


def render_chart(panels: list[Series], keys: list[str], colours: dict[str, str], width: int = 920) -> str:
    """Stacked bars per period, one panel per series, one <g class="series"> per authority, and a legend."""
    panel_h, top, left, bottom = 170, 28, 48, 34
    height = len(panels) * (panel_h + top + bottom) + 30
    plot_w = width - left - 16
    step = plot_w / max(len(keys), 1)
    bar_w = max(step * 0.8, 1.0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           "<title>Designations and mentions over time by authority</title>"]
    y0 = 0
    for panel in panels:
        totals = {k: sum(by.get(k, 0) for by in panel.counts.values()) for k in keys}
        peak = max(totals.values(), default=0) or 1
        base = y0 + top + panel_h
        out.append(f'<g class="panel" data-unit="{_esc(panel.unit)}">')
        out.append(f'<text x="{left}" y="{y0 + 18}" font-size="13" font-weight="bold">{_esc(panel.title)}</text>')
        out.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#999"/>')
        out.append(f'<text x="{left - 6}" y="{base - panel_h + 4}" text-anchor="end">{peak}</text>')
        out.append(f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>')
        stacked = dict.fromkeys(keys, 0)
        for authority in sorted(panel.counts):
            by_period = panel.counts[authority]
            out.append(f'<g class="series" data-authority="{_esc(authority)}" '
                       f'data-total="{sum(by_period.values())}" fill="{colours[authority]}">')
            for i, key in enumerate(keys):
                n = by_period.get(key, 0)
                if not n:
                    continue
                h = n / peak * panel_h
                y = base - (stacked[key] + n) / peak * panel_h
                stacked[key] += n
                out.append(f'<rect x="{left + i * step:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                           f'data-count="{n}"><title>{_esc(authority)} {key}: {n} {_esc(panel.unit)}</title></rect>')
            out.append("</g>")
        every = max(1, round(len(keys) / 12))  # about twelve labels on the axis
        for i in range(0, len(keys), every):
            out.append(f'<text x="{left + i * step + bar_w / 2:.1f}" y="{base + 14}" '
                       f'text-anchor="middle">{keys[i]}</text>')
        out.append("</g>")
        y0 += panel_h + top + bottom
    x = left
    for authority, colour in colours.items():
        out.append(f'<g class="legend-item"><rect x="{x}" y="{y0 + 6}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="{y0 + 16}">{_esc(authority)}</text></g>')
        x += 24 + 7 * len(authority)
    out.append("</svg>")
    return "\n".join(out)


def _html_table(caption: str, columns: list[str], rows: list[tuple], table_id: str, total: int | None = None) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    body = "\n".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in rows)
    more = ""
    if total is not None and total > len(rows):
        more = f'<p class="more">Showing {len(rows):,} of {total:,}.</p>'
    if not rows:
        body = f'<tr><td colspan="{len(columns)}" class="none">None.</td></tr>'
    return (f'<section id="{table_id}"><h2>{_esc(caption)}</h2><table><thead><tr>{head}</tr></thead>'
            f"<tbody>\n{body}\n</tbody></table>{more}</section>")


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


CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; min-width: 8em; }
.figure b { display: block; font-size: 1.6em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { border-bottom: 1px solid #eee; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.none, p.more { color: #777; }
"""


def build_report(con: duckdb.DuckDBPyConnection, limit: int = 100) -> str:
    """The whole report as one HTML page that opens without a network."""
    figures = headline_figures(con)
    span = _date_span(con)
    fmt, keys = _periods(span) if span else ("%Y-%m", [])
    panels = [designations_over_time(con, fmt), mentions_over_time(con, fmt)]
    authorities = sorted({a for panel in panels for a in panel.counts})
    colours = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(authorities)}
    sections = [
        '<section id="figures"><div class="figures">'
        + "".join(f'<div class="figure" data-figure="{_esc(k)}"><b>{v:,}</b>{_esc(k.replace("_", " "))}</div>'
                  for k, v in figures.items())
        + "</div></section>",
        '<section id="chart"><h2>Designations and mentions over time, by authority</h2>'
        + (render_chart(panels, keys, colours) if keys
           else '<p class="none">No dated designations or mentions yet.</p>')
        + "</section>",
    ]
    rows = con.execute(
        "select authority, action, mentions, documents, persons, organisations, vessels, unnamed_groups, "
        "rosatom_linked from mentions_by_authority_action"
    ).fetchall()
    sections.append(_html_table("Mentions by authority and action",
                                ["authority", "action", "mentions", "documents", "persons", "organisations",
                                 "vessels", "unnamed groups", "Rosatom-linked"], rows, "mentions-by-authority-action"))
    rows = con.execute(
        "select name, entity_type, role, authority, action, published_on, document_title, sentence, "
        f"from mentions_enriched order by published_on desc nulls last, document_id, span_start limit {int(limit)}"
    ).fetchall()
    sections.append(_html_table("Latest mentions", ["name", "type", "role", "authority", "action", "published",
                                                    "document", "sentence"], rows, "latest-mentions",
                                figures["mentions"]))
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
                                                            "latest list date"], rows, "designation-changes"))
    if _has(con, "rosatom_linked"):
        sql = ("select source, authority, name, entity_type, coalesce(action, list_id) as action_or_list_id, "
               "string_agg(distinct evidence_type, ', ' order by evidence_type) as evidence_type, "
               "min(evidence) as evidence, from rosatom_linked "
               "group by source, authority, name, entity_type, action, list_id, mention_id")
        total = con.execute(f"select count(*) from ({sql})").fetchone()[0]
        rows = con.execute(f"{sql} order by source, authority, name limit {int(limit)}").fetchall()
        columns = ["source", "authority", "name", "type", "action / list id", "evidence type", "evidence"]
    else:
        sql = "select 'news', authority, name, entity_type, action, sentence from rosatom_linked_mentions"
        total = con.execute(f"select count(*) from ({sql})").fetchone()[0]
        rows = con.execute(f"{sql} limit {int(limit)}").fetchall()
        columns = ["source", "authority", "name", "type", "action", "sentence"]
    sections.append(_html_table("Rosatom-linked entries (news and lists)", columns, rows, "rosatom-linked", total))
    rows = con.execute(
        f"""
        select target_table, check_name, count(*) as n_rows, min(failure_case) as example,
        from quarantine
        group by target_table, check_name
        order by n_rows desc, target_table, check_name
        limit {int(limit)}
        """
    ).fetchall()
    sections.append(_html_table("Quarantine: top reasons", ["table", "check", "rows", "example failure"], rows,
                                "quarantine-reasons"))
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>sanctrack report</title><style>{CSS}</style></head>\n<body>\n"
        f"<h1>sanctrack: sanctions in the news and on the lists</h1><p>Generated {_esc(generated)}.</p>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
