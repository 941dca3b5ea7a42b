"""Entities across lists in the warehouse: reading the entries, writing links, members and entities.

See sanctrack/entities/ for the rules; docs/entities.md for the model.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from sanctrack.entities.evaluate import (
    Scores, link_without_un_references, score_imo, score_un_references, un_reference_truth,
)
from sanctrack.entities.helper import helper_process
from sanctrack.entities.evidence import (
    IMO, OFAC_ID, UN_REFERENCE, DateSpan, Entry, Key, country_codes, date_span, identifier_families, identifier_numbers,
    types_compatible,
)
from sanctrack.entities.cluster import LinkToCluster, cluster
from sanctrack.entities.link import CANDIDATE_FLOOR, WEAK_QUALITIES, NameRows, PairEvidence, ordered
from sanctrack.entities.resolve import (
    LINKER_VERSION, REFUSED_RULE, PairLink, assign, decide_all, evidence_from_record, evidence_record, examine, propose,
)
from sanctrack.entities.rules import CANDIDATE, LINKED, Decision
from sanctrack.matching import MATCHER_VERSION
from sanctrack.matching.index import NameIndex, name_rows
from sanctrack.matching.persist import load_index, matcher_fingerprint, save_index
from sanctrack.warehouse.links import latest_designations_index

log = logging.getLogger(__name__)

# Child rows of the latest version of an entry that carries rows of that table: a fact a list stopped
# giving (the derived FCDO files give no birth dates) stays what its last statement said.
_LATEST_CARRYING = """
with
versions as (
    select designation_version_id, authority, list_name, list_id, valid_from, is_current,
    from designations
),

carrying as (
    select distinct v.*
    from versions as v
    inner join {table} as t using (designation_version_id)
    {where}
),

chosen as (
    select arg_max(designation_version_id, (valid_from, is_current)) as designation_version_id,
    from carrying
    group by authority, list_name, list_id
)

