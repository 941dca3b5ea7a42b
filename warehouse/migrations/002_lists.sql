-- The official-lists side: every version of every designation (SCD-2), its names, identifiers,
-- addresses, birth dates and nationalities, the change feed, and what was fetched and loaded.
-- Dates are the list's own; timestamps are UTC. Re-runnable: every statement is "if not exists".

-- One row per list version loaded (a file, or an OFAC CSV set, identified by its sha256).
create table if not exists list_versions (
    authority varchar not null,  -- UK, US, EU, UN
    list_name varchar not null,
    sha256 varchar not null,
    format varchar not null,
    source_file varchar not null,
    published_on date,  -- the list's own publication date (the load date where the file has none)
    source_records integer not null,
    designation_count integer not null,
    added_count integer not null,
    amended_count integer not null,
    removed_count integer not null,
    quarantined_count integer not null,
    run_id varchar not null,
    loaded_at timestamp not null,
    primary key (authority, list_name, sha256),
);

-- One row per list entry and version: valid from the publication date of the file that first
-- carried this content, to the publication date of the file that changed or dropped it.
create table if not exists designations (
    designation_version_id varchar primary key,  -- sha256 of authority, list name, list id, content hash, run
    authority varchar not null,
    list_name varchar not null,
    list_id varchar not null,  -- the list's own id: UK Group ID, OFAC ent_num/uid, UN DATAID, EU logicalId
    list_ref varchar,  -- a second reference: UK Sanctions List Ref, UN reference number, EU reference number
    entity_type varchar not null,  -- person, organisation, vessel, aircraft
    primary_name varchar not null,
    regimes varchar,  -- regimes / programs, sorted, joined with "; "
    listed_on date,
    last_updated date,
    remarks varchar,  -- UK Other Information, OFAC remarks, UN comments, EU remarks
    statement_of_reasons varchar,
    parent_company varchar,  -- UK `(Parent company):` sub-field
    content_hash varchar not null,  -- sha256 of all the entry's facts, across its child rows
    valid_from date not null,
    valid_to date,  -- null while current
    is_current boolean not null,
    source_file varchar not null,
    sha256 varchar not null,
    published_on date,
    source_position integer,  -- spreadsheet row or record number in the file
    run_id varchar not null,
    loaded_at timestamp not null,
);

create table if not exists designation_names (
    designation_version_id varchar not null,
    authority varchar not null,
    list_id varchar not null,
    full_name varchar not null,
    alias_type varchar not null,  -- primary, primary_variation, aka, fka, nka
    alias_quality varchar,  -- good, low (UK, UN); strong, weak (OFAC, EU)
    title varchar,
    name_non_latin varchar,
    non_latin_script varchar,
    non_latin_language varchar,
    source_position integer,
);

create table if not exists designation_identifiers (
    designation_version_id varchar not null,
    authority varchar not null,
    list_id varchar not null,
    id_type varchar not null,  -- passport, national_id, imo, registration, tax_id, ... or the list's label
    id_number varchar not null,
    country varchar,
    details varchar,
);

create table if not exists designation_addresses (
    designation_version_id varchar not null,
    authority varchar not null,
    list_id varchar not null,
    address varchar,
    city varchar,
    postal_code varchar,
    country varchar,
);

create table if not exists designation_birth_dates (
    designation_version_id varchar not null,
    authority varchar not null,
    list_id varchar not null,
    birth_date varchar,  -- partial ISO date: 1994, 1970-05 or 1958-01-01
    year_from integer,
    year_to integer,
    is_approximate boolean not null,
    raw_value varchar not null,
);

create table if not exists designation_nationalities (
    designation_version_id varchar not null,
    authority varchar not null,
    list_id varchar not null,
    country varchar not null,
);

-- The change feed: per run, one row per designation added, amended or removed.
create table if not exists designation_changes (
    change_id varchar primary key,  -- sha256 of run, file sha256, authority, list name, list id
    run_id varchar not null,
    authority varchar not null,
    list_name varchar not null,
    list_id varchar not null,
    change_type varchar not null,  -- added, amended, removed
    detected_at timestamp not null,
    published_on date,
    designation_version_id varchar,  -- the new version (null when removed)
    previous_version_id varchar,  -- the version it replaced (null when added)
    changed_fields varchar,  -- amendments: designation columns and child tables that differ, "; "-joined
);

-- Conditional-request state of each fetched URL, so an unchanged list is not downloaded again.
create table if not exists list_fetch_state (
    url varchar primary key,
    etag varchar,
    last_modified varchar,
    sha256 varchar,
    content_length bigint,
    fetched_at timestamp not null,
);
