"""What a flow run changed, from the warehouse: the figures, their Markdown, and the Prefect artifact.

Names, roles and sentences come from untrusted web pages, and Prefect's UI renders the Markdown
(and the HTML inside it): every value from the data is escaped before it reaches the Markdown.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from uuid import UUID

import duckdb

from sanctrack.settings import load_settings
from sanctrack.warehouse.db import connect, table_names

# Characters with a meaning in (GitHub-flavoured) Markdown; `<`, `>` and `&` are HTML-escaped first.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()#+\-!|~])")


@dataclass
class RunSummary:
    """The "what changed" figures of one run."""

    run_id: str
    flow: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    mentions_by_authority_action: list[tuple[str, str, int]] = field(default_factory=list)
    designation_changes: list[tuple[str, str, int]] = field(default_factory=list)  # authority, change type, n
    # target (the name, or an unnamed group's phrase), authority, action, sentence
    rosatom_mentions: list[tuple[str, str, str, str]] = field(default_factory=list)
    # authority, list id, name, evidence types
    rosatom_designations: list[tuple[str, str, str, str]] = field(default_factory=list)
    quarantined: int = 0  # rows this run quarantined (counted again when already known)
    quarantine_reasons: list[tuple[str, str, int]] = field(default_factory=list)  # table, check, rows first met here
    errors: list[dict] = field(default_factory=list)

    @property
    def new_mentions(self) -> int:
        return sum(n for _, _, n in self.mentions_by_authority_action)


def summarize_run(con: duckdb.DuckDBPyConnection, run_id: str, top_reasons: int = 5) -> RunSummary:
    """The figures of one run: new mentions, designation changes, new Rosatom-linked entries, quarantine."""
    row = con.execute(
        "select flow, status, started_at, ended_at, counts, errors from runs where run_id = ?", [run_id]
    ).fetchone()
    if row is None:
        raise LookupError(f"no run {run_id} in the warehouse")
    flow, status, started_at, ended_at, counts, errors = row
    counts = json.loads(counts) if counts else {}
    summary = RunSummary(run_id, flow, status, started_at, ended_at, errors=json.loads(errors) if errors else [])
    summary.quarantined = int(counts.get("quarantined", 0))
    summary.mentions_by_authority_action = con.execute(
        """
        select authority, action, count(*) as mentions,
        from mentions
        where run_id = ?
        group by authority, action
        order by authority, action
        """,
        [run_id],
    ).fetchall()
    summary.rosatom_mentions = con.execute(
        """
        select target, authority, action, sentence,
        from mentions_enriched
        where run_id = ? and is_rosatom_linked
        order by document_id, span_start
        """,
        [run_id],
    ).fetchall()
    summary.quarantine_reasons = con.execute(
        f"""
        select target_table, check_name, count(*) as n_rows,
        from quarantine
        where run_id = ?
        group by target_table, check_name
        order by n_rows desc, target_table, check_name
        limit {int(top_reasons)}
        """,
        [run_id],
    ).fetchall()
    tables = set(table_names(con))
    if "designation_changes" in tables:  # the lists tables arrive with migration 002
        summary.designation_changes = con.execute(
            """
            select authority, change_type, count(*) as n_changes,
            from designation_changes
            where run_id = ?
            group by authority, change_type
            order by authority, change_type
            """,
            [run_id],
        ).fetchall()
    if "rosatom_linked" in table_names(con, "VIEW"):
        summary.rosatom_designations = con.execute(
            """
            with
            added as (
                select authority, list_name, list_id from designation_changes
                where run_id = ? and change_type = 'added'
            ),

            final as (
                select
                    r.authority,
                    r.list_id,
                    r.name,
                    string_agg(distinct r.evidence_type, ', ' order by r.evidence_type) as evidence_types,
                from rosatom_linked as r
                inner join added as a using (authority, list_name, list_id)
                where r.source = 'list'
                group by r.authority, r.list_id, r.name
            )

            select * from final order by authority, name
            """,
            [run_id],
        ).fetchall()
    return summary


def escape_markdown(value: object) -> str:
    """A value from the data as Markdown text that renders literally: no HTML, no links, no emphasis."""
    if value is None:
        return ""
    text = " ".join(str(value).split())  # a newline would end a table row
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _minute(when: datetime | None) -> str | None:
    return when.strftime("%Y-%m-%d %H:%M:%S") if when else None


def _table(header: list[str], rows: list[tuple]) -> list[str]:
    """A Markdown table of escaped values; no lines at all when there are no rows."""
    if not rows:
        return []
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(escape_markdown(v) for v in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(summary: RunSummary, limit: int = 50) -> str:
    """The run summary as Markdown; every value taken from the data is escaped."""
    s = summary
    added = sum(n for _, kind, n in s.designation_changes if kind == "added")
    amended = sum(n for _, kind, n in s.designation_changes if kind == "amended")
    removed = sum(n for _, kind, n in s.designation_changes if kind == "removed")
    lines = [
        f"# What changed: {escape_markdown(s.flow)} run {escape_markdown(s.run_id)}",
        "",
        f"Status **{escape_markdown(s.status)}**, started {escape_markdown(_minute(s.started_at))} UTC, "
        f"ended {escape_markdown(_minute(s.ended_at))} UTC.",
        "",
        f"- New mentions: **{s.new_mentions}**",
        f"- Designations added **{added}**, amended **{amended}**, removed **{removed}**",
        f"- New Rosatom-linked entries: **{len(s.rosatom_mentions)}** mentions, "
        f"**{len(s.rosatom_designations)}** designations",
        f"- Rows quarantined: **{s.quarantined}**",
        f"- Sources that failed: **{len(s.errors)}**",
        "",
        "## New mentions by authority and action",
        "",
    ]
    lines += _table(["authority", "action", "mentions"], s.mentions_by_authority_action) or ["None.", ""]
    lines += ["## Designation changes", ""]
    lines += _table(["authority", "change", "designations"], s.designation_changes) or ["None.", ""]
    lines += ["## New Rosatom-linked entries", ""]
    if s.rosatom_mentions:
        lines += _table(["target", "authority", "action", "sentence"], s.rosatom_mentions[:limit])
    if s.rosatom_designations:
        lines += _table(["authority", "list id", "name", "evidence"], s.rosatom_designations[:limit])
    if not (s.rosatom_mentions or s.rosatom_designations):
        lines += ["None.", ""]
    lines += ["## Quarantine: top reasons", ""]
    lines += _table(["table", "check", "rows"], s.quarantine_reasons) or ["None.", ""]
    if s.errors:
        lines += ["## Sources that failed", ""]
        lines += _table(["source", "message"], [(e.get("source"), e.get("message")) for e in s.errors[:limit]])
    return "\n".join(lines)


def artifact_key(flow: str) -> str:
    """Prefect artifact keys are lower-case letters, digits and dashes; one key per flow keeps a history."""
    return re.sub(r"[^a-z0-9-]+", "-", f"sanctrack-{flow}-run-summary".lower()).strip("-")


def publish_run_artifact(con: duckdb.DuckDBPyConnection, run_id: str) -> UUID:
    """Publish the run's summary as a Prefect Markdown artifact (call it inside the flow run)."""
    from prefect.artifacts import create_markdown_artifact

    summary = summarize_run(con, run_id)
    return create_markdown_artifact(
        key=artifact_key(summary.flow),
        markdown=render_markdown(summary),
        description=f"What the {summary.flow} run {run_id} changed in the warehouse",
    )


def publish_run_artifact_from(db_path: Path | str, run_id: str) -> UUID:
    """publish_run_artifact on the warehouse file, opened read-only (after the run's writer has closed it;
    waiting, like any reader, for another run's commit)."""
    con = connect(db_path, read_only=True, wait=load_settings().lock_wait_s)
    try:
        return publish_run_artifact(con, run_id)
    finally:
        con.close()
