-- Edits over an import's uploaded file (issue 14): the upload itself is never modified; each edit is a change applied,
-- in seq order, to the rows as they are read (ImportPlan.Rows), by the review, the run and the error report alike.
-- A bulk edit's filter is resolved when it is made into the row numbers it touched (rows), so replaying the list is
-- deterministic; rows null: every row. Undone edits keep their row (undone_at) so the list says who did and undid what.
create table import_edits (
    import_id uuid not null references imports (id) on delete cascade,
    seq bigint generated always as identity,
    kind text not null check (kind in ('cell', 'drop', 'restore', 'replace', 'trim', 'prefix', 'set')),
    spec jsonb not null,
    rows integer[],
    row_count integer not null,        -- the rows it changed when it was made (shown in the list)
    created_by text not null,
    created_at timestamptz not null default now(),
    undone_at timestamptz,
    primary key (import_id, seq)
);
