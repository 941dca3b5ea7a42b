-- Announced in the news but not yet on the list: mentions linked to a designation whose listing
-- date falls after the document's date.
create or replace view mentions_not_yet_listed as
with
links as (
    select * from main.mention_links where status_on_document_date = 'not_yet_listed'
),

mentions as (
    select mention_id, name, entity_type, authority, action, sentence from main.mentions
),

final as (
    select
        m.name as mention_name,
        m.entity_type,
        m.authority as mention_authority,
        m.action,
        l.document_published_on,
        l.authority,
        l.list_id,
        l.list_ref,
        l.primary_name,
        l.matched_name,
        l.listed_on,
        l.score,
        l.link_rank,
        m.sentence,
        l.mention_id,
        l.document_id,
        l.designation_version_id,
    from links as l
    inner join mentions as m on m.mention_id = l.mention_id
)

select * from final
