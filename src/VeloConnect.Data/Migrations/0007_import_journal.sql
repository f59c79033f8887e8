-- The import journal: what each import did to each contact, written in the same transaction as the change (batch or
-- single row), so that a finished import can be reverted. One entry per (import, contact): whether the import created
-- it, the contact's mergeable data before the import's first change (null when created) and after its last change.
-- No foreign key to contacts: the entry outlives a contact deleted since, which the revert must know about.
create table import_journal (
    import_id uuid not null references imports (id) on delete cascade,
    contact_id uuid not null,
    workspace_id uuid not null,
    created boolean not null,
    before jsonb,                       -- {name, phones, email, tags, custom, agent}; null for a contact the import created
    after jsonb not null,
    first_at timestamptz not null,
    last_at timestamptz not null,
    primary key (import_id, contact_id)
);

-- One revert per import (the primary key makes asking again return the same one).
create table import_reverts (
    import_id uuid primary key references imports (id) on delete cascade,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id uuid not null,
    status text not null check (status in ('running', 'finished')),
    total integer not null,             -- journal entries to decide
    requested_at timestamptz not null default now(),
    finished_at timestamptz,
    heartbeat_at timestamptz            -- a running revert silent for a while is resumed by another silo
);
create index import_reverts_running on import_reverts (heartbeat_at) where status = 'running';

-- Each journal entry once decided, committed with what the decision wrote: a resumed revert skips them.
create table import_revert_entries (
    import_id uuid not null references import_reverts (import_id) on delete cascade,
    contact_id uuid not null,
    outcome text not null check (outcome in ('deleted', 'restored', 'kept', 'unchanged')),
    reasons text[] not null default '{}',
    primary key (import_id, contact_id)
);
