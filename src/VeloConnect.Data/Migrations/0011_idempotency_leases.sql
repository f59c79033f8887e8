-- An Idempotency-Key's claim is a lease: the API instance applying the request (lease_owner, for people reading
-- the table) holds it under a token of that attempt (lease_token) until lease_until, renewing it while it works. A
-- retry that finds the lease expired (its owner died) takes the request over with a new token; every write of the
-- request checks the token in its own transaction, so an attempt that was taken over can no longer write.
-- Claims left before this migration (no owner, no answer) start expired: their retries take them over at once.
alter table bulk_requests
    add column id uuid not null default gen_random_uuid(),
    add column lease_owner text,
    add column lease_token uuid,
    add column lease_until timestamptz not null default '-infinity',
    add column attempts integer not null default 1;
alter table bulk_requests add constraint bulk_requests_id unique (id);

-- What happened to each item of a keyed bulk request, committed in the transaction that applied it (or, for an item
-- that changed nothing, that decided it): a retry after any failure answers these as they were and applies only the
-- items not recorded here.
create table bulk_request_items (
    request_id uuid not null references bulk_requests (id) on delete cascade,
    item_index integer not null,
    status text not null check (status in ('created', 'updated', 'skipped', 'error')),
    contact_id uuid,
    duplicate_of integer,
    reasons text[] not null default '{}',
    warnings text[] not null default '{}',
    primary key (request_id, item_index)
);
