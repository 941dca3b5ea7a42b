-- The news side of the warehouse and the bookkeeping every flow shares.
-- Timestamps are UTC. Re-runnable: every statement is "if not exists".

create table if not exists runs (
    run_id varchar primary key,
    flow varchar not null,
    started_at timestamp not null,
    ended_at timestamp,
    status varchar not null,  -- succeeded, partial (some sources failed), failed
    counts json,
    errors json,  -- list of {source, message}
    params json,
    code_version varchar not null,
    extractor_version varchar,
);

create table if not exists documents (
    document_id varchar primary key,  -- sha256 of the text
    source_uri varchar not null,  -- where it was first read
    title varchar,
    published_on date,
    fetched_at timestamp not null,
    content_type varchar not null,
    n_chars integer not null,
    text varchar not null,
    run_id varchar not null,
);

-- Every place a document was read from (the same text can come from several URLs).
create table if not exists document_sources (
    document_id varchar not null,
    source_uri varchar not null,
    first_seen_run_id varchar not null,
    primary key (document_id, source_uri),
);

-- The extraction that produced a document's current mentions.
create table if not exists extractions (
    document_id varchar primary key,
    extractor_version varchar not null,
    mention_count integer not null,
    run_id varchar not null,
    extracted_at timestamp not null,
);

create table if not exists mentions (
    mention_id varchar primary key,
    document_id varchar not null,
    extractor_version varchar not null,
    name varchar,  -- as written; null for an unnamed group
    entity_type varchar not null,  -- person, organisation, vessel, unnamed_group
    count integer,  -- 1 for a named target; null when a group's size is not given
    role varchar,
    affiliation varchar,
    authority varchar not null,  -- UK, US, EU, UN, or a country's English name
    action varchar not null,  -- designated, delisted, proposed, existing
    is_rosatom_linked boolean not null,
    sentence varchar not null,
    sentence_start integer not null,
    span_start integer not null,  -- text[span_start:span_end] is the name or group phrase
    span_end integer not null,
    confidence double not null,
    cue varchar not null,
    run_id varchar not null,
);

create table if not exists quarantine (
    quarantine_id varchar primary key,  -- sha256 of table, row and check: the same failure is kept once
    run_id varchar not null,  -- the run that first met it
    target_table varchar not null,
    row_json json not null,
    check_name varchar not null,
    column_name varchar,
    failure_case varchar,
    source_location varchar,
    quarantined_at timestamp not null,
);
