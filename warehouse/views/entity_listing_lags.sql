-- Between authorities, for the same entity: the days from authority_a's listing to authority_b's
-- (the earliest listing date of each authority's entries of the entity; negative when b listed
-- first; is_dated_by_lists false when a date is only a bound: entity_first_listings). One row per entity and pair of authorities (authority_a < authority_b) that both listed it.
create or replace view entity_listing_lags as
with
listings as (
    select * from entity_first_listings
),

final as (
    select
        a.entity_id,
        a.authority as authority_a,
        b.authority as authority_b,
        a.listed_on as listed_on_a,
        b.listed_on as listed_on_b,
        date_diff('day', a.listed_on, b.listed_on) as days_a_to_b,
        a.listed_on_source = 'list' and b.listed_on_source = 'list' as is_dated_by_lists,
    from listings as a
    inner join listings as b on b.entity_id = a.entity_id and a.authority < b.authority
)

select * from final
