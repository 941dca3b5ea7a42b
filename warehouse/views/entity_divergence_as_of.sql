-- Divergence between authorities on a given date: one row per entity listed by authority_a and not
-- by authority_b (for every ordered pair of authorities with a loaded list on that date), with the
-- regimes under which authority_a lists it and the entity's countries. The matrix of
-- `sanctrack entities divergence` counts these rows; docs/entities.md says what "listed by" means.
-- Example: select * from entity_divergence_as_of(current_date) where authority_a = 'UK' and authority_b = 'EU'
create or replace macro entity_divergence_as_of(as_of_date) as table
with
listings as (
    select * from entity_listings_as_of(as_of_date)
),

-- Authorities with a list version valid on that date (an authority with nothing loaded yet on that
-- date is not compared: its silence would read as "not listed").
authorities as (
    select distinct authority,
    from designations_as_of(as_of_date)
),

pairs as (
    select a.authority as authority_a, b.authority as authority_b,
    from authorities as a
    cross join authorities as b
    where a.authority <> b.authority
),

final as (
    select
        p.authority_a,
        p.authority_b,
        l.entity_id,
        l.entity_type,
        l.caption,
        l.countries,
        l.regimes as regimes_a,
        l.listed_on as listed_on_a,
    from pairs as p
    inner join listings as l on l.authority = p.authority_a
    anti join listings as other on other.entity_id = l.entity_id and other.authority = p.authority_b
)

select * from final
