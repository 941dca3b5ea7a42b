"""Loading a validated list version into the warehouse with SCD-2 history and a change feed.

Runs inside the caller's transaction: a refused or failing load leaves the warehouse as it was.
A designation version is keyed by (authority, list_name, list_id, content_hash): an unchanged entry
keeps its version, an amended one is closed (valid_to, is_current false) and a new version opened,
a removed one is closed. Versions are loaded in publication order only (an older file is refused,
--force or not), a delta file only on top of the version it follows, and after every load the
list's history is checked: no inverted or overlapping versions, one current version per entry.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from sanctrack.lists.model import CHILD_TABLES, DESIGNATION_COLUMNS, KEY, POSITIONAL_COLUMNS, ParsedList, in_values
from sanctrack.text import list_title
from sanctrack.warehouse.quarantine import insert_quarantine
from sanctrack.warehouse.runs import Run, utcnow

log = logging.getLogger(__name__)

DEFAULT_MAX_SHRINK = 0.20
CHILD_TARGETS = {name: f"designation_{name}" for name in CHILD_TABLES}
# The designation facts compared to say what changed in an amendment (provenance columns excluded).
FACT_COLUMNS = [c for c in DESIGNATION_COLUMNS if c not in ("authority", "list_name", "list_id", "source_position")]


class ListLoadRefused(Exception):
    """A list version that is not loaded: older than the loaded one, a delta that does not follow it,
    or (unless --force) a large shrink."""


class ListIntegrityError(Exception):
    """The warehouse would break a key or an accepted-values rule after a load: the load is rolled back."""


@dataclass(frozen=True)
class ListLoadResult:
    """What one list version did to the warehouse."""

    authority: str
    list_name: str
    status: str  # loaded, unchanged
    designations: int
    added: int
    amended: int
    removed: int
    quarantined: int


def loaded_version(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, str] | None:
    """(authority, list_name) of an already loaded file with this sha256, if any."""
    rows = con.execute("select authority, list_name from list_versions where sha256 = ? limit 1", [sha256]).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def version_ids(parsed: ParsedList, list_ids: pd.Series, hashes: pd.Series, run_id: str) -> pd.Series:
    """Version ids: sha256 of authority, list name, list id, content hash and run."""
    prefix = f"{parsed.authority}\x1f{parsed.list_name}\x1f"
    keys = prefix + list_ids.astype("str") + "\x1f" + hashes.astype("str") + f"\x1f{run_id}"
    return keys.map(lambda k: hashlib.sha256(k.encode()).hexdigest())


def latest_version(con: duckdb.DuckDBPyConnection, parsed: ParsedList) -> tuple[date | None, bool]:
    """The publication date of the list's latest loaded version, and whether a full version is loaded."""
    latest, fulls = con.execute(
        "select max(published_on), count(*) filter (where kind = 'full') from list_versions "
        "where authority = ? and list_name = ?",
        [parsed.authority, parsed.list_name],
    ).fetchall()[0]
    return latest, bool(fulls)


def guard_order(con: duckdb.DuckDBPyConnection, parsed: ParsedList, valid_from: date) -> None:
    """History only moves forward: refuse a version older than the list's latest one, whatever --force says.

    A full list of the same date as the latest is accepted (the CSV after the XML of one day: the later
    load wins the day, the replaced version keeps an empty interval). A delta must be later than the
    version it applies to, and needs a full version loaded first. Back-filling history with an older
    file is not supported: it would rewrite the versions after it.
    """
    latest, has_full = latest_version(con, parsed)
    what = list_title(parsed.authority, parsed.list_name)
    if parsed.kind == "delta":
        if not has_full:
            raise ListLoadRefused(f"{what}: a delta file of {valid_from} applies on top of a full list, and none "
                                  "is loaded: load the full list first")
        if valid_from <= latest:
            raise ListLoadRefused(f"{what}: a delta file of {valid_from}, not after the loaded version of {latest}: "
                                  "refused (deltas apply in date order, each on the version before it)")
        return
    if latest is not None and valid_from < latest:
        raise ListLoadRefused(
            f"{what} of {valid_from} is older than the loaded version of {latest}: refused, with or without --force "
            "(history only moves forward; sanctrack does not back-fill: to keep older versions, load the files "
            "oldest first into a new warehouse)")


def guard_against_shrink(parsed: ParsedList, current: int, max_shrink: float, force: bool) -> None:
    """Refuse a version with more than `max_shrink` fewer designations than the loaded one (unless forced)."""
    new = len(parsed.designations)
    if current and new < current * (1 - max_shrink):
        message = (f"{list_title(parsed.authority, parsed.list_name)} has {new:,} designations against "
                   f"{current:,} loaded ({(current - new) / current:.0%} fewer, more than the {max_shrink:.0%} allowed): "
                   "refused as a likely truncated file; load it with --force if the shrink is real")
        if not force:
            raise ListLoadRefused(message)
        log.warning("%s: %s (forced)", parsed.source_file, message)