select v.authority, v.list_name, v.list_id, v.designation_version_id, {columns},
from {table} as t
inner join chosen using (designation_version_id)
inner join versions as v using (designation_version_id)
{where}
"""


def _latest_facts(con: duckdb.DuckDBPyConnection, table: str, columns: str, where: str = "") -> list[tuple]:
    sql = _LATEST_CARRYING.format(table=table, columns=columns, where=where)
    return con.execute(sql).fetchall()


def read_entries(con: duckdb.DuckDBPyConnection) -> dict[Key, Entry]:
    """Every list entry ever loaded with its identifying facts. (An entry whose facts change has a new
    latest version: the version ids tell the recomputation what changed.)"""
    entries: dict[Key, Entry] = {}
    for (authority, list_name, list_id, list_ref, version, entity_type, primary_name, regimes, first_valid_from,
         removed_on) in con.execute(
        "select authority, list_name, list_id, list_ref, designation_version_id, entity_type, primary_name, regimes, "
        "first_valid_from, removed_on from list_entries"
    ).fetchall():
        key = (authority, list_name, list_id)
        identifiers = set()
        if authority == "UN" and list_ref:
            identifiers |= {(UN_REFERENCE, n) for n in identifier_numbers(UN_REFERENCE, list_ref)}
        if authority == "US":  # OFAC's entity id is shared by its SDN and Consolidated lists
            identifiers.add((OFAC_ID, list_id))
        entries[key] = Entry(key, version, entity_type, primary_name,
                             frozenset(r for r in (regimes or "").split("; ") if r), first_valid_from, removed_on,
                             identifiers=frozenset(identifiers))

    births: dict[Key, list[DateSpan]] = defaultdict(list)
    for authority, list_name, list_id, version, birth_date, year_from, year_to, approximate, raw in _latest_facts(
            con, "designation_birth_dates", "t.birth_date, t.year_from, t.year_to, t.is_approximate, t.raw_value"):
        span = date_span(birth_date, year_from, year_to, approximate, raw)
        key = (authority, list_name, list_id)
        if span is not None and key in entries:
            births[key].append(span)
    countries: dict[Key, set[str]] = defaultdict(set)
    # A person's country is its nationality; an organisation's, ship's or aircraft's, its addresses'.
    located = _latest_facts(con, "designation_nationalities", "t.country, true") + _latest_facts(
        con, "designation_addresses", "t.country, false", "where t.country is not null")
    codes = country_codes({row[4] for row in located})
    for authority, list_name, list_id, version, country, nationality in located:
        key = (authority, list_name, list_id)
        entry = entries.get(key)
        if entry is not None and codes[country] and nationality == (entry.entity_type == "person"):
            countries[key] |= codes[country]
    numbers: dict[Key, set[tuple[str, str]]] = defaultdict(set)
    families = identifier_families()
    unknown: dict[tuple[str, str], int] = defaultdict(int)
    for authority, list_name, list_id, version, id_type, id_number in _latest_facts(
            con, "designation_identifiers", "t.id_type, t.id_number"):
        key = (authority, list_name, list_id)
        family = families.get((authority, id_type))
        if family is None:
            unknown[(authority, id_type)] += 1
            continue
        if family != "none" and key in entries:
            numbers[key] |= {(family, n) for n in identifier_numbers(family, id_number)}
    if unknown:
        log.warning("entities: identifier types not in seeds/reference/entity_identifiers.csv are not used: %s",
                    dict(sorted(unknown.items())))
    for authority, list_name, list_id, version, value in _latest_facts(
            con, "designation_properties", "t.value", "where t.property = 'un_reference'"):
        key = (authority, list_name, list_id)
        if key in entries:
            numbers[key] |= {(UN_REFERENCE, n) for n in identifier_numbers(UN_REFERENCE, value)}
    for key, spans in births.items():
        entries[key].birth_dates = tuple(sorted(set(spans), key=lambda s: (s.first, s.last, s.raw)))
    for key, codes in countries.items():
        entries[key].countries = frozenset(codes)
    for key, found in numbers.items():
        entries[key].identifiers = entries[key].identifiers | frozenset(found)
    return entries


# --- computing and writing ----------------------------------------------------------------------------

INDEX_SUFFIX = ".entity-index"
# A saved index serves while the entries it lacks (changed since it was built) are few: their names are
# then tokenised apart and compared directly with each other; beyond this, it is built again.
STALE_NAMES_LIMIT = 2_000
LINK_COLUMNS = [
    "link_id", "authority_a", "list_name_a", "list_id_a", "authority_b", "list_name_b", "list_id_b", "decision",
    "rule", "score", "name_score", "primary_name_score", "name_a", "name_b", "shared_identifiers", "birth_dates",
    "countries", "evidence", "linker_version", "matcher_version",
]
TYPE_PRECEDENCE = {"vessel": 0, "aircraft": 1, "organisation": 2, "person": 3}


@dataclass
class EntityCounts:
    """What a recomputation did."""

    entries: int
    entries_relinked: int
    pairs_compared: int
    links: int
    candidates: int
    entities: int
    multi_list_entities: int
    index: str  # built, saved (reused), none
    cold: bool

    def as_dict(self) -> dict:
        return asdict(self)


def link_id(a: Key, b: Key) -> str:
    """The id of a pair: sha256 of both keys, in order."""
    a, b = ordered(a, b)
    return hashlib.sha256("\x1e".join("\x1f".join(k) for k in (a, b)).encode("utf-8")).hexdigest()


def index_path(db_path: Path) -> Path:
    """Where the entity linker's name index is saved: `<warehouse>.entity-index/<matcher>.pickle`."""
    return db_path.with_name(db_path.name + INDEX_SUFFIX) / f"{matcher_fingerprint()[:32]}.pickle"


