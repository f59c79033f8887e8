-- Issue 13, a cheaper schema: a keyed bulk request records what happened to each of its items (bulk_request_items,
-- migration 0011), and each of those rows checked its foreign key to bulk_requests: a lookup in the parent's key and a
-- key-share lock, for every one of a request's 10,000 items. Measured with psql (backend CPU, a COPY of 100,000 items,
-- 3 runs, docs/decisions.md "Bulk items checked once per statement"): 0.62-0.66 s with the foreign key, 0.32-0.35 s
-- without it. As migration 0022 did for the import's row tables, the check is made once per statement by
-- rows_require_parent (the same lock, the foreign key's error), and the cascade on delete by a statement trigger.

alter table bulk_request_items drop constraint bulk_request_items_request_id_fkey;

create trigger bulk_request_items_require_request after insert on bulk_request_items referencing new table as inserted
    for each statement execute function rows_require_parent('bulk_requests', 'request_id');
create trigger bulk_request_items_keep_request before update of request_id on bulk_request_items
    for each row when (new.request_id is distinct from old.request_id) execute function rows_keep_parent('request_id');

create function bulk_requests_delete_items() returns trigger language plpgsql as $$
begin
    delete from bulk_request_items i using gone g where i.request_id = g.id;
    return null;
end $$;

create trigger bulk_requests_delete_items after delete on bulk_requests referencing old table as gone
    for each statement execute function bulk_requests_delete_items();