def delta_changes(parsed: ParsedList, current: pd.DataFrame, latest: date | None) -> tuple[pd.DataFrame, ...]:
    """(added, amended, removed) of a delta file against the current versions; refused if it does not follow them.

    An entry a delta adds must not be listed, and one it removes or updates must be: otherwise the delta
    was published for another version of the list (one in between is missing, or it is already applied).
    """
    actions = parsed.actions.drop_duplicates()
    listed = in_values(actions["list_id"], set(current["list_id"]))
    adds_listed = actions[(actions["action"] == "add") & listed]["list_id"].tolist()
    changes_unlisted = actions[(actions["action"] != "add") & ~listed]["list_id"].tolist()
    if adds_listed or changes_unlisted:
        reasons = []
        if adds_listed:
            reasons.append(f"it adds {len(adds_listed)} entries already listed (e.g. {', '.join(adds_listed[:5])})")
        if changes_unlisted:
            reasons.append(f"it removes or updates {len(changes_unlisted)} entries not listed "
                           f"(e.g. {', '.join(changes_unlisted[:5])})")
        raise ListLoadRefused(
            f"the delta of {parsed.published_on} does not follow the loaded "
            f"{list_title(parsed.authority, parsed.list_name)} of {latest}: {'; '.join(reasons)}. "
            "Load the deltas in between, or a full list")
    new = parsed.designations[["list_id", "content_hash"]].merge(actions, on="list_id", how="inner")
    new = new.merge(current, on="list_id", how="left")
    added = new[new["action"] == "add"]
    updated = new[new["action"] == "update"]
    amended = updated[updated["content_hash"] != updated["previous_hash"]]
    removed = current[in_values(current["list_id"], set(actions.loc[actions["action"] == "remove", "list_id"]))]
    return added, amended, removed