def entities_outdated(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the entities must be computed again though no list changed: none computed yet while lists
    are loaded, or links made by another version of the linker or of the matcher."""
    (members,) = con.execute("select count(*) from entity_members").fetchall()[0]
    if not members:
        return bool(con.execute("select count(*) from designations").fetchall()[0][0])
    (other,) = con.execute(
        "select count(*) from entity_links where linker_version <> ? or matcher_version <> ?",
        [LINKER_VERSION, MATCHER_VERSION],
    ).fetchall()[0]
    return bool(other)


@dataclass
class PreparedEntities:
    """A recomputation worked out with the warehouse open for reading: what it did, and its writes."""

    counts: EntityCounts
    write: Callable[[duckdb.DuckDBPyConnection], None]


def recompute_entities(con: duckdb.DuckDBPyConnection, db_path: Path | str | None = None, *,
                       full: bool = False) -> EntityCounts | None:
    """Bring the entity tables up to date with the lists, in the caller's transaction (prepare_entities,
    then its writes). Returns None when nothing changed."""
    prepared = prepare_entities(con, db_path, full=full)
    if prepared is None:
        return None
    prepared.write(con)
    return prepared.counts


def prepare_entities(con: duckdb.DuckDBPyConnection, db_path: Path | str | None = None, *,
                     full: bool = False) -> PreparedEntities | None:
    """Work out the entity tables from the lists, reading only (a lists run does this before it takes the
    warehouse for writing, so that readers wait only for the writes).

    Only the entries whose latest version changed since the last computation (added, amended, removed)
    are compared again, against every other list; the pairs of unchanged entries keep their evidence.
    Decisions and clusters are then made again over all pairs (cheap), with the reviewers' decisions.
    `full`, a first computation, or links of another linker or matcher version: every pair is compared.
    `db_path`: the warehouse file, beside which the name index is saved (None: built in memory each
    time). Returns None when nothing changed.
    """
    entries = read_entries(con)
    previous = {(a, n, i): (ident, v, listed) for a, n, i, ident, v, listed in con.execute(
        "select authority, list_name, list_id, entity_id, designation_version_id, is_listed from entity_members"
    ).fetchall()}
    cold = full or not previous or entities_outdated(con)
    changed = set(entries) if cold else {k for k, e in entries.items() if previous.get(k, (0, None))[1] != e.version_id}
    gone = set(previous) - set(entries)
    delisted = {k for k, e in entries.items() if k in previous and previous[k][2] != (e.removed_on is None)}
    if not cold and not changed and not gone and not delisted:
        return None
    reviews = read_reviews(con)
    pairs: set[tuple[Key, Key]] = set()
    index_state = "none"
    if changed and len({e.list_key for e in entries.values()}) > 1:  # one list alone has no pairs
        names, index_state, stale = entity_names(con, None if db_path is None else Path(db_path), entries, cold)
        with helper_process(entries, names, len(changed)) as helper:  # a second core, for large computations
            pairs = propose(entries, names, None if cold else changed, helper) | stale_pairs(entries, names, stale)
            pairs |= {pair for pair in reviews if pair[0] in changed or pair[1] in changed}
            fresh = examine(entries, names, pairs, helper)
    else:
        fresh = []
    if cold:
        links = decide_all(fresh, reviews)
        entity_of, links = assign(entries, links)
        decisions = Counter(l.decision.decision for l in links)

        def write(writer: duckdb.DuckDBPyConnection) -> None:
            write_entities(writer, entries, entity_of, links)
    else:
        entity_of, decisions, write = _recluster_changes(con, entries, previous, changed | gone, fresh, reviews)
    counts = EntityCounts(
        entries=len(entries), entries_relinked=len(changed), pairs_compared=len(fresh),
        links=decisions[LINKED], candidates=decisions[CANDIDATE], entities=len(set(entity_of.values())),
        multi_list_entities=_multi_list(entries, entity_of), index=index_state, cold=cold,
    )
    log.info("event=entities_recomputed %s", counts.as_dict())
    return PreparedEntities(counts, write)


def _recluster_changes(con: duckdb.DuckDBPyConnection, entries: dict[Key, Entry],
                       previous: dict[Key, tuple[str, str, bool]], touched: set[Key], fresh: list[PairEvidence],
                       reviews: dict[tuple[Key, Key], str]
                       ) -> tuple[dict[Key, str], Counter, Callable[[duckdb.DuckDBPyConnection], None]]:
    """The incremental path: the stored links of untouched entries keep their decisions (read from their
    columns; only the links the clustering had refused are decided again from their evidence, as the
    clash may be gone), the fresh pairs are decided, everything is clustered again, and only the rows that
    differ are written."""
    stored = con.execute(
        "select link_id, authority_a, list_name_a, list_id_a, authority_b, list_name_b, list_id_b, decision, rule, "
        "score, primary_name_score, evidence from entity_links").fetchall()
    kept: list[LinkToCluster] = []
    kept_decisions: Counter = Counter()
    redecide: list[PairEvidence] = []
    removed: list[str] = []
    for link, a1, a2, a3, b1, b2, b3, decision, rule, score, primary, evidence in stored:
        a, b = (a1, a2, a3), (b1, b2, b3)
        if a in touched or b in touched:
            removed.append(link)
        elif rule == REFUSED_RULE:  # perhaps no longer refused
            removed.append(link)
            redecide.append(evidence_from_record(json.loads(evidence)))
        else:
            kept_decisions[decision] += 1
            if decision == LINKED:
                kept.append(LinkToCluster(a, b, rule, score, primary))
    links = decide_all(fresh + redecide, reviews)
    linked = kept + [LinkToCluster(l.evidence.a, l.evidence.b, l.decision.rule, l.decision.score,
                                   l.evidence.primary_name_score) for l in links if l.decision.decision == LINKED]
    entity_of, refused = cluster(entries, linked)
    links = [PairLink(l.evidence, Decision(CANDIDATE, REFUSED_RULE, l.decision.score)) if l.pair in refused else l
             for l in links]
    newly_refused = [link_id(*l.pair) for l in kept if (l.a, l.b) in refused]
    decisions = kept_decisions + Counter(l.decision.decision for l in links)
    decisions[LINKED] -= len(newly_refused)
    decisions[CANDIDATE] += len(newly_refused)
    # Members whose entity, version or listing changed, and the entities they leave or join.
    moved = [k for k, e in entries.items()
             if previous.get(k) != (entity_of[k], e.version_id, e.removed_on is None)]
    gone = [k for k in previous if k not in entries]
    dirty = {previous[k][0] for k in moved + gone if k in previous} | {entity_of[k] for k in moved}

    def write(writer: duckdb.DuckDBPyConnection) -> None:
        _delete_where(writer, "entity_links", "link_id", removed)
        _insert(writer, "entity_links", _links_frame(links))
        if newly_refused:
            writer.register("refused_links", pd.DataFrame({"link_id": newly_refused}))
            try:
                writer.execute(f"update entity_links set decision = 'candidate', rule = '{REFUSED_RULE}' "
                               "where link_id in (select link_id from refused_links)").fetchall()
            finally:
                writer.unregister("refused_links")
        if moved or gone:
            moved_keys = pd.DataFrame(moved + gone, columns=["authority", "list_name", "list_id"])
            writer.register("moved_members", moved_keys)
            try:
                writer.execute("delete from entity_members as m using moved_members as x where m.authority = "
                               "x.authority and m.list_name = x.list_name and m.list_id = x.list_id").fetchall()
            finally:
                writer.unregister("moved_members")
        _insert(writer, "entity_members", _members_frame(entries, entity_of, moved))
        _delete_where(writer, "entities", "entity_id", sorted(dirty))
        _insert_entities(writer, _described(entries, entity_of, dirty))

    return entity_of, decisions, write


def recluster_entities(con: duckdb.DuckDBPyConnection) -> EntityCounts:
    """Decide every stored pair again with the reviewers' decisions and rebuild the entities (after a
    review): no name is compared again."""
    entries = read_entries(con)
    reviews = read_reviews(con)
    stored = [evidence_from_record(json.loads(text)) for (text,) in con.execute(
        "select evidence from entity_links").fetchall()]
    known = {e.pair for e in stored}
    names = None
    missing = [pair for pair in reviews if pair not in known and pair[0] in entries and pair[1] in entries]
    if missing:  # a pair a reviewer confirmed though the linker never proposed it
        names = NameRows(latest_designations_index(con) or _empty_index(), weak_names(con))
        stored += examine(entries, names, missing)
    links = decide_all(stored, reviews)
    entity_of, links = assign(entries, links)
    write_entities(con, entries, entity_of, links)
    return EntityCounts(len(entries), 0, len(missing), sum(1 for l in links if l.decision.decision == LINKED),
                        sum(1 for l in links if l.decision.decision == CANDIDATE), len(set(entity_of.values())),
                        _multi_list(entries, entity_of), "none" if names is None else "built", False)


def _multi_list(entries: dict[Key, Entry], entity_of: dict[Key, str]) -> int:
    lists = defaultdict(set)
    for key, ident in entity_of.items():
        lists[ident].add(entries[key].list_key)
    return sum(1 for v in lists.values() if len(v) > 1)


def weak_names(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(designation_version_id, name) of the aliases a list marks as low quality (and their non-Latin forms)."""
    rows = con.execute(
        "select designation_version_id, full_name, name_non_latin from designation_names "
        f"where alias_quality in ({', '.join(repr(q) for q in sorted(WEAK_QUALITIES))})"
    ).fetchall()
    return {(v, n) for v, name, other in rows for n in (name, other) if n}


