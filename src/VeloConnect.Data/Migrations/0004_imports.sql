-- CSV imports: the uploaded file, the wizard's choices, the job's progress, and one result per row.
create table imports (
    id uuid primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id uuid not null,
    file_name text not null,
    file_size bigint not null,
    status text not null check (status in ('uploaded', 'running', 'finished', 'failed')),
    created_at timestamptz not null default now(),
    analysis jsonb not null,            -- what the upload step found: encoding, delimiter, header, columns, problems
    convert_from text,                  -- the encoding the user confirmed converting from (not UTF-8 files)
    has_header boolean not null,
    mapping jsonb,                      -- the confirmed mapping: a target per column and the default region
    total_rows integer not null,
    rows_done integer not null default 0,
    added integer not null default 0,
    updated integer not null default 0,
    skipped integer not null default 0,
    invalid integer not null default 0,
    started_at timestamptz,
    finished_at timestamptz,
    heartbeat_at timestamptz,           -- a running job older than this is resumed by another silo
    error text
);
create index imports_history on imports (workspace_id, created_at desc, id desc);
create index imports_running on imports (heartbeat_at) where status = 'running';

create table import_files (
    import_id uuid primary key references imports (id) on delete cascade,
    content bytea not null
);

-- Every row of the file ends here exactly once (the primary key): added + updated + skipped + invalid = rows.
-- A row that changes a contact is recorded in the same transaction as the change, so a job resumed after a
-- crash knows exactly which rows are done.
create table import_rows (
    import_id uuid not null references imports (id) on delete cascade,
    row_number integer not null,
    outcome text not null check (outcome in ('added', 'updated', 'skipped', 'invalid')),
    contact_id uuid,
    duplicate_of integer,
    reasons text[] not null default '{}',
    warnings text[] not null default '{}',
    primary key (import_id, row_number)
);