def full_changes(parsed: ParsedList, current: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """(added, amended, removed) of a full list against the current versions."""
    new = parsed.designations[["list_id", "content_hash"]].merge(current, on="list_id", how="outer", indicator=True)
    both = new[new["_merge"] == "both"]
    return (new[new["_merge"] == "left_only"], both[both["content_hash"] != both["previous_hash"]],
            new[new["_merge"] == "right_only"])


def current_versions(con: duckdb.DuckDBPyConnection, parsed: ParsedList) -> pd.DataFrame:
    """The list's current versions: (previous_version_id, list_id, previous_hash)."""
    return con.execute(
        "select designation_version_id as previous_version_id, list_id, content_hash as previous_hash "
        "from designations where authority = ? and list_name = ? and is_current",
        [parsed.authority, parsed.list_name],
    ).df()


def rekey_provisional(con: duckdb.DuckDBPyConnection, parsed: ParsedList, current: pd.DataFrame) -> int:
    """Give entries keyed provisionally (a UK entry without its Unique ID) the key a newer file gives them.

    An entry is re-keyed, in all its versions, when its current key is gone from the new file and
    exactly one new entry, itself new, names it as its former key. Returns how many were re-keyed.
    """
    if parsed.former_ids is None or parsed.former_ids.empty or current.empty:
        return 0
    new_ids, old_ids = set(parsed.designations["list_id"]), set(current["list_id"])
    former = parsed.former_ids.drop_duplicates()
    former = former[in_values(former["former_list_id"], old_ids - new_ids) & in_values(former["list_id"], new_ids - old_ids)]
    former = former[~former["former_list_id"].duplicated(keep=False) & ~former["list_id"].duplicated(keep=False)]
    if former.empty:
        return 0
    con.register("rekeyed", former)
    key = [parsed.authority, parsed.list_name]
    for table in ("designations", "designation_changes", "mention_links"):
        con.execute(f"update {table} set list_id = rekeyed.list_id from rekeyed where {table}.authority = ? "
                    f"and {table}.list_name = ? and {table}.list_id = rekeyed.former_list_id", key).fetchall()
    for target in CHILD_TARGETS.values():
        con.execute(f"update {target} set list_id = d.list_id from designations as d "
                    f"where {target}.designation_version_id = d.designation_version_id and d.authority = ? "
                    f"and d.list_name = ? and {target}.list_id != d.list_id", key).fetchall()
    con.unregister("rekeyed")
    log.info("%s: %d %s entries keyed provisionally before take the key this file gives them, e.g. %s",
             parsed.source_file, len(former), parsed.authority,
             [f"{a} -> {b}" for a, b in zip(former["former_list_id"], former["list_id"])][:3])
    return len(former)


def changed_fields(con: duckdb.DuckDBPyConnection, amended: pd.DataFrame) -> pd.Series:
    """For each amended list_id, the designation columns and child tables that differ ("; "-joined).

    Compared in the warehouse once the new versions are in: each designation column of the old and the
    new version, and per child table a count and an order-independent sum of row hashes of each side.
    """
    if amended.empty:
        return pd.Series(dtype="str")
    con.register("amended_pairs", amended[["list_id", "previous_version_id", "designation_version_id"]])
    checks = ", ".join(f"case when old.{c} is distinct from new.{c} then '{c}' end" for c in FACT_COLUMNS)
    rows = con.execute(
        f"select pairs.list_id, concat_ws('; ', {checks}) from amended_pairs as pairs "
        "join designations as old on old.designation_version_id = pairs.previous_version_id "
        "join designations as new on new.designation_version_id = pairs.designation_version_id"
    ).fetchall()
    differences: dict[str, list[str]] = {list_id: [text] if text else [] for list_id, text in rows}
    for name, target in CHILD_TARGETS.items():
        facts = ", ".join(f"child.{c}" for c in CHILD_TABLES[name] if c not in KEY and c not in POSITIONAL_COLUMNS)
        def side(version: str) -> str:
            return (f"select pairs.list_id, count(*) as rows, sum(hash({facts})::hugeint) as digest "
                    f"from amended_pairs as pairs join {target} as child "
                    f"on child.designation_version_id = pairs.{version} group by all")

        changed = con.execute(
            f"with old as ({side('previous_version_id')}), new as ({side('designation_version_id')}) "
            "select coalesce(old.list_id, new.list_id) from old full outer join new using (list_id) "
            "where old.rows is distinct from new.rows or old.digest is distinct from new.digest"
        ).fetchall()
        for (list_id,) in changed:
            differences[list_id].append(name)
    con.unregister("amended_pairs")
    return pd.Series({k: "; ".join(v) for k, v in differences.items()}, dtype="str")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert a frame's columns into a table of the same column names (one vectorised statement)."""
    if frame.empty:
        return 0
    name = f"frame_{table}"
    con.register(name, frame)
    columns = ", ".join(frame.columns)
    con.execute(f"insert into {table} ({columns}) select {columns} from {name}").fetchall()
    con.unregister(name)
    return len(frame)


def load_list(con: duckdb.DuckDBPyConnection, run: Run, parsed: ParsedList, quarantined: pd.DataFrame, *,
              force: bool = False, max_shrink: float = DEFAULT_MAX_SHRINK) -> ListLoadResult:
    """Load one validated list version (inside the caller's transaction) and record its changes.

    The order of versions is checked first and never forced; `force` only lets a large shrink through.
    """
    if loaded_version(con, parsed.sha256) is not None:
        return ListLoadResult(parsed.authority, parsed.list_name, "unchanged", len(parsed.designations), 0, 0, 0, 0)
    valid_from = parsed.published_on
    if valid_from is None:
        valid_from = utcnow().date()
        log.warning("%s: no publication date; valid_from is the load date %s", parsed.source_file, valid_from)
    guard_order(con, parsed, valid_from)
    current = current_versions(con, parsed)
    if parsed.kind == "delta":
        added, amended, removed = delta_changes(parsed, current, latest_version(con, parsed)[0])
    else:
        guard_against_shrink(parsed, len(current), max_shrink, force)
        if rekey_provisional(con, parsed, current):
            current = current_versions(con, parsed)
        added, amended, removed = full_changes(parsed, current)
    opened = pd.concat([added, amended])[["list_id", "content_hash", "previous_version_id"]]
    opened = opened.assign(designation_version_id=version_ids(parsed, opened["list_id"], opened["content_hash"],
                                                              run.run_id))
    now = utcnow()

    closing = pd.concat([amended, removed])[["previous_version_id"]]
    if len(closing):
        con.register("closing_versions", closing)
        con.execute(
            "update designations set valid_to = ?, is_current = false "
            "where designation_version_id in (select previous_version_id from closing_versions)",
            [valid_from],
        ).fetchall()
        con.unregister("closing_versions")

    version_of = opened.set_index("list_id")["designation_version_id"]
    rows = parsed.designations[in_values(parsed.designations["list_id"], version_of.index)]
    insert_frame(con, "designations", rows.assign(
        designation_version_id=rows["list_id"].map(version_of),
        listed_on=rows["listed_on"].dt.date, last_updated=rows["last_updated"].dt.date,
        valid_from=valid_from, valid_to=None, is_current=True, source_file=parsed.source_file,
        sha256=parsed.sha256, published_on=parsed.published_on, run_id=run.run_id, loaded_at=now,
    ).astype({"valid_to": "datetime64[s]"}))
    for name, target in CHILD_TARGETS.items():
        child = getattr(parsed, name)
        child = child[in_values(child["list_id"], version_of.index)]
        insert_frame(con, target, child.assign(designation_version_id=child["list_id"].map(version_of)))

    changes = pd.concat([
        added.assign(change_type="added", previous_version_id=None),
        amended.assign(change_type="amended"),
        removed.assign(change_type="removed"),
    ])
    changes = changes.assign(designation_version_id=changes["list_id"].map(version_of))
    pairs = changes[changes["change_type"] == "amended"]
    changes["changed_fields"] = changes["list_id"].map(changed_fields(con, pairs)).where(
        changes["change_type"] == "amended")
    insert_frame(con, "designation_changes", pd.DataFrame({
        "change_id": (f"{run.run_id}\x1f{parsed.sha256}\x1f{parsed.authority}\x1f{parsed.list_name}\x1f"
                      + changes["list_id"]).map(
            lambda k: hashlib.sha256(k.encode()).hexdigest()),
        "run_id": run.run_id, "authority": parsed.authority, "list_name": parsed.list_name,
        "list_id": changes["list_id"], "change_type": changes["change_type"], "detected_at": now,
        "published_on": parsed.published_on, "designation_version_id": changes["designation_version_id"],
        "previous_version_id": changes["previous_version_id"], "changed_fields": changes["changed_fields"],
    }).astype({"published_on": "datetime64[s]", "previous_version_id": "str", "designation_version_id": "str",
               "changed_fields": "str"}))

    load_quarantine(con, run, quarantined)
    # A delta's designation count is the list's after it is applied (the file holds only its changes).
    count = len(parsed.designations) if parsed.kind == "full" else len(current) + len(added) - len(removed)
    con.execute(
        "insert into list_versions (authority, list_name, sha256, format, source_file, published_on, source_records, "
        "designation_count, added_count, amended_count, removed_count, quarantined_count, run_id, loaded_at, kind) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [parsed.authority, parsed.list_name, parsed.sha256, parsed.format, parsed.source_file, valid_from,
         parsed.source_records or len(parsed.designations), count, len(added), len(amended),
         len(removed), len(quarantined), run.run_id, now, parsed.kind],
    ).fetchall()
    check_history(con, parsed.authority, parsed.list_name)
    return ListLoadResult(parsed.authority, parsed.list_name, "loaded", count, len(added),
                          len(amended), len(removed), len(quarantined))


