-- Jobs end exactly once.
-- How many times an import's job has started running. A job started more often than a bounded number of times without
-- ending (whatever keeps it from ending) is failed visibly instead of being resumed for ever.
alter table imports add column runs integer not null default 0;

-- No row is recorded for an import that has ended, whichever path records it (a batch, a contact write of the
-- contended path, a row that changed nothing). The import's row is share-locked until the recording transaction
-- commits, so an end (which locks that row first) either waits for the rows and counts them, or comes first and the
-- rows are refused: rows never land after "finished".
create function import_rows_require_open_import() returns trigger language plpgsql as $$
declare
    recorded record;
begin
    for recorded in select distinct import_id from inserted loop
        perform 1 from imports where id = recorded.import_id and status not in ('finished', 'failed') for share;
        if not found then
            raise exception 'import % has ended: no row can be recorded for it', recorded.import_id using errcode = 'VCEND';
        end if;
    end loop;
    return null;
end $$;

create trigger import_rows_open_import after insert on import_rows referencing new table as inserted
    for each statement execute function import_rows_require_open_import();
