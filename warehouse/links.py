"""Linking news mentions to the official designations they refer to (the `mention_links` table).

Every named mention is screened against the latest version of every designation (current ones,
and removed ones so that a delisting shows); links at or above the threshold are kept, up to
`per_mention` per mention, with their score, evidence and the designation's status on the
document's date. The same mentions and lists give identical rows, so recomputing is always safe:
a lists run (or a new matcher version) recomputes the whole table, a news run the links of the
documents it extracted.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from sanctrack.matching import MATCHER_VERSION, RECOMMENDED_THRESHOLD, NameIndex
from sanctrack.matching.index import name_rows
from sanctrack.matching.persist import link_index, lists_fingerprint
from sanctrack.warehouse.db import transaction

log = logging.getLogger(__name__)

LINKED_ENTITY_TYPES = ("person", "organisation", "vessel")
STATUSES = ("listed", "not_yet_listed", "delisted", "unknown")
LINK_COLUMNS = [
    "mention_link_id", "mention_id", "document_id", "designation_version_id", "authority", "list_name", "list_id",
    "list_ref", "primary_name", "matched_name", "score", "link_rank", "is_same_authority", "evidence",
    "document_published_on", "listed_on", "delisted_on", "status_on_document_date", "matcher_version",
]


def latest_designations_index(con: duckdb.DuckDBPyConnection) -> NameIndex | None:
    """An index over the latest version of every designation (removed ones keep their last version)."""
    designations = con.sql(
        """
        with ranked as (
            select
                *,
                row_number() over (
                    partition by authority, list_name, list_id order by valid_from desc, is_current desc
                ) as version_rank,
            from designations
        )
        select
            designation_version_id, authority, list_name, list_id, list_ref, entity_type, primary_name,
            listed_on, valid_from, valid_to, is_current,
        from ranked
        where version_rank = 1
        """
    ).df()
    if designations.empty:
        return None
    names = con.sql(
        "select designation_version_id, full_name, alias_type, name_non_latin, from designation_names"
    ).df()
    names = names[names["designation_version_id"].isin(designations["designation_version_id"])]
    return NameIndex(name_rows(designations, names, ["designation_version_id"]))


def status_on(published_on, listed_on, valid_from, valid_to, is_current: bool) -> str:
    """A designation's status on a document's date: listed, not_yet_listed, delisted or unknown.

    The listing date is the list's own; where a list gives none, the first file that carried the
    entry shows it was listed by then, and an earlier date stays unknown.
    """
    if published_on is None or pd.isna(published_on):
        return "unknown"
    day = pd.Timestamp(published_on)
    if not is_current and valid_to is not None and not pd.isna(valid_to) and pd.Timestamp(valid_to) <= day:
        return "delisted"
    if listed_on is not None and not pd.isna(listed_on):
        return "listed" if pd.Timestamp(listed_on) <= day else "not_yet_listed"
    if valid_from is not None and not pd.isna(valid_from) and pd.Timestamp(valid_from) <= day:
        return "listed"
    return "unknown"


def mentions_to_link(con: duckdb.DuckDBPyConnection, *, documents: str | None = None,
                     staged_mentions: str | None = None, staged_documents: str | None = None) -> pd.DataFrame:
    """The named mentions to link, with their document's publication date.

    From the warehouse: every mention, or those of `documents` (a relation with a `document_id`
    column: a table, or `read_parquet(...)`). Or a run's staged mentions (a Parquet glob) before they
    are merged: a document already in the warehouse keeps its stored date (the merge keeps it too),
    a new one has the date of its staged row (`staged_documents`).
    """
    types = ", ".join(f"'{t}'" for t in LINKED_ENTITY_TYPES)
    if staged_mentions is None:
        scope = f"and m.document_id in (select document_id from {documents})" if documents else ""
        return con.sql(f"""
            select m.mention_id, m.document_id, m.name, m.entity_type, m.authority, d.published_on,
            from mentions as m
            inner join documents as d on d.document_id = m.document_id
            where m.name is not null and m.entity_type in ({types}) {scope}
            order by m.mention_id
            """).df()
    new = (f"select document_id, cast(published_on as date) as published_on from read_parquet('{staged_documents}')"
           if staged_documents else "select null::varchar as document_id, null::date as published_on limit 0")
    return con.sql(f"""
        select m.mention_id, m.document_id, m.name, m.entity_type, m.authority,
            coalesce(d.published_on, s.published_on) as published_on,
        from read_parquet('{staged_mentions}') as m
        left join documents as d on d.document_id = m.document_id
        left join ({new}) as s on s.document_id = m.document_id
        where m.name is not null and m.entity_type in ({types})
        order by m.mention_id
        """).df()


def compute_mention_links(con: duckdb.DuckDBPyConnection, *, threshold: float = RECOMMENDED_THRESHOLD,
                          per_mention: int = 5, documents: str | None = None, staged_mentions: str | None = None,
                          staged_documents: str | None = None, db_path: Path | None = None) -> pd.DataFrame:
    """The rows of `mention_links` for the warehouse as it is (no writes): see mentions_to_link for
    which mentions. `db_path`: the warehouse's file, to load the saved index instead of building it."""
    if not con.execute("select count(*) from designations").fetchall()[0][0]:
        return link_rows(con, pd.DataFrame(), None)  # no lists loaded: nothing to link to, no mentions to read
    mentions = mentions_to_link(con, documents=documents, staged_mentions=staged_mentions,
                                staged_documents=staged_documents)
    if mentions.empty:  # no mentions: no index to build
        return link_rows(con, mentions, None)
    index = latest_designations_index(con) if db_path is None else link_index(con, db_path, latest_designations_index)
    return link_rows(con, mentions, index, threshold=threshold, per_mention=per_mention)


