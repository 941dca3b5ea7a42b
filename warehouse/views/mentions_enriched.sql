-- Every current mention with its document's title, source and date: the base of the analyst views.
create or replace view mentions_enriched as
with
mentions as (
    select * from main.mentions
),

documents as (
    select document_id, title, source_uri, published_on from main.documents
),

final as (
    select
        m.mention_id,
        m.name,
        m.entity_type,
        m.count,
        m.role,
        m.affiliation,
        m.authority,
        m.action,
        m.is_rosatom_linked,
        m.sentence,
        m.confidence,
        m.cue,
        d.published_on,
        d.title as document_title,
        d.source_uri,
        m.document_id,
        m.span_start,
        m.span_end,
        m.extractor_version,
    from mentions as m
    inner join documents as d on d.document_id = m.document_id
)

select * from final
