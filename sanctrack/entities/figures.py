"""The figures analysts ask of entities across lists, as tables (columns, rows) for the CLI and the report.

- Divergence: for each pair of authorities, the entities listed by one and not by the other (current,
  or as of a date), optionally only the Rosatom-linked ones, optionally broken down by regime or country.
- Latency: days from a linked news mention's publication to each authority's listing, medians by
  authority and year; and the days between authorities listing the same entity.

Everything is read from the views of warehouse/views/ (entity_divergence_as_of, entity_listings_as_of,
listing_latency_by_authority, entity_listing_lags); docs/entities.md explains every number.
"""

from __future__ import annotations

from datetime import date

import duckdb

Table = tuple[list[str], list[tuple]]

# Entities with a current designation that the list's own words link to Rosatom (the rosatom_linked view).
ROSATOM_ENTITIES = """
select distinct m.entity_id,
from rosatom_linked as r
inner join entity_members as m using (authority, list_name, list_id)
where r.source = 'list'
"""
BREAKDOWNS = ("regime", "country")


def _slice(rosatom: bool) -> str:
    return f"where entity_id in ({ROSATOM_ENTITIES})" if rosatom else ""


def divergence_matrix(con: duckdb.DuckDBPyConnection, as_of: date | None = None, rosatom: bool = False) -> Table:
    """Rows: authority A and the entities it lists; then, per authority B, the entities A lists and B does
    not (a dash on the diagonal). `as_of` None: the current lists."""
    day = as_of or date.today()
    listed = dict(con.execute(
        f"select authority, count(*) from entity_listings_as_of(?::date) {_slice(rosatom)} group by authority",
        [day]).fetchall())
    # Every authority with a list loaded on that day, even one that lists none of the slice.
    authorities = [a for (a,) in con.execute(
        "select distinct authority from designations_as_of(?::date) order by authority", [day]).fetchall()]
    missing = {(a, b): n for a, b, n in con.execute(
        f"select authority_a, authority_b, count(*) from entity_divergence_as_of(?::date) {_slice(rosatom)} "
        "group by all", [day]).fetchall()}
    columns = ["listed by", "entities"] + [f"not by {b}" for b in authorities]
    rows = [(a, listed.get(a, 0), *("-" if a == b else missing.get((a, b), 0) for b in authorities)) for a in authorities]
    return columns, rows


def divergence_breakdown(con: duckdb.DuckDBPyConnection, by: str, as_of: date | None = None, rosatom: bool = False,
                         limit: int = 10) -> Table:
    """Entities listed by A and not by B, per regime of A's listing (an entity listed under several regimes
    counts under each) or per country of the entity (ISO codes; "-" when none is known): the `limit`
    largest groups of each pair."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r} (known: {', '.join(BREAKDOWNS)})")
    column = "regimes_a" if by == "regime" else "countries"
    rows = con.execute(
        f"""
        with
        divergent as (
            select * from entity_divergence_as_of(?::date) {_slice(rosatom)}
        ),

        exploded as (
            select authority_a, authority_b, entity_id,
                unnest(coalesce(string_split({column}, '; '), ['-'])) as grp,
            from divergent
        ),

        counted as (
            select authority_a, authority_b, grp, count(distinct entity_id) as entities,
            from exploded
            group by all
        )

        select authority_a, authority_b, grp, entities,
        from counted
        qualify row_number() over (partition by authority_a, authority_b order by entities desc, grp) <= ?
        order by authority_a, authority_b, entities desc, grp
        """, [as_of or date.today(), limit]).fetchall()
    return ["listed by", "not by", by, "entities"], rows


def latency_by_authority(con: duckdb.DuckDBPyConnection) -> Table:
    """Median days from a linked mention's publication to each authority's listing, per year and overall,
    with the undated mentions counted apart."""
    relation = con.sql(
        "select authority, published_year, mentions, entities, median_days, min_days, max_days, listed_before_news, "
        "undated_mentions, first_seen_only from listing_latency_by_authority "
        "order by authority, published_year = 'all', published_year")
    return relation.columns, relation.fetchall()


def listing_lags(con: duckdb.DuckDBPyConnection) -> Table:
    """Per pair of authorities: entities both listed, and the median days from A's listing to B's over those
    whose both dates the lists give (a date known only as the first loaded version carrying the entry is a
    bound: counted in first_seen_only, left out of the median)."""
    relation = con.sql(
        """
        select
            l.authority_a,
            l.authority_b,
            count(*) as entities,
            count(*) filter (where l.is_dated_by_lists) as dated_by_lists,
            median(l.days_a_to_b) filter (where l.is_dated_by_lists) as median_days_a_to_b,
            count(*) filter (where l.is_dated_by_lists and l.days_a_to_b = 0) as same_day,
            count(*) filter (where not l.is_dated_by_lists) as first_seen_only,
        from entity_listing_lags as l
        group by all
        order by all
        """)
    return relation.columns, relation.fetchall()


def undated_mentions(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(linked mentions of undated articles, linked mentions in all) among the mentions whose entity was
    listed by an authority with a known date."""
    undated, total = con.execute(
        "select count(distinct mention_id) filter (where published_on is null), count(distinct mention_id) "
        "from mention_listing_latency").fetchall()[0]
    return undated, total
