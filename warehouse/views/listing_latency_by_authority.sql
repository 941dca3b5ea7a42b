-- Median days from a linked news mention's publication to the listing, per authority and year of
-- publication (published_year 'all': every year), from mention_listing_latency. Undated articles are
-- left out of the figures and counted in undated_mentions (on the 'all' row); so are listings dated only
-- by the first loaded version that carried them (listed_on_source 'first_seen': a bound, not a date),
-- counted in first_seen_only.
create or replace view listing_latency_by_authority as
with
latency as (
    select * from mention_listing_latency
),

dated as (
    select * from latency where published_on is not null and listed_on_source = 'list'
),

by_year as (
    select
        authority,
        coalesce(cast(year(published_on) as varchar), 'all') as published_year,
        count(*) as mentions,
        count(distinct entity_id) as entities,
        median(days_to_listing) as median_days,
        min(days_to_listing) as min_days,
        max(days_to_listing) as max_days,
        count(*) filter (where days_to_listing < 0) as listed_before_news,
    from dated
    group by grouping sets ((authority, year(published_on)), (authority))
),

undated as (
    select
        authority,
        count(*) filter (where published_on is null) as undated_mentions,
        count(*) filter (where published_on is not null and listed_on_source = 'first_seen') as first_seen_only,
    from latency
    group by authority
),

final as (
    select
        u.authority,
        coalesce(b.published_year, 'all') as published_year,
        coalesce(b.mentions, 0) as mentions,
        coalesce(b.entities, 0) as entities,
        b.median_days,
        b.min_days,
        b.max_days,
        coalesce(b.listed_before_news, 0) as listed_before_news,
        case when coalesce(b.published_year, 'all') = 'all' then u.undated_mentions end as undated_mentions,
        case when coalesce(b.published_year, 'all') = 'all' then u.first_seen_only end as first_seen_only,
    from undated as u
    left join by_year as b using (authority)
)

select * from final
