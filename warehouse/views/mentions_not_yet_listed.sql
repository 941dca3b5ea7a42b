-- Announced in the news but not yet on the list: mentions linked to a designation whose listing
-- date falls after the document's date.
create or replace view mentions_not_yet_listed as
with
links as (
    select * from mention_links_enriched where status_on_document_date = 'not_yet_listed'
),

final as (
    select
        mention_name,
        entity_type,
        mention_authority,
        action,
        document_published_on,
        authority,
        list_id,
        list_ref,
        primary_name,
        matched_name,
        listed_on,
        score,
        link_rank,
        sentence,
        mention_id,
        document_id,
        designation_version_id,
    from links
)

select * from final