def link_rows(con: duckdb.DuckDBPyConnection, mentions: pd.DataFrame, index: NameIndex | None, *,
              threshold: float = RECOMMENDED_THRESHOLD, per_mention: int = 5) -> pd.DataFrame:
    """The links of mentions (mentions_to_link's columns) to the designations of the index.

    A name is screened once however many mentions carry it (with the same entity type): the news
    repeats names, and screening is the cost of linking. The dates of the candidates' designation
    versions are read from the warehouse.
    """
    if index is None or mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in LINK_COLUMNS})
    index.prepare(mentions["name"].astype(str).unique())
    screened = {
        (name, entity_type): index.screen(name, entity_type=entity_type, type_filter=False, limit=per_mention,
                                          threshold=threshold)
        for name, entity_type in mentions[["name", "entity_type"]].drop_duplicates().itertuples(index=False)
    }
    versions = _versions(con, {c.designation_version_id for found in screened.values() for c in found})
    rows = []
    for mention in mentions.itertuples(index=False):
        published_on = _date(mention.published_on)
        for rank, cand in enumerate(screened[(mention.name, mention.entity_type)], start=1):
            version = versions[cand.designation_version_id]
            status = status_on(published_on, version["listed_on"], version["valid_from"], version["valid_to"],
                               bool(version["is_current"]))
            evidence = dict(cand.evidence)
            evidence["mention_authority"] = mention.authority
            evidence["authority_agreement"] = "agree" if mention.authority == cand.authority else "disagree"
            evidence["document_published_on"] = None if published_on is None else published_on.isoformat()
            evidence["status_on_document_date"] = status
            key_text = "\x1f".join([mention.mention_id, cand.authority, cand.list_name, cand.list_id])
            rows.append({
                "mention_link_id": hashlib.sha256(key_text.encode()).hexdigest(),
                "mention_id": mention.mention_id,
                "document_id": mention.document_id,
                "designation_version_id": cand.designation_version_id,
                "authority": cand.authority,
                "list_name": cand.list_name,
                "list_id": cand.list_id,
                "list_ref": cand.list_ref,
                "primary_name": cand.name,
                "matched_name": cand.matched_name,
                "score": cand.score,
                "link_rank": rank,
                "is_same_authority": mention.authority == cand.authority,
                "evidence": json.dumps(evidence, sort_keys=True, ensure_ascii=False),
                "document_published_on": published_on,
                "listed_on": _date(version["listed_on"]),
                "delisted_on": None if bool(version["is_current"]) else _date(version["valid_to"]),
                "status_on_document_date": status,
                "matcher_version": MATCHER_VERSION,
            })
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def _versions(con: duckdb.DuckDBPyConnection, version_ids: set[str]) -> dict[str, dict]:
    """designation_version_id -> its listed_on, valid_from, valid_to, is_current."""
    wanted = pd.DataFrame({"designation_version_id": pd.Series(sorted(version_ids), dtype="str")})
    con.register("linked_versions", wanted)
    try:
        found = con.sql(
            "select designation_version_id, listed_on, valid_from, valid_to, is_current from designations "
            "where designation_version_id in (select designation_version_id from linked_versions)"
        ).df()
    finally:
        con.unregister("linked_versions")
    return found.set_index("designation_version_id").to_dict("index")


