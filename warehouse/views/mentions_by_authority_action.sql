-- How many targets each authority designated, delisted, proposed or already had, from how many documents.
create or replace view mentions_by_authority_action as
with
final as (
    select
        authority,
        action,
        count(*) as mentions,
        count(distinct document_id) as documents,
        count(*) filter (where entity_type = 'person') as persons,
        count(*) filter (where entity_type = 'organisation') as organisations,
        count(*) filter (where entity_type = 'vessel') as vessels,
        count(*) filter (where entity_type = 'unnamed_group') as unnamed_groups,
        sum(coalesce(count, 0)) filter (where entity_type = 'unnamed_group') as targets_in_groups,
        count(*) filter (where is_rosatom_linked) as rosatom_linked,
    from mentions_enriched
    group by authority, action
)

select * from final
order by authority, action
