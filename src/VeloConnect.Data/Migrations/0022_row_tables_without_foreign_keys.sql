-- Issue 13, a cheaper schema (second step, after 0016): the tables an import writes a row per contact or per file row
-- into checked a foreign key per row: a lookup in the parent's primary key and a key-share lock, for every one of the
-- 50,000 contacts (-> workspaces), row results (-> imports), journal entries (-> imports) and review rows (-> imports).
-- Measured with psql (backend CPU, 50,000 rows each, docs/decisions.md "Foreign keys checked once per statement"):
-- ~0.15-0.25 s of PostgreSQL's CPU per table, a fifth of an import's own cost. Each check is now made once per
-- statement (a COPY of 5,000 rows names one workspace or one import) by a trigger that does what the foreign key did:
-- it takes the same key-share lock on the parent row, so a concurrent delete of it waits, and refuses the statement
-- with the foreign key's error (23503) when the parent is missing. The cascades on delete are kept by statement triggers
-- on the parents. contacts.assigned_agent_id keeps its foreign key: it is null for imported contacts (no check then).

alter table contacts drop constraint contacts_workspace_id_fkey;
alter table import_rows drop constraint import_rows_import_id_fkey;
alter table import_journal drop constraint import_journal_import_id_fkey;
alter table import_review_rows drop constraint import_review_rows_import_id_fkey;

-- The parents a statement's new rows name (TG_ARGV: the parent table, the column naming it), locked as a foreign key
-- locks them (for key share), or the foreign key's error.
create function rows_require_parent() returns trigger language plpgsql as $$
declare
    named record;
    found_rows bigint;
begin
    for named in execute format('select distinct %I as id from inserted', TG_ARGV[1]) loop
        execute format('select 1 from %I where id = $1 for key share', TG_ARGV[0]) using named.id;
        get diagnostics found_rows = row_count;
        if found_rows = 0 then
            raise exception 'insert on table "%" violates its reference to %: % does not exist', TG_TABLE_NAME, TG_ARGV[0], named.id
                using errcode = 'foreign_key_violation';
        end if;
    end loop;
    return null;
end $$;

-- An update changing the parent is refused: no statement of the application moves a row to another workspace or import.
create function rows_keep_parent() returns trigger language plpgsql as $$
begin
    raise exception 'table "%": % cannot change', TG_TABLE_NAME, TG_ARGV[0] using errcode = 'foreign_key_violation';
end $$;

create trigger contacts_require_workspace after insert on contacts referencing new table as inserted
    for each statement execute function rows_require_parent('workspaces', 'workspace_id');
create trigger contacts_keep_workspace before update of workspace_id on contacts
    for each row when (new.workspace_id is distinct from old.workspace_id) execute function rows_keep_parent('workspace_id');

create trigger import_rows_require_import after insert on import_rows referencing new table as inserted
    for each statement execute function rows_require_parent('imports', 'import_id');
create trigger import_rows_keep_import before update of import_id on import_rows
    for each row when (new.import_id is distinct from old.import_id) execute function rows_keep_parent('import_id');

create trigger import_journal_require_import after insert on import_journal referencing new table as inserted
    for each statement execute function rows_require_parent('imports', 'import_id');
create trigger import_journal_keep_import before update of import_id on import_journal
    for each row when (new.import_id is distinct from old.import_id) execute function rows_keep_parent('import_id');

create trigger import_review_rows_require_import after insert on import_review_rows referencing new table as inserted
    for each statement execute function rows_require_parent('imports', 'import_id');
create trigger import_review_rows_keep_import before update of import_id on import_review_rows
    for each row when (new.import_id is distinct from old.import_id) execute function rows_keep_parent('import_id');

-- The cascades, as "on delete cascade" did them, in the deleting statement.
create function workspaces_delete_contacts() returns trigger language plpgsql as $$
begin
    delete from contacts c using gone g where c.workspace_id = g.id;
    return null;
end $$;

create trigger workspaces_delete_contacts after delete on workspaces referencing old table as gone
    for each statement execute function workspaces_delete_contacts();

create function imports_delete_rows() returns trigger language plpgsql as $$
begin
    delete from import_rows r using gone g where r.import_id = g.id;
    delete from import_journal j using gone g where j.import_id = g.id;
    delete from import_review_rows r using gone g where r.import_id = g.id;
    return null;
end $$;

create trigger imports_delete_rows after delete on imports referencing old table as gone
    for each statement execute function imports_delete_rows();
