-- Bulk requests sent with an Idempotency-Key: the body's hash and the answer, so that a retried request returns the
-- same answer without applying anything twice. A row without an answer is a request still being applied.
create table bulk_requests (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    key text not null,
    body_hash bytea not null,
    response text,                      -- the answer exactly as sent (jsonb would reorder its keys)
    created_at timestamptz not null default now(),
    primary key (workspace_id, key)
);
create index bulk_requests_age on bulk_requests (created_at);
