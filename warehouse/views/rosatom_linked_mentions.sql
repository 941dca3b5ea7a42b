-- Mentions linked to Rosatom or one of its known subsidiaries, whatever the action.
-- `target`: the name, or an unnamed group's phrase ("two organizations linked to ... Rosatom").
create or replace view rosatom_linked_mentions as
with
final as (
    select
        target,
        name,
        entity_type,
        count,
        affiliation,
        authority,
        action,
        published_on,
        document_title,
        sentence,
        mention_id,
        document_id,
    from mentions_enriched
    where is_rosatom_linked
)

select * from final
order by published_on desc nulls last, target
