-- Median days from a linked news mention's publication to the listing, per authority and year of
-- publication (published_year 'all': every year), from mention_listing_latency. Undated articles are
-- left out of the figures and counted in undated_mentions (on the 'all' row).
create or replace view listing_latency_by_authority as
with
latency as (
    select * from mention_listing_latency
),

dated as (
    select * from latency where published_on is not null
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
    select authority, count(*) as undated_mentions,
    from latency
    where published_on is null
    group by authority
),

final as (
    select
        b.authority,
        b.published_year,
        b.mentions,
        b.entities,
        b.median_days,
        b.min_days,
        b.max_days,
        b.listed_before_news,
        case when b.published_year = 'all' then coalesce(u.undated_mentions, 0) end as undated_mentions,
    from by_year as b
    left join undated as u using (authority)
)

select * from final