def entity_names(con: duckdb.DuckDBPyConnection, db_path: Path | None, entries: dict[Key, Entry],
                 rebuild: bool) -> tuple[NameRows, str, set[Key]]:
    """The names of every entry for the linker, and how the index was had (built or saved); the entries
    whose names the saved index lacks are returned too (their pairs with each other are not found by
    the index). The index is the one `mention_links` uses: the latest version of every designation."""
    weak = weak_names(con)
    path = None if db_path is None else index_path(db_path)
    index = None if rebuild or path is None else load_index(path)
    if index is not None:
        indexed = set(index.record.columns["designation_version_id"])
        stale = {k for k, e in entries.items() if e.version_id not in indexed}
        rows = _name_rows(con, [entries[k].version_id for k in stale])
        if len(rows) <= STALE_NAMES_LIMIT:
            names = NameRows(index, weak)
            names.add_names(rows, weak)
            return names, "saved", stale
    index = latest_designations_index(con) or _empty_index()
    if path is not None:
        try:
            save_index(index, path)
        except OSError as exc:  # a read-only place: linking still works, only slower next time
            log.warning("the entity index could not be saved in %s: %s", path.parent, exc)
    return NameRows(index, weak), "built", set()


def _name_rows(con: duckdb.DuckDBPyConnection, versions: list[str]) -> list[tuple[str, str, str, str]]:
    """(designation_version_id, name, alias_type, entity_type) of the names of some versions, as the
    index would hold them (matching.index.name_rows)."""
    if not versions:
        return []
    con.register("stale_versions", pd.DataFrame({"designation_version_id": versions}))
    try:
        designations = con.sql(
            "select d.designation_version_id, d.authority, d.list_name, d.list_id, d.list_ref, d.entity_type, "
            "d.primary_name, d.listed_on from designations as d "
            "inner join stale_versions using (designation_version_id)").df()
        names = con.sql(
            "select n.designation_version_id, n.full_name, n.alias_type, n.name_non_latin from designation_names as n "
            "inner join stale_versions using (designation_version_id)").df()
    finally:
        con.unregister("stale_versions")
    rows = name_rows(designations, names, ["designation_version_id"])
    return list(zip(rows["designation_version_id"], rows["matched_name"], rows["alias_type"], rows["entity_type"]))