def recompute_mention_links(con: duckdb.DuckDBPyConnection, *, documents: str | None = None, **kwargs) -> int:
    """Replace the links of `mention_links` with freshly computed rows, in the caller's transaction.

    `documents`: only the links of those documents' mentions (a news run links what it extracted;
    the others' links are unchanged, since the lists are). None: the whole table (the lists or the
    matcher changed). Returns the number of links written.
    """
    return write_links(con, compute_mention_links(con, documents=documents, **kwargs), documents=documents)


def write_links(con: duckdb.DuckDBPyConnection, links: pd.DataFrame, *, documents: str | None = None) -> int:
    """Replace the links of `documents` (None: every link) by `links`, in the caller's transaction."""
    if documents:
        con.execute(f"delete from mention_links where document_id in (select document_id from {documents})").fetchall()
        # Links of mentions that are gone (a document re-extracted under another id) go with them.
        con.execute("delete from mention_links where mention_id not in (select mention_id from mentions)").fetchall()
    else:
        con.execute("delete from mention_links").fetchall()
    if len(links):
        con.register("new_mention_links", links)
        columns = ", ".join(LINK_COLUMNS)
        con.execute(
            f"insert into mention_links ({columns}) select {columns} from new_mention_links "
            "order by mention_id, link_rank"
        ).fetchall()
        con.unregister("new_mention_links")
    log.info("mention_links: %d links written%s", len(links), " for the run's documents" if documents else "")
    return len(links)


@dataclass(frozen=True)
class PreparedLinks:
    """Links computed from a read of the warehouse, for a later write transaction to write."""

    rows: pd.DataFrame
    documents: str | None  # the documents whose links they replace (None: every link)
    stamp: str  # what they were computed from (links_inputs, or the lists alone for a run's documents)


def prepare_links(con: duckdb.DuckDBPyConnection, db_path: Path, documents: str | None = None, *,
                  staged_mentions: str | None = None, staged_documents: str | None = None) -> PreparedLinks:
    """Compute links without writing (a read-only connection does): every link; or, with `documents`
    (a relation of document ids), the links of a run's staged mentions of those documents. The index
    is the one saved beside the warehouse `db_path` (built and saved when the lists changed)."""
    if documents is None:
        return PreparedLinks(compute_mention_links(con, db_path=Path(db_path)), None, links_inputs(con))
    rows = (compute_mention_links(con, staged_mentions=staged_mentions, staged_documents=staged_documents,
                                  db_path=Path(db_path))
            if staged_mentions else link_rows(con, pd.DataFrame(), None))
    return PreparedLinks(rows, documents, lists_fingerprint(con))


def write_prepared_links(con: duckdb.DuckDBPyConnection, prepared: PreparedLinks | None, *,
                         changed: bool = True) -> int | None:
    """Write prepared links in the caller's transaction; returns the links written, None if none were due.

    Links made by another matcher version are all computed again here. Where what the prepared links
    were computed from has changed since (a lists run committed in between), they are computed again
    here too, inside the transaction. `changed=False`: the run changed no mention, nothing to write.
    """
    whole = prepared is not None and prepared.documents is None
    if not whole and links_outdated(con):
        return recompute_mention_links(con)
    if prepared is None or not changed:
        return None
    current = links_inputs(con) if whole else lists_fingerprint(con)
    if current != prepared.stamp:
        log.warning("event=links_recomputed reason=the lists or mentions changed since the links were prepared")
        return recompute_mention_links(con, documents=prepared.documents)
    return write_links(con, prepared.rows, documents=prepared.documents)


def links_inputs(con: duckdb.DuckDBPyConnection) -> str:
    """What the links depend on, as a stamp: the lists loaded (and their current designations) and the
    mentions extracted. Links computed outside a write are written only if it has not changed since."""
    extracted = con.execute("select count(*), max(extracted_at), max(run_id) from extractions").fetchall()
    return lists_fingerprint(con) + repr(extracted)


def links_outdated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether some links were made by another version of the matcher (recompute them)."""
    rows = con.execute("select count(*) from mention_links where matcher_version <> ?", [MATCHER_VERSION]).fetchall()
    return bool(rows[0][0])


def refresh_mention_links(con: duckdb.DuckDBPyConnection, **kwargs) -> int:
    """Recompute `mention_links` in a transaction of its own (call after a news or lists load)."""
    with transaction(con):
        return recompute_mention_links(con, **kwargs)


def _date(value):
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