def load_quarantine(con: duckdb.DuckDBPyConnection, run: Run, quarantined: pd.DataFrame) -> None:
    """Keep the quarantined rows (QuarantineFrame columns); the same failure is kept once."""
    if quarantined.empty:
        return
    con.register("list_quarantine", quarantined)
    insert_quarantine(con, run, "list_quarantine")
    con.unregister("list_quarantine")


def check_history(con: duckdb.DuckDBPyConnection, authority: str, list_name: str) -> None:
    """After a load, the list's history must hold: no version ending before it starts, no two versions of
    one entry overlapping, one current version per entry (the open one), accepted entity types.
    A breach rolls the load back."""
    inverted, inconsistent, overlapping, duplicated, bad_types = con.execute(
        """
        with
        versions as (
            select
                list_id,
                valid_from,
                valid_to,
                is_current,
                entity_type,
                lag(valid_to) over (
                    partition by list_id order by valid_from, coalesce(valid_to, date '9999-12-31')
                ) as previous_to,
                row_number() over (
                    partition by list_id order by valid_from, coalesce(valid_to, date '9999-12-31')
                ) as version_number,
            from designations
            where authority = ? and list_name = ?
        )

        select
            count(*) filter (where valid_to < valid_from),
            count(*) filter (where is_current != (valid_to is null)),
            count(*) filter (where version_number > 1 and (previous_to is null or previous_to > valid_from)),
            count(*) filter (where is_current) - count(distinct list_id) filter (where is_current),
            count(*) filter (where is_current and entity_type not in ('person', 'organisation', 'vessel', 'aircraft')),
        from versions
        """,
        [authority, list_name],
    ).fetchall()[0]
    if inverted or inconsistent or overlapping or duplicated or bad_types:
        raise ListIntegrityError(
            f"{authority} {list_name}: {inverted} versions ending before they start, {inconsistent} current flags "
            f"that disagree with valid_to, {overlapping} overlapping versions, {duplicated} list ids with several "
            f"current versions, {bad_types} unknown entity types after the load")
