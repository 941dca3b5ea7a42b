-- How fast the lists followed the news: for each news mention linked to a designation (its best
-- link), the entity of that designation and, for each authority that ever listed the entity, the days
-- from the article's publication to the listing (the earliest listing date of the authority's entries
-- of the entity; negative when the news followed the listing; listed_on_source 'first_seen': a
-- bound, see entity_first_listings). Undated articles have a null
-- days_to_listing and are left out of the medians (listing_latency_by_authority counts them).
create or replace view mention_listing_latency as
with
links as (
    select * from main.mention_links where link_rank = 1
),

members as (
    select * from main.entity_members
),

linked as (
    select
        l.mention_id,
        l.document_id,
        l.document_published_on as published_on,
        m.entity_id,
    from links as l
    inner join members as m using (authority, list_name, list_id)
),

listings as (
    select * from entity_first_listings
),

final as (
    select
        linked.mention_id,
        linked.document_id,
        linked.entity_id,
        listings.authority,
        linked.published_on,
        listings.listed_on,
        listings.listed_on_source,
        date_diff('day', linked.published_on, listings.listed_on) as days_to_listing,
    from linked
    inner join listings using (entity_id)
)

select * from final
