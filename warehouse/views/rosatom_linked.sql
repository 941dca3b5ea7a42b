-- Everything linked to Rosatom, with its evidence: current designations linked by the list's own
-- words (the UK parent company field, a Rosatom name or alias, the remarks, the statement of reasons
-- or another fact such as a position held), together with the Rosatom-linked news mentions.
create or replace view rosatom_linked as
with
designations as (
    select * from main.designations where is_current
),

names as (
    select * from main.designation_names
),

properties as (
    select * from main.designation_properties
),

mentions as (
    select * from mentions_enriched where is_rosatom_linked
),

by_parent_company as (
    select
        designation_version_id,
        'parent_company' as evidence_type,
        parent_company as evidence,
    from designations
    where regexp_matches(parent_company, '(?i)rosatom|rusatom|росатом')
),

by_name as (
    select distinct
        n.designation_version_id,
        case when n.alias_type = 'primary' then 'name' else 'alias' end as evidence_type,
        n.full_name as evidence,
    from names as n
    inner join designations as d on d.designation_version_id = n.designation_version_id
    where regexp_matches(n.full_name, '(?i)rosatom|rusatom|росатом')
        or regexp_matches(coalesce(n.name_non_latin, ''), '(?i)росатом')
),

by_remarks as (
    select
        designation_version_id,
        'remarks' as evidence_type,
        -- up to 12 whole words before the first mention of Rosatom and 18 after it
        regexp_extract(
            remarks, '(?is)(?:^|\s)((?:\S+\s+){0,12}?\S*(?:rosatom|rusatom|росатом)\S*(?:\s+\S+){0,18})', 1
        ) as evidence,
    from designations
    where regexp_matches(remarks, '(?i)rosatom|rusatom|росатом')
        and not regexp_matches(coalesce(parent_company, ''), '(?i)rosatom')
),

by_statement_of_reasons as (
    select
        designation_version_id,
        'statement_of_reasons' as evidence_type,
        -- whole words around the first mention of Rosatom, as for the remarks
        regexp_extract(
            statement_of_reasons,
            '(?is)(?:^|\s)((?:\S+\s+){0,12}?\S*(?:rosatom|rusatom|росатом)\S*(?:\s+\S+){0,18})', 1
        ) as evidence,
    from designations
    where regexp_matches(statement_of_reasons, '(?i)rosatom|rusatom|росатом')
        and not regexp_matches(coalesce(parent_company, ''), '(?i)rosatom')
        and not regexp_matches(coalesce(remarks, ''), '(?i)rosatom|rusatom|росатом')
),

by_property as (
    select distinct
        p.designation_version_id,
        p.property as evidence_type,
        p.value as evidence,
    from properties as p
    inner join designations as d on d.designation_version_id = p.designation_version_id
    where regexp_matches(p.value, '(?i)rosatom|rusatom|росатом')
),

list_evidence as (
    select * from by_parent_company
    union all
    select * from by_name
    union all
    select * from by_remarks
    union all
    select * from by_statement_of_reasons
    union all
    select * from by_property
),

from_lists as (
    select
        'list' as source,
        d.authority,
        d.list_name,
        d.list_id,
        d.list_ref,
        d.primary_name as name,
        d.entity_type,
        d.regimes,
        d.listed_on,
        null::date as published_on,
        e.evidence_type,
        e.evidence,
        null::varchar as action,
        null::varchar as document_id,
        null::varchar as mention_id,
    from list_evidence as e
    inner join designations as d on d.designation_version_id = e.designation_version_id
),

from_news as (
    select
        'news' as source,
        authority,
        null::varchar as list_name,
        null::varchar as list_id,
        null::varchar as list_ref,
        name,
        entity_type,
        null::varchar as regimes,
        null::date as listed_on,
        published_on,
        'news_mention' as evidence_type,
        sentence as evidence,
        action,
        document_id,
        mention_id,
    from mentions
),

final as (
    select * from from_lists
    union all
    select * from from_news
)

select * from final
