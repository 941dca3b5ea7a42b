-- Organisations, vessels and unnamed groups the news reports as sanctioned, one row per mention;
-- a group is named by its phrase ("two organizations linked to ... Rosatom") and counted in `count`.
create or replace view sanctioned_organisations as
with
final as (
    select
        target as name,
        entity_type,
        count,
        affiliation,
        is_rosatom_linked,
        authority,
        action,
        published_on,
        document_title,
        sentence,
        mention_id,
        document_id,
    from mentions_enriched
    where entity_type in ('organisation', 'vessel', 'unnamed_group')
        and action in ('designated', 'existing')
)

select * from final
order by published_on desc nulls last, name