def stale_pairs(entries: dict[Key, Entry], names: NameRows, stale: set[Key],
                floor: float = CANDIDATE_FLOOR) -> set[tuple[Key, Key]]:
    """Pairs among entries the saved index lacks, of different lists, whose names meet (compared directly:
    there are few)."""
    pairs = set()
    keys = sorted(stale)
    cache: dict = {}
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            ea, eb = entries[a], entries[b]
            if ea.list_key == eb.list_key or not types_compatible(ea.entity_type, eb.entity_type):
                continue
            if any(names.score(x, y, cache)[0] >= floor for x in names.rows_of.get(ea.version_id, ())
                   for y in names.rows_of.get(eb.version_id, ())):
                pairs.add((a, b))
    return pairs


def _empty_index() -> NameIndex:
    return NameIndex(pd.DataFrame({c: pd.Series(dtype="object") for c in
                                   ["authority", "list_name", "list_id", "list_ref", "entity_type", "primary_name",
                                    "listed_on", "matched_name", "alias_type", "designation_version_id"]}))


def read_reviews(con: duckdb.DuckDBPyConnection) -> dict[tuple[Key, Key], str]:
    """The reviewers' decisions by pair."""
    return {ordered((a1, a2, a3), (b1, b2, b3)): decision for a1, a2, a3, b1, b2, b3, decision in con.execute(
        "select authority_a, list_name_a, list_id_a, authority_b, list_name_b, list_id_b, decision from entity_reviews"
    ).fetchall()}


