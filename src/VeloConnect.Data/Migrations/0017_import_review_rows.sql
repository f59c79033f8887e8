-- Issue 14: every row of an import's review, kept server-side and read a page at a time (GET /api/imports/{id}/review/rows).
-- A review replaces the previous review's rows in the transaction that marks the import reviewed (binary COPY, see
-- ImportReviewRows), so the rows are always those of the current review: the import's reviewed_at says there is one.
-- cells: the row's cells as the review read them. edited: the review's edits changed the row.
create table import_review_rows (
    import_id uuid not null references imports (id) on delete cascade,
    row_number integer not null,
    outcome text not null check (outcome in ('added', 'updated', 'skipped', 'invalid')),
    contact_id uuid,
    duplicate_of integer,
    reasons text[] not null default '{}',
    warnings text[] not null default '{}',
    cells text[] not null,
    edited boolean not null default false,
    primary key (import_id, row_number)
);

-- The one place the rows are cleared: whatever clears reviewed_at (a new mapping, a new analysis, an edit) clears the
-- review's rows in the same statement; a discarded or purged import takes them with it (on delete cascade).
create function import_review_rows_clear() returns trigger language plpgsql as $$
begin
    delete from import_review_rows where import_id = new.id;
    return null;
end $$;

create trigger imports_review_cleared after update of reviewed_at on imports
    for each row when (new.reviewed_at is null) execute function import_review_rows_clear();
