-- Links from news mentions to the official designations they refer to (warehouse/links.py).
-- Recomputed as a whole when mentions or lists change: the same inputs give identical rows.

create table if not exists mention_links (
    mention_link_id varchar primary key,  -- sha256 of mention id, authority, list name, list id
    mention_id varchar not null,
    document_id varchar not null,
    designation_version_id varchar not null,  -- the latest version of the designation
    authority varchar not null,  -- the designation's authority (UK, US, EU, UN)
    list_name varchar not null,
    list_id varchar not null,
    list_ref varchar,
    primary_name varchar not null,
    matched_name varchar not null,  -- the name or alias of the designation that matched
    score double not null,  -- 1.0 = exact match of a full name (docs/matching.md)
    link_rank integer not null,  -- 1 = the mention's best link
    is_same_authority boolean not null,  -- the mention's authority is the designation's
    evidence json not null,  -- tokens matched and missing, entity type, authority, dates
    document_published_on date,
    listed_on date,
    delisted_on date,  -- when the designation left its list (null while listed)
    status_on_document_date varchar not null,  -- listed, not_yet_listed, delisted, unknown
    matcher_version varchar not null,
);
