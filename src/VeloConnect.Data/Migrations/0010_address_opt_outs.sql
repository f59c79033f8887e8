-- Consent per address. An opt-out belongs to the phone or email it was given for and stays with it wherever it goes
-- (on its contact, after it leaves that contact, on the contact that takes it next, after a delete) until an explicit
-- opt-in for a contact that holds it. A contact's status per channel is derived (ContactRules' Consent): opted out if
-- its own record (contact_opt_ins) says so or any address it holds has a row here; else its own opt-in; else unknown.
-- Every address a contact holds while opted out on a channel carries that opt-out, so no write path has to remember it.
create table address_opt_outs (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    kind char(1) not null check (kind in ('p', 'e')),
    value text not null,                          -- E.164 phone, or lower-cased email
    channel text not null check (channel in ('whatsapp', 'sms', 'email')),
    set_at timestamptz not null,
    source text not null,
    set_by uuid,
    primary key (workspace_id, kind, value, channel)
);

-- Today's data, meaning what it meant. 1: every opt-out a contact has, on each address it holds.
insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
select i.workspace_id, i.kind, i.value, o.channel, o.set_at, o.source, o.set_by
from contact_opt_ins o join contact_identifiers i on i.contact_id = o.contact_id
where o.status = 'opted_out'
on conflict (workspace_id, kind, value, channel) do nothing;

-- 2: the opt-outs kept from deleted contacts (where an address has both, the latest).
insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
select r.workspace_id, r.kind, r.value, r.channel, r.set_at, r.source, r.set_by
from retained_opt_outs r join workspaces w on w.id = r.workspace_id
on conflict (workspace_id, kind, value, channel) do update
    set set_at = excluded.set_at, source = excluded.source, set_by = excluded.set_by
    where excluded.set_at > address_opt_outs.set_at;

-- Every write of identifiers (a create, a merge, an edit, a batch, a revert) goes through here, so none has a step of its
-- own to forget. Each statement is planned when it runs (execute), not once per session: a plan cached while the tables
-- were empty (the first import into a new database) would scan whole tables per row, minutes for 50,000 rows.
create function take_address_opt_outs() returns trigger language plpgsql as $$
declare
    opted_out_now uuid[];
begin
    -- 1. A contact that takes an address carrying an opt-out on a channel it is not opted out of becomes opted out of it:
    --    its own record takes the address's opt-out (date and source), audited with the address that brought it.
    execute $sql$
        with took as (
            select distinct on (g.contact_id, a.channel) g.workspace_id, g.contact_id, a.channel, g.kind, g.value, a.set_at, a.source, a.set_by,
                   coalesce(o.status, 'unknown') as previous
            from gained g
            join address_opt_outs a on a.workspace_id = g.workspace_id and a.kind = g.kind and a.value = g.value
            left join contact_opt_ins o on o.contact_id = g.contact_id and o.channel = a.channel
            where o.status is distinct from 'opted_out'
            order by g.contact_id, a.channel, a.set_at desc),
        audited as (
            insert into audit_log (workspace_id, user_id, action, entity_type, entity_id, details)
            select workspace_id, null, 'opt_in.changed', 'contact', contact_id::text,
                jsonb_build_object('channel', channel, 'from', previous, 'to', 'opted_out', 'reason', 'took_opted_out_address',
                    'identifier', case kind when 'p' then 'Phone ' else 'Email ' end || value, 'source', source)
            from took),
        written as (
            insert into contact_opt_ins (contact_id, workspace_id, channel, status, set_at, source, set_by)
            select contact_id, workspace_id, channel, 'opted_out', set_at, source, set_by from took
            on conflict (contact_id, channel) do update
                set status = excluded.status, set_at = excluded.set_at, source = excluded.source, set_by = excluded.set_by
            returning contact_id)
        select array_agg(distinct contact_id) from written
        $sql$ into opted_out_now;

    -- 2. Every address of an opted-out contact carries the opt-out: the addresses just gained take their contact's...
    execute $sql$
        insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
        select g.workspace_id, g.kind, g.value, o.channel, o.set_at, o.source, o.set_by
        from gained g join contact_opt_ins o on o.contact_id = g.contact_id and o.status = 'opted_out'
        on conflict (workspace_id, kind, value, channel) do nothing
        $sql$;

    -- 3. ...and a contact step 1 opted out gives its new opt-outs to the addresses it held already.
    if opted_out_now is not null then
        execute $sql$
            insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
            select i.workspace_id, i.kind, i.value, o.channel, o.set_at, o.source, o.set_by
            from contact_identifiers i join contact_opt_ins o on o.contact_id = i.contact_id and o.status = 'opted_out'
            where i.contact_id = any($1)
            on conflict (workspace_id, kind, value, channel) do nothing
            $sql$ using opted_out_now;
    end if;
    return null;
end
$$;

create trigger contact_identifiers_take_opt_outs after insert on contact_identifiers
    referencing new table as gained for each statement execute function take_address_opt_outs();

-- 3: the one change of meaning. A retained opt-out was not applied to a contact that already had a status for the
-- channel when it took the address (an opt-in): that contact is now opted out, as the rule says. Such contacts take
-- their opted-out addresses again, through the trigger above: exactly what a contact taking one does from now on
-- (its own record takes the address's opt-out, the addresses it holds take it too, an audit row says which address).
create temporary table retaken on commit drop as
    select i.* from contact_identifiers i
    where exists (select 1 from address_opt_outs a
                  left join contact_opt_ins o on o.contact_id = i.contact_id and o.channel = a.channel
                  where a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value and o.status is distinct from 'opted_out');
delete from contact_identifiers i using retaken r where i.workspace_id = r.workspace_id and i.kind = r.kind and i.value = r.value;
insert into contact_identifiers (workspace_id, kind, value, contact_id) select workspace_id, kind, value, contact_id from retaken;

drop table retained_opt_outs;
