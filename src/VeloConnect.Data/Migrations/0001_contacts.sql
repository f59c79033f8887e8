-- VeloConnect core schema: workspaces, users and API keys, contacts and their identifiers,
-- opt-ins (kept apart from contacts so no contact write can reach them), custom field
-- definitions, audit log and notifications.
create extension if not exists pg_trgm;

create table workspaces (
    id uuid primary key,
    name text not null,
    default_region text not null default 'US',
    created_at timestamptz not null default now()
);

-- A user is an agent of one workspace: the owner of API keys, notifications and assignments.
create table users (
    id uuid primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    name text not null,
    email text,
    created_at timestamptz not null default now()
);
create index users_workspace on users (workspace_id);

-- API keys are stored as SHA-256 hashes; the key itself is shown once, when created.
create table api_keys (
    id uuid primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    key_hash bytea not null unique,
    name text not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);

create table contact_fields (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    key text not null,
    label text not null,
    type text not null check (type in ('text', 'number', 'date', 'boolean', 'single_select', 'multi_select')),
    options text[] not null default '{}',
    position integer not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (workspace_id, key)
);

create table contacts (
    id uuid primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    name text,
    phones text[] not null default '{}',          -- E.164, primary first
    email text,                                   -- trimmed, original case
    tags text[] not null default '{}',            -- first spelling kept
    tag_keys text[] not null default '{}',        -- lower-cased tags, for the tag filter
    custom jsonb not null default '{}',           -- custom field key -> typed JSON value
    source text not null,
    assigned_agent_id uuid references users (id) on delete set null,
    created_at timestamptz not null,
    last_activity_at timestamptz not null,
    updated_at timestamptz not null,
    version integer not null,
    search_text text not null default ''          -- lower-cased name, email and phones, for text search
);
-- Paging order of the contact list, and its filters.
create index contacts_list on contacts (workspace_id, created_at desc, id desc);
create index contacts_last_activity on contacts (workspace_id, last_activity_at);
create index contacts_source on contacts (workspace_id, lower(source));  -- the filter is case-insensitive
create index contacts_agent on contacts (workspace_id, assigned_agent_id);
create index contacts_tags on contacts using gin (tag_keys);
create index contacts_custom on contacts using gin (custom jsonb_path_ops);
create index contacts_search on contacts using gin (search_text gin_trgm_ops);

-- Each phone and email belongs to at most one contact of a workspace. The identity grains decide
-- who gets one; this table is their durable record and the database's own guarantee.
create table contact_identifiers (
    workspace_id uuid not null,
    kind char(1) not null check (kind in ('p', 'e')),
    value text not null,                          -- E.164 phone, or lower-cased email
    contact_id uuid not null references contacts (id) on delete cascade,
    primary key (workspace_id, kind, value)
);
create index contact_identifiers_contact on contact_identifiers (contact_id);

-- Channel consent, per contact and channel. Only the opt-in API writes here.
create table contact_opt_ins (
    contact_id uuid not null references contacts (id) on delete cascade,
    workspace_id uuid not null,
    channel text not null check (channel in ('whatsapp', 'sms', 'email')),
    status text not null check (status in ('opted_in', 'opted_out')),
    set_at timestamptz not null,
    source text not null,                         -- how consent was given or withdrawn
    set_by uuid,
    primary key (contact_id, channel)
);
create index contact_opt_ins_filter on contact_opt_ins (workspace_id, channel, status);

-- Opt-outs outlive the contact: when a contact is deleted its opt-outs are kept here under each of
-- its identifiers, and a contact later created with one of them starts opted out again.
create table retained_opt_outs (
    workspace_id uuid not null,
    kind char(1) not null,
    value text not null,
    channel text not null,
    set_at timestamptz not null,
    source text not null,
    set_by uuid,
    primary key (workspace_id, kind, value, channel)
);

create table audit_log (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    at timestamptz not null default now(),
    user_id uuid,
    action text not null,                         -- e.g. contacts.deleted, import.finished, opt_in.changed
    entity_type text,
    entity_id text,
    details jsonb not null default '{}'
);
create index audit_log_list on audit_log (workspace_id, at desc, id desc);
create index audit_log_action on audit_log (workspace_id, action, at desc);

create table notifications (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    at timestamptz not null default now(),
    kind text not null,
    title text not null,
    message text not null,
    link text,
    read_at timestamptz
);
create index notifications_user on notifications (user_id, id desc);
