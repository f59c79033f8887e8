-- Issue 13, a cheaper schema (third step, after 0016 and 0022): the text search moves out of the contacts table into a
-- table of its own, so that a write which does not change what is searched (a merge that adds a tag, a custom value, an
-- agent) no longer writes the trigram index. Every update of a contact is a non-HOT update (its tags, custom values
-- and last activity are indexed), so each one added a full set of the search text's trigrams to contacts_search, the
-- costliest index of the table. Measured with psql (backend CPU, 50,000 contacts, docs/decisions.md "The search in a
-- table of its own"): the update of every contact's tags took 1.50-2.08 s with the trigram index on contacts and
-- 0.94-0.97 s without it; a COPY of 50,000 new contacts with their search rows took 1.42-1.46 s against 1.37-1.40 s.
--
-- contact_search holds one row per contact: the lower-cased name, email and phones (as contacts.search_text held them),
-- written in the transaction that writes the contact, rewritten only when that text changes. Its rows go when their
-- contact goes, by a statement trigger on contacts, as the identifiers' do (0016). No foreign key: like the
-- identifiers', every row is written by the statement sequence that writes its contact.

create table contact_search (
    contact_id uuid primary key,
    workspace_id uuid not null,
    search_text text not null
);

insert into contact_search (contact_id, workspace_id, search_text)
select id, workspace_id, search_text from contacts;

create index contact_search_text on contact_search using gin (search_text gin_trgm_ops);

drop index contacts_search;
alter table contacts drop column search_text;

create function contacts_drop_search() returns trigger language plpgsql as $$
begin
    delete from contact_search s using gone g where s.contact_id = g.id;
    return null;
end $$;

create trigger contacts_drop_search after delete on contacts referencing old table as gone
    for each statement execute function contacts_drop_search();
