-- One row per current designation in an entity (warehouse/entities.py): which authorities list the
-- same party, under which list id, regimes and listing date. An entity whose every entry left its
-- lists has no row here (its members stay in entity_members).
-- Example: select * from entity_designations where entity_id = (
--     select entity_id from entity_members where authority = 'UK' and list_id = 'RUS2387')
create or replace view entity_designations as
with
members as (
    select * from main.entity_members
),

entities as (
    select * from main.entities
),

designations as (
    select * from main.designations where is_current
),

final as (
    select
        m.entity_id,
        e.entity_type,
        e.caption,
        d.authority,
        d.list_name,
        d.list_id,
        d.list_ref,
        d.entity_type as designation_entity_type,
        d.primary_name,
        d.regimes,
        d.listed_on,
        d.valid_from,
        d.designation_version_id,
    from members as m
    inner join designations as d using (authority, list_name, list_id)
    inner join entities as e using (entity_id)
)

select * from final
