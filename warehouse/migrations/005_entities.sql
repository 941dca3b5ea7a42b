-- Entities across lists (warehouse/entities.py, sanctrack/entities/): list entries that are one party,
-- the pairs examined with their evidence, and the reviewers' decisions. Recomputed after each lists
-- run that changed the lists; the same lists and reviews give identical rows (no timestamps but the
-- reviews'). Re-runnable: every statement is "if not exists".

-- Every list entry ever loaded (authority, list name, list id) and the entity it belongs to.
create table if not exists entity_members (
    authority varchar not null,
    list_name varchar not null,
    list_id varchar not null,
    entity_id varchar not null,
    designation_version_id varchar not null,  -- the entry's latest version when it was linked
    is_listed boolean not null,  -- on its list at that time
    primary key (authority, list_name, list_id),
);

-- One row per entity: a party on one list or several.
create table if not exists entities (
    entity_id varchar primary key,  -- ent- and a hash of its anchor entry (the one listed first)
    entity_type varchar not null,  -- person, organisation, vessel, aircraft (a ship a list types as an entity is a vessel)
    caption varchar not null,  -- the anchor entry's primary name
    countries varchar,  -- nationalities (persons) or address countries, ISO codes, "; "-joined
    entries integer not null,  -- list entries, current or not
    current_entries integer not null,
    authorities varchar,  -- authorities that list it now, "; "-joined
    first_listed_on date,  -- the earliest listing date of its entries
);

-- Pairs of entries of different lists that were examined: linked, candidates for review, or kept as
-- evidence against (not_linked), with the rule that decided and all the evidence.
create table if not exists entity_links (
    link_id varchar primary key,  -- sha256 of both entries' keys, in order
    authority_a varchar not null,
    list_name_a varchar not null,
    list_id_a varchar not null,
    authority_b varchar not null,
    list_name_b varchar not null,
    list_id_b varchar not null,
    decision varchar not null,  -- linked, candidate, not_linked, rejected
    rule varchar not null,  -- the rule that decided (sanctrack/entities/rules.py)
    score double not null,  -- 1.0 for an identifier or a reviewer's confirmation, else the name score
    name_score double not null,
    primary_name_score double not null,
    name_a varchar,  -- the two names that gave the name score
    name_b varchar,
    shared_identifiers varchar,  -- family:number, "; "-joined
    birth_dates varchar not null,  -- same_day, same_period, near, conflict, unknown
    countries varchar not null,  -- agree, conflict, unknown
    evidence json not null,
    linker_version varchar not null,
    matcher_version varchar not null,
);

-- A reviewer's decision on a pair: kept whatever the recomputations (confirmed links, rejected never does).
create table if not exists entity_reviews (
    link_id varchar primary key,
    authority_a varchar not null,
    list_name_a varchar not null,
    list_id_a varchar not null,
    authority_b varchar not null,
    list_name_b varchar not null,
    list_id_b varchar not null,
    decision varchar not null,  -- confirmed, rejected
    note varchar,
    rule_at_review varchar,  -- what the linker had decided, when the reviewer decided
    score_at_review double,
    reviewed_at timestamp not null,
);
