-- People the news reports as sanctioned (designated or already sanctioned), one row per mention.
create or replace view sanctioned_persons as
with
final as (
    select
        name,
        role,
        affiliation,
        authority,
        action,
        published_on,
        document_title,
        sentence,
        mention_id,
        document_id,
    from mentions_enriched
    where entity_type = 'person'
        and action in ('designated', 'existing')
)

select * from final
order by published_on desc nulls last, name
