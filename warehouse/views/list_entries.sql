-- One row per list entry ever loaded (authority, list name, list id): its latest version, when its
-- history starts (the first loaded file that carried it) and, once no longer listed, when it left.
-- The entity linker reads entries from here (warehouse/entities.py).
create or replace view list_entries as
with
designations as (
    select * from main.designations
),

spans as (
    select
        authority,
        list_name,
        list_id,
        min(valid_from) as first_valid_from,
        bool_or(is_current) as is_listed,
    from designations
    group by authority, list_name, list_id
),

latest as (
    select *
    from designations
    qualify row_number() over (
        partition by authority, list_name, list_id order by valid_from desc, is_current desc
    ) = 1
),

final as (
    select
        latest.authority,
        latest.list_name,
        latest.list_id,
        latest.list_ref,
        latest.designation_version_id,
        latest.entity_type,
        latest.primary_name,
        latest.regimes,
        latest.listed_on,
        spans.first_valid_from,
        spans.is_listed,
        case when spans.is_listed then null else latest.valid_to end as removed_on,
    from latest
    inner join spans using (authority, list_name, list_id)
)

select * from final
