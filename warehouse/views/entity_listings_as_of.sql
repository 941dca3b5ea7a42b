-- Who listed each entity on a given date: one row per entity and authority whose list carried one of
-- its entries that day (history starts at the first loaded version of each list: before it, the
-- authority lists nothing here). `regimes` joins the regimes of the authority's entries; US counts
-- the SDN and the Consolidated (non-SDN) lists alike.
-- Example: select * from entity_listings_as_of(date '2025-01-01') where authority = 'UN'
create or replace macro entity_listings_as_of(as_of_date) as table
with
members as (
    select * from main.entity_members
),

entities as (
    select * from main.entities
),

listed as (
    select * from designations_as_of(as_of_date)
),

final as (
    select
        m.entity_id,
        l.authority,
        any_value(e.entity_type) as entity_type,
        any_value(e.caption) as caption,
        any_value(e.countries) as countries,
        string_agg(distinct r.regime, '; ' order by r.regime) as regimes,
        min(l.listed_on) as listed_on,
        count(distinct (l.list_name, l.list_id)) as designations,
    from listed as l
    inner join members as m using (authority, list_name, list_id)
    inner join entities as e using (entity_id)
    left join (
        select designation_version_id, unnest(string_split(regimes, '; ')) as regime,
        from listed
    ) as r on r.designation_version_id = l.designation_version_id
    group by m.entity_id, l.authority
)

select * from final
