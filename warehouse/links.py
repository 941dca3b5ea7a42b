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

import duckdb
import pandas as pd

from sanctrack.matching import MATCHER_VERSION, RECOMMENDED_THRESHOLD, NameIndex
from sanctrack.matching.index import name_rows
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


def compute_mention_links(con: duckdb.DuckDBPyConnection, *, threshold: float = RECOMMENDED_THRESHOLD,
                          per_mention: int = 5, documents: str | None = None) -> pd.DataFrame:
    """The rows of `mention_links` for the warehouse as it is (no writes).

    `documents`: a relation with a `document_id` column (a table, or `read_parquet(...)`): only the
    mentions of those documents are linked. None: every mention.
    """
    no_links = pd.DataFrame({c: pd.Series(dtype="object") for c in LINK_COLUMNS})
    if not con.execute("select count(*) from designations").fetchall()[0][0]:
        return no_links  # no lists loaded: nothing to link to, and no need to read the mentions
    scope = f"and m.document_id in (select document_id from {documents})" if documents else ""
    mentions = con.sql(
        f"""
        select m.mention_id, m.document_id, m.name, m.entity_type, m.authority, d.published_on,
        from mentions as m
        inner join documents as d on d.document_id = m.document_id
        where m.name is not null
            and m.entity_type in ({", ".join(f"'{t}'" for t in LINKED_ENTITY_TYPES)})
            {scope}
        order by m.mention_id
        """
    ).df()
    index = latest_designations_index(con) if len(mentions) else None  # no mentions: no index to build
    if index is None:
        return no_links
    by_version = index.rows.drop_duplicates("designation_version_id").set_index("designation_version_id")
    index.prepare(mentions["name"].astype(str))
    rows = []
    for mention in mentions.itertuples(index=False):
        candidates = index.screen(mention.name, entity_type=mention.entity_type, type_filter=False,
                                  limit=per_mention, threshold=threshold)
        for rank, cand in enumerate(candidates, start=1):
            version = by_version.loc[cand.designation_version_id]
            status = status_on(mention.published_on, version["listed_on"], version["valid_from"],
                               version["valid_to"], bool(version["is_current"]))
            evidence = dict(cand.evidence)
            evidence["mention_authority"] = mention.authority
            evidence["authority_agreement"] = "agree" if mention.authority == cand.authority else "disagree"
            evidence["document_published_on"] = _iso(mention.published_on)
            evidence["status_on_document_date"] = status
            key = "\x1f".join([mention.mention_id, cand.authority, cand.list_name, cand.list_id])
            rows.append({
                "mention_link_id": hashlib.sha256(key.encode()).hexdigest(),
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
                "document_published_on": _date(mention.published_on),
                "listed_on": _date(version["listed_on"]),
                "delisted_on": None if bool(version["is_current"]) else _date(version["valid_to"]),
                "status_on_document_date": status,
                "matcher_version": MATCHER_VERSION,
            })
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def recompute_mention_links(con: duckdb.DuckDBPyConnection, *, documents: str | None = None, **kwargs) -> int:
    """Replace the links of `mention_links` with freshly computed rows, in the caller's transaction.

    `documents`: only the links of those documents' mentions (a news run links what it extracted;
    the others' links are unchanged, since the lists are). None: the whole table (the lists or the
    matcher changed). Returns the number of links written.
    """
    links = compute_mention_links(con, documents=documents, **kwargs)
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
    log.info("mention_links: %d links recomputed%s", len(links), " for the run's documents" if documents else "")
    return len(links)


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


def _iso(value) -> str | None:
    day = _date(value)
    return None if day is None else day.isoformat()