def write_entities(con: duckdb.DuckDBPyConnection, entries: dict[Key, Entry], entity_of: dict[Key, str],
                   links: list[PairLink]) -> None:
    """Replace the rows of entity_links, entity_members and entities (a few tens of thousands: cheap)."""
    for table in ("entity_links", "entity_members", "entities"):
        con.execute(f"delete from {table}").fetchall()
    _insert(con, "entity_links", _links_frame(links))
    _insert(con, "entity_members", _members_frame(entries, entity_of, sorted(entries)))
    _insert_entities(con, _described(entries, entity_of, None))


def _links_frame(links: list[PairLink]) -> pd.DataFrame:
    rows = []
    for link in sorted(links, key=lambda l: l.pair):
        e, d = link.evidence, link.decision
        rows.append((link_id(e.a, e.b), *e.a, *e.b, d.decision, d.rule, d.score, e.name_score,
                     e.primary_name_score, e.name_a, e.name_b,
                     "; ".join(f"{f}:{n}" for f, n in e.shared_identifiers) or None, e.birth_dates, e.countries,
                     json.dumps(evidence_record(e), sort_keys=True, ensure_ascii=False), LINKER_VERSION,
                     MATCHER_VERSION))
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def _members_frame(entries: dict[Key, Entry], entity_of: dict[Key, str], keys: list[Key]) -> pd.DataFrame:
    return pd.DataFrame(
        [(*key, entity_of[key], entries[key].version_id, entries[key].removed_on is None) for key in keys],
        columns=["authority", "list_name", "list_id", "entity_id", "designation_version_id", "is_listed"])


def _described(entries: dict[Key, Entry], entity_of: dict[Key, str], ids: set[str] | None) -> pd.DataFrame:
    """Type, caption and countries of the entities (of `ids` only, when given)."""
    groups: dict[str, list[Key]] = defaultdict(list)
    for key, ident in entity_of.items():
        if ids is None or ident in ids:
            groups[ident].append(key)
    described = []
    for ident, keys in sorted(groups.items()):
        anchor = min(keys, key=lambda k: (entries[k].first_listed, k))
        kind = min((entries[k].entity_type for k in keys), key=lambda t: TYPE_PRECEDENCE.get(t, 9))
        countries = sorted({c for k in keys for c in entries[k].countries})
        described.append((ident, kind, entries[anchor].primary_name, "; ".join(countries) or None))
    return pd.DataFrame(described, columns=["entity_id", "entity_type", "caption", "countries"])


