-- Every current mention with its document's title, source and date: the base of the analyst views.
-- `target` is what the mention is about: its name, or for an unnamed group the phrase that describes it.
create or replace view mentions_enriched as
with
mentions as (
    select * from main.mentions
),

documents as (
    select document_id, title, source_uri, published_on, text from main.documents
),

final as (
    select
        m.mention_id,
        coalesce(m.name, substr(d.text, m.span_start + 1, m.span_end - m.span_start)) as target,
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
        m.sentence_start,
        m.span_start,
        m.span_end,
        m.extractor_version,
        m.run_id,
    from mentions as m
    inner join documents as d on d.document_id = m.document_id
)

select * from final
