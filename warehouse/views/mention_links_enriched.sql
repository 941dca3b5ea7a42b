-- Every mention with its best links to designations and their status on the document's date.
create or replace view mention_links_enriched as
with
links as (
    select * from main.mention_links
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
        l.authority,
        l.list_id,
        l.list_ref,
        l.primary_name,
        l.matched_name,
        l.score,
        l.link_rank,
        l.is_same_authority,
        l.status_on_document_date,
        l.document_published_on,
        l.listed_on,
        l.delisted_on,
        l.evidence,
        m.sentence,
        l.mention_id,
        l.document_id,
        l.designation_version_id,
    from links as l
    inner join mentions as m on m.mention_id = l.mention_id
)

select * from final
