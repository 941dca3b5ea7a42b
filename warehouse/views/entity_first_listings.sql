-- When each authority first listed each entity: the earliest listing date of the authority's entries
-- of the entity, current or removed. Where a list gives no listing date (the OFAC SDN CSV), an entry
-- that first appeared in a later loaded version of its list than the first is dated by the publication
-- of that version (listed_on_source 'first_seen': the listing happened between the two versions, at
-- most that late); an entry present since the list's first loaded version has no known date and is
-- left out.
create or replace view entity_first_listings as
with
members as (
    select * from main.entity_members
),

entries as (
    select * from list_entries
),

list_starts as (
    select authority, list_name, min(first_valid_from) as first_loaded_on,
    from entries
    group by authority, list_name
),

dated as (
    select
        e.authority,
        e.list_name,
        e.list_id,
        coalesce(e.listed_on, case when e.first_valid_from > s.first_loaded_on then e.first_valid_from end)
            as listed_on,
        case when e.listed_on is not null then 'list' else 'first_seen' end as listed_on_source,
    from entries as e
    inner join list_starts as s using (authority, list_name)
),

final as (
    select
        m.entity_id,
        d.authority,
        min(d.listed_on) as listed_on,
        arg_min(d.listed_on_source, d.listed_on) as listed_on_source,
    from members as m
    inner join dated as d using (authority, list_name, list_id)
    where d.listed_on is not null
    group by m.entity_id, d.authority
)

select * from final
