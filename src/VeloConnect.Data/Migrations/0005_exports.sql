-- Exports: what was asked for (the filter, the format), the job's progress, and where the file is once ready.
-- The file itself lives in the exports directory that the API and the silos share (VeloConnect:Exports:Directory).
create table exports (
    id uuid primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id uuid not null,
    format text not null check (format in ('csv', 'json')),
    filter jsonb not null,              -- the contact filter the job selects with (as the list reads it)
    filter_query jsonb not null,        -- the filter as the user gave it (query parameters), for the audit log and the history
    status text not null check (status in ('running', 'ready', 'failed', 'expired')),
    total_rows bigint,                  -- contacts the filter selected when the job started (progress)
    rows bigint not null default 0,     -- rows written so far; once ready, the rows in the file
    bytes bigint,
    file_name text,                     -- name inside the exports directory, set once the file is complete
    created_at timestamptz not null default now(),
    heartbeat_at timestamptz,           -- a running export silent for longer than this is restarted by a silo
    finished_at timestamptz,
    expires_at timestamptz,             -- the file is deleted after this (retention)
    error text
);
create index exports_history on exports (workspace_id, user_id, created_at desc, id desc);
create index exports_expiring on exports (expires_at) where status = 'ready';
create index exports_running on exports (heartbeat_at) where status = 'running';