def _insert_entities(con: duckdb.DuckDBPyConnection, described: pd.DataFrame) -> None:
    """Insert the entities described, with their counts from their members (entity_members, written first)."""
    if described.empty:
        return
    con.register("described_entities", described)
    try:
        con.execute(
            """
            insert into entities (entity_id, entity_type, caption, countries, entries, current_entries, authorities,
                first_listed_on)
            select
                d.entity_id,
                d.entity_type,
                d.caption,
                d.countries,
                count(*),
                count(*) filter (where e.is_listed),
                string_agg(distinct e.authority, '; ' order by e.authority) filter (where e.is_listed),
                min(e.listed_on),
            from described_entities as d
            inner join entity_members as m using (entity_id)
            inner join list_entries as e using (authority, list_name, list_id)
            group by d.entity_id, d.entity_type, d.caption, d.countries
            """
        ).fetchall()
    finally:
        con.unregister("described_entities")


def _delete_where(con: duckdb.DuckDBPyConnection, table: str, column: str, values: list[str]) -> None:
    if not values:
        return
    con.register("doomed", pd.DataFrame({column: values}))
    try:
        con.execute(f"delete from {table} where {column} in (select {column} from doomed)").fetchall()
    finally:
        con.unregister("doomed")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    name = f"new_{table}"
    con.register(name, frame)
    try:
        columns = ", ".join(frame.columns)
        con.execute(f"insert into {table} ({columns}) select {columns} from {name}").fetchall()
    finally:
        con.unregister(name)


# --- review ---------------------------------------------------------------------------------------------

REVIEW_DECISIONS = ("confirmed", "rejected")


class ReviewError(ValueError):
    """A review that cannot be recorded (an unknown link, an unknown decision)."""


def record_review(con: duckdb.DuckDBPyConnection, link: str, decision: str, note: str | None = None) -> EntityCounts:
    """Store a reviewer's decision on a pair (by its link id, or a unique prefix of it) and rebuild the
    entities with it, in the caller's transaction. The decision replaces any earlier one on the pair and
    survives every recomputation."""
    if decision not in REVIEW_DECISIONS:
        raise ReviewError(f"unknown decision {decision!r} (known: {', '.join(REVIEW_DECISIONS)})")
    rows = con.execute(
        "select link_id, authority_a, list_name_a, list_id_a, authority_b, list_name_b, list_id_b, rule, score "
        "from entity_links where starts_with(link_id, ?)", [link]).fetchall()
    if len(rows) != 1:
        what = "no link" if not rows else f"{len(rows)} links"
        raise ReviewError(f"{what} with an id starting {link!r}: see `sanctrack entities review`")
    link_id, *keys, rule, score = rows[0]
    con.execute("delete from entity_reviews where link_id = ?", [link_id]).fetchall()
    con.execute(
        "insert into entity_reviews (link_id, authority_a, list_name_a, list_id_a, authority_b, list_name_b, "
        "list_id_b, decision, note, rule_at_review, score_at_review, reviewed_at) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [link_id, *keys, decision, note, rule, score]).fetchall()
    return recluster_entities(con)


# --- evaluation -----------------------------------------------------------------------------------------

@dataclass
class Evaluation:
    """The linker measured on the warehouse's lists (sanctrack/entities/evaluate.py)."""

    un: Scores
    imo: Scores
    carrying: int  # UK entries carrying a UN reference
    truth_pairs: int  # (UK entry, UN entry) pairs their references make
    vessels: int  # vessels with an IMO number
    names: dict[Key, str]


def evaluate_warehouse(con: duckdb.DuckDBPyConnection) -> Evaluation:
    """Link every loaded entry again with the UN references removed and no reviews, in memory (nothing
    is written), and score the entities against the UN references and the IMO numbers."""
    entries = read_entries(con)
    names, _, _ = entity_names(con, None, entries, True)
    carrying, truth = un_reference_truth(entries)
    _, entity_of, _ = link_without_un_references(entries, names)
    vessels = sum(1 for e in entries.values() if e.entity_type == "vessel" and any(f == IMO for f, _ in e.identifiers))
    return Evaluation(score_un_references(entries, entity_of), score_imo(entries, entity_of), len(carrying), len(truth),
                      vessels, {key: entry.primary_name for key, entry in entries.items()})
