-- History across formats and publications (issue 12): facts with no column of their own, delta
-- versions, and one UK list keyed by the Unique ID. Re-runnable: the re-keying only touches rows still
-- under the ConList's old list name, and there are none once it has run.

-- Facts with no column of their own: OFAC features, list memberships, sanctions types and legal
-- authorities; UK sanctions imposed, designation source, OFSI Group ID, gender, phones, ship details.
create table if not exists designation_properties (
    designation_version_id varchar not null,
    authority varchar not null,
    list_id varchar not null,
    property varchar not null,  -- snake_case: sanctions_list, sanctions_imposed, gender, website, ...
    value varchar not null,
);

-- A list version is the whole list ("full") or one publication's changes applied on top of the
-- loaded version ("delta": the OFAC delta files).
alter table list_versions add column if not exists kind varchar default 'full';

-- The UK's two publications (the OFSI ConList, frozen in January 2026, and the FCDO UK Sanctions List)
-- are one list, "UK Sanctions List", keyed by the Unique ID (the ConList's UK Sanctions List Ref).
-- Designations loaded from the ConList before were keyed by their OFSI Group ID: each group takes the
-- Unique ID of its latest version that gave one (a Unique ID given to several groups of one file
-- counts for neither), else the provisional key `OFSI-<group id>`, in every version and table.
create temporary table uk_keys as
with
versions as (
    select
        list_id as group_id,
        list_ref,
        sha256,
        valid_from,
    from designations
    where authority = 'UK' and list_name = 'OFSI Consolidated List'
),

shared_refs as (
    select sha256, list_ref,
    from versions
    where list_ref is not null
    group by all
    having count(distinct group_id) > 1
),

usable as (
    select
        versions.group_id,
        versions.valid_from,
        versions.list_ref,
    from versions
    left join shared_refs using (sha256, list_ref)
    where regexp_full_match(versions.list_ref, '[A-Z]{3}[0-9]{4}') and shared_refs.list_ref is null
),

latest as (
    select group_id, arg_max(list_ref, valid_from) as unique_id,
    from usable
    group by all
),

keyed as (
    select distinct
        versions.group_id,
        latest.unique_id,
    from versions
    left join latest using (group_id)
),

-- Two groups ending on one Unique ID (only possible across files) keep their provisional keys.
final as (
    select
        group_id,
        case
            when unique_id is not null and count(*) over (partition by unique_id) = 1 then unique_id
            else 'OFSI-' || group_id
        end as new_id,
    from keyed
)

select * from final;

update designations
set
    list_id = uk_keys.new_id,
    list_name = 'UK Sanctions List',
    list_ref = case when uk_keys.new_id like 'OFSI-%' then null else uk_keys.new_id end,
from uk_keys
where designations.authority = 'UK'
    and designations.list_name = 'OFSI Consolidated List'
    and designations.list_id = uk_keys.group_id;

update designation_names set list_id = designations.list_id
from designations
where designation_names.designation_version_id = designations.designation_version_id
    and designations.authority = 'UK' and designation_names.list_id != designations.list_id;

update designation_identifiers set list_id = designations.list_id
from designations
where designation_identifiers.designation_version_id = designations.designation_version_id
    and designations.authority = 'UK' and designation_identifiers.list_id != designations.list_id;

update designation_addresses set list_id = designations.list_id
from designations
where designation_addresses.designation_version_id = designations.designation_version_id
    and designations.authority = 'UK' and designation_addresses.list_id != designations.list_id;

update designation_birth_dates set list_id = designations.list_id
from designations
where designation_birth_dates.designation_version_id = designations.designation_version_id
    and designations.authority = 'UK' and designation_birth_dates.list_id != designations.list_id;

update designation_nationalities set list_id = designations.list_id
from designations
where designation_nationalities.designation_version_id = designations.designation_version_id
    and designations.authority = 'UK' and designation_nationalities.list_id != designations.list_id;

update designation_changes set list_id = designations.list_id, list_name = designations.list_name
from designations
where coalesce(designation_changes.designation_version_id, designation_changes.previous_version_id)
        = designations.designation_version_id
    and designation_changes.authority = 'UK' and designation_changes.list_name = 'OFSI Consolidated List';

update mention_links set list_id = designations.list_id, list_name = designations.list_name
from designations
where mention_links.designation_version_id = designations.designation_version_id
    and mention_links.authority = 'UK' and mention_links.list_name = 'OFSI Consolidated List';

update list_versions set list_name = 'UK Sanctions List'
where authority = 'UK' and list_name = 'OFSI Consolidated List';

drop table uk_keys;
