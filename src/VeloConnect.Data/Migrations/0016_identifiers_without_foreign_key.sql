-- Issue 13, a cheaper schema: the identifiers' foreign key to contacts checked every identifier written (a lookup in
-- contacts' primary key and a row lock per identifier: ~0.45 s of PostgreSQL's CPU for 50,000 contacts' 100,000
-- identifiers, ~13 % of an import's own cost; docs/decisions.md "A cheaper schema (issue 13)"). Every write of an
-- identifier already runs in the transaction that inserts its contact or updates it, version-checked (which locks it),
-- so the check adds nothing. What the foreign key also did, deleting a contact's identifiers with it ("on delete
-- cascade"), is kept by a trigger: every delete of contacts (one, a revert's, a workspace's cascade) frees their
-- addresses in the same statement, as before. Their opt-outs are untouched (they live in address_opt_outs, by address).
alter table contact_identifiers drop constraint contact_identifiers_contact_id_fkey;

create function contacts_free_identifiers() returns trigger language plpgsql as $$
begin
    delete from contact_identifiers i using gone g where i.contact_id = g.id;
    return null;
end $$;

create trigger contacts_free_identifiers after delete on contacts referencing old table as gone
    for each statement execute function contacts_free_identifiers();

-- Addresses whose contact is gone (none can exist while the foreign key held; this keeps the promise for any database
-- migrated in the middle of a delete).
delete from contact_identifiers i where not exists (select 1 from contacts c where c.id = i.contact_id);
