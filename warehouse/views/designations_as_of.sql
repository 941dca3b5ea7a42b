-- Who was on the lists on a given date: the designation versions valid on that day.
-- History starts at the first loaded version of each list; valid_to is exclusive.
-- Example: select * from designations_as_of(date '2025-04-12') where authority = 'UK'
create or replace macro designations_as_of(as_of_date) as table
with
designations as (
    select * from main.designations
),

final as (
    select
        authority,
        list_name,
        list_id,
        list_ref,
        entity_type,
        primary_name,
        regimes,
        listed_on,
        last_updated,
        remarks,
        statement_of_reasons,
        parent_company,
        valid_from,
        valid_to,
        is_current,
        published_on,
        sha256,
        source_file,
        run_id,
        designation_version_id,
    from designations
    where valid_from <= cast(as_of_date as date)
        and (valid_to is null or valid_to > cast(as_of_date as date))
)

select * from final
